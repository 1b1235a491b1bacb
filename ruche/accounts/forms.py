from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from ruche.accounts.models import Department, Profile, Site, User


class ProfileForm(forms.ModelForm):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    language = forms.ChoiceField(label=_("Language of the interface"), choices=settings.LANGUAGES)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Separated by commas, e.g. “Lean, Excel, gestion de projet”."),
        widget=forms.TextInput(attrs={"data-autocomplete-skills": "", "autocomplete": "off"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False)
    manager = forms.ModelChoiceField(
        label=_("Manager"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
    )

    class Meta:
        model = Profile
        fields = [
            "job_title",
            "department",
            "site",
            "manager",
            "phone",
            "ask_me_about",
            "languages",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["language"].initial = user.language or settings.LANGUAGE_CODE
        self.fields["skills"].initial = ", ".join(s.name for s in self.instance.skills.all())
        self.fields["manager"].queryset = self.fields["manager"].queryset.exclude(pk=user.pk)
        self.order_fields(["first_name", "last_name", "job_title", "department", "site", "manager", "skills"])

    def skill_names(self) -> list[str]:
        return [name for name in self.cleaned_data["skills"].split(",") if name.strip()]


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("New photo"), help_text=_("JPEG, PNG, GIF or WebP, 5 MB at most."))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    department = forms.CharField(label=_("Department"), max_length=120, required=False)
    site = forms.CharField(label=_("Site"), max_length=120, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: email, first_name, last_name, job_title, department, site, manager_email."),
    )


class ActivationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type it again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"], self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
