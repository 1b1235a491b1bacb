"""Forms of the community pages: they parse and validate input; services decide and write."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ruche.accounts.models import PEOPLE, Department, Site, User
from ruche.communities.models import Community, CommunitySettings, Membership
from ruche.core.ids import ID_MAX


class CommunityForm(forms.Form):
    """Create a community, or change its settings."""

    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the community is for, who should join, the rules of the house."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Community.Kind.choices,
        initial=Community.Kind.WORK,
        help_text=_("Work: a project, a trade, a site. Interest: a hobby, a passion shared."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Community.Visibility.choices,
        initial=Community.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    premoderate_posts = forms.BooleanField(label=_("Posts wait for a moderator's approval"), required=False)
    premoderate_replies = forms.BooleanField(label=_("Replies wait too"), required=False)

    @classmethod
    def for_community(cls, community: Community, data=None) -> "CommunityForm":
        initial = {name: getattr(community, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def changed_values(self) -> dict:
        """Only what changed, so that the service checks (quota, name) only what it must."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the animators (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you leaving? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the community's animators read it: it helps them improve it."),
    )


class InviteForm(forms.Form):
    who = forms.CharField(
        label=_("E-mail or handle of a colleague"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_who(self) -> User:
        value = self.cleaned_data["who"].strip().lstrip("@")
        person = (
            User.objects.filter(Q(email__iexact=value) | Q(handle=value.lower()), PEOPLE, is_active=True)
            .only("pk", "first_name", "last_name", "email", "handle", "is_active")
            .first()
        )
        if person is None:
            raise forms.ValidationError(_("No active colleague has this e-mail or handle."))
        return person


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RuleForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("Any")
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.all(), required=False, empty_label=_("Any")
    )

    def clean(self):
        data = super().clean()
        if not data.get("department") and not data.get("site"):
            raise forms.ValidationError(_("Choose a department, a site, or both."))
        return data


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, told to the author"),
        max_length=500,
        widget=forms.TextInput,
        error_messages={"required": _("Say why: the author will be told.")},
    )


def _small_count(name: str) -> forms.IntegerField:
    """A PositiveSmallIntegerField's form field, bounded as PostgreSQL bounds it (SQLite would not)."""
    return forms.IntegerField(
        label=capfirst(CommunitySettings._meta.get_field(name).verbose_name), min_value=0, max_value=32767
    )


class GovernanceForm(forms.ModelForm):
    private_share_max = _small_count("private_share_max")
    private_per_creator_max = _small_count("private_per_creator_max")

    class Meta:
        model = CommunitySettings
        fields = ["creation_policy", "private_share_max", "private_per_creator_max"]
        labels = {"creation_policy": _("Who may create communities")}
        widgets = {"creation_policy": forms.RadioSelect}

    def clean_private_share_max(self):
        value = self.cleaned_data["private_share_max"]
        if value > 100:
            raise forms.ValidationError(_("A share is at most 100%."))
        return value


class InactiveForm(forms.Form):
    weeks = forms.IntegerField(label=_("No activity for (weeks)"), min_value=1, max_value=520, initial=8)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=40, required=False)
    community = forms.IntegerField(label=_("Community"), required=False, min_value=1, max_value=ID_MAX)
    actor = forms.CharField(label=_("Done by (handle)"), max_length=64, required=False)
