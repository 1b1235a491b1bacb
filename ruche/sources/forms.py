"""The form an animator adds a news source with: it parses; the service checks and decides."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ruche.sources.services import INTERVALS


def _every(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext_lazy("every hour", "every %(n)d hours", hours) % {"n": hours}
    return _("every %(n)d minutes") % {"n": minutes}


class SourceForm(forms.Form):
    url = forms.CharField(
        label=_("Feed address (RSS or Atom)"),
        max_length=2048,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_("A press feed, a Google Alerts or Talkwalker feed, a supplier's blog."),
    )
    keywords = forms.CharField(
        label=_("Only items mentioning"),
        max_length=300,
        required=False,
        help_text=_("Words separated by commas; leave empty to publish every item."),
    )
    interval_minutes = forms.TypedChoiceField(
        label=_("Checked"), coerce=int, choices=[(m, _every(m)) for m in INTERVALS], initial=60
    )
