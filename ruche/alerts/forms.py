from django import forms
from django.utils.translation import gettext_lazy as _


class AlertForm(forms.Form):
    """Parses; the service refuses what makes no alert (no words, a community one cannot read)."""

    q = forms.CharField(label=_("Words to watch"), max_length=1000)
    community = forms.TypedChoiceField(label=_("Where"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, communities=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["community"].choices = [("", _("Everywhere I can read"))] + [
            (c.pk, c.name) for c in communities
        ]
