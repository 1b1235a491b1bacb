"""The administrators' pages' forms (/manage/...): they parse; the services in accounts and ideas
decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ruche.accounts.admin_actions import ROLES
from ruche.accounts.forms import ColleagueField
from ruche.accounts.models import DirectorySettings


class UnitNameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class UnitMergeForm(forms.Form):
    """Merge into another unit of the same kind; the queryset is the kind's, minus the unit itself."""

    into = forms.ModelChoiceField(label=_("Merge into"), queryset=None, empty_label=_("Choose…"))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = type(unit).objects.exclude(pk=unit.pk).order_by("name")


class RoleGiveForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=list(ROLES.items()))
    person = ColleagueField(label=_("Person"))


class DirectorySettingsForm(forms.ModelForm):
    class Meta:
        model = DirectorySettings
        fields = ["sso_provision_unknown", "scim_groups_as", "erasure_keeps_contributions"]
