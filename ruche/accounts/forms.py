from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from ruche.accounts.completeness import ITEMS
from ruche.accounts.models import PEOPLE, Department, Profile, ProfileSettings, Site, User


class ColleagueField(forms.ModelChoiceField):
    """A colleague typed by handle, with the people autocomplete: a company of 10,000 is no <select>."""

    widget = forms.TextInput(
        attrs={"data-autocomplete-person": "", "autocomplete": "off", "placeholder": _("Start typing a name")}
    )
    default_error_messages = {
        "invalid_choice": _("No active colleague has this handle: pick one from the list.")
    }

    def __init__(self, **kwargs):
        queryset = User.objects.filter(PEOPLE, is_active=True).select_related("profile")
        super().__init__(queryset, to_field_name="handle", **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip().removeprefix("@") if isinstance(value, str) else value)

    def prepare_value(self, value):
        if isinstance(value, User):
            return value.handle
        if isinstance(value, int):  # a bound model's manager_id
            return User.objects.filter(pk=value).values_list("handle", flat=True).first() or ""
        return super().prepare_value(value)


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
    manager = ColleagueField(label=_("Manager"), required=False)

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

    def __init__(self, *args, mandatory: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        for name in mandatory:
            if name in self.fields:
                self.fields[name].required = True
        if "skills" in mandatory:
            self.fields["skills"].help_text = SKILLS_HELP_MANDATORY
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["language"].initial = user.language or settings.LANGUAGE_CODE
        self.fields["skills"].initial = ", ".join(s.name for s in self.instance.skills.all())
        self.fields["manager"].queryset = self.fields["manager"].queryset.exclude(pk=user.pk)
        self.order_fields(["first_name", "last_name", "job_title", "department", "site", "manager", "skills"])

    def skill_names(self) -> list[str]:
        return [name for name in self.cleaned_data["skills"].split(",") if name.strip()]


SKILLS_HELP_MANDATORY = _("At least 3, separated by commas, e.g. “Lean, Excel, gestion de projet”.")


class OnboardingForm(forms.Form):
    """Only what the company made mandatory and the person has not filled in yet."""

    job_title = forms.CharField(label=_("Job title"), max_length=120)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all())
    manager = ColleagueField(label=_("Manager"))
    skills = forms.CharField(
        label=_("Your skills"),
        max_length=2000,
        help_text=SKILLS_HELP_MANDATORY,
        widget=forms.TextInput(attrs={"data-autocomplete-skills": "", "autocomplete": "off"}),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words: what you work on, what you like to help with."),
    )
    photo = forms.FileField(
        label=_("Your photo"),
        help_text=_("JPEG, PNG, GIF or WebP, 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def __init__(self, *args, user: User, missing: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in list(self.fields):
            if name not in missing:
                del self.fields[name]
        if "manager" in self.fields:
            self.fields["manager"].queryset = self.fields["manager"].queryset.exclude(pk=user.pk)
        self.order_fields([name for name in missing])

    def clean_skills(self):
        names = [name for name in self.cleaned_data["skills"].split(",") if name.strip()]
        return names

    def service_arguments(self) -> dict:
        """The keyword arguments of services.profile_onboard."""
        data = dict(self.cleaned_data)
        return {"photo": data.pop("photo", None), "skills": data.pop("skills", None), **data}


class ProfileSettingsForm(forms.Form):
    mandatory = forms.MultipleChoiceField(
        label=_("Mandatory at first login"),
        required=False,
        choices=[(item.key, item.label) for item in ITEMS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Whoever misses one of these is asked to fill it in before using Ruche; nothing else is asked."
        ),
    )

    def __init__(self, *args, current: ProfileSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mandatory"].initial = current.mandatory


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
    create_units = forms.BooleanField(
        label=_("Create the departments and sites the file names that do not exist yet"),
        help_text=_(
            "Leave unticked to have them listed first: a misspelt name would become a new department."
        ),
        required=False,
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


class RolesForm(forms.Form):
    """Company-wide roles, given by administrators (ruche.accounts.services.user_set_roles)."""

    is_staff = forms.BooleanField(
        label=_("Administrator"),
        required=False,
        help_text=_("Invites people, sets the rules, sees everything"),
    )
    is_animator = forms.BooleanField(
        label=_("Community animator"),
        required=False,
        help_text=_("May create communities when creation is restricted"),
    )
    is_announcer = forms.BooleanField(
        label=_("Announcer"), required=False, help_text=_("Publishes announcements to a chosen audience")
    )
    is_analyst = forms.BooleanField(
        label=_("Analyst"),
        required=False,
        help_text=_("Reads the adoption analytics (figures about groups only)"),
    )
