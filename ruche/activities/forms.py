from django import forms
from django.utils.translation import gettext_lazy as _

from ruche.activities.models import Activity


class EndpointForm(forms.Form):
    """Input only: the rules (https, public address, at least one type) are the service's."""

    name = forms.CharField(
        label=_("Name"), max_length=80, required=False, help_text=_("What the receiver is, e.g. “CRM”.")
    )
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        required=False,
        help_text=_("An https:// address that receives a POST for each activity."),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    types = forms.MultipleChoiceField(
        label=_("Activities to send"),
        choices=Activity.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
