from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.search.documents import Kind
from ruche.search.selectors import Filters

EXPERTS = "experts"


class SearchForm(forms.Form):
    """The query string is not validated here: the search parses it and says what is wrong."""

    q = forms.CharField(label=_("Search"), required=False, strip=False)
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("Everything")), *Kind.choices, (EXPERTS, _("Experts"))],
    )
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None)
    author = forms.CharField(label=_("Author (handle)"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Relevance")), ("date", _("Date"))],
    )
    offset = forms.IntegerField(required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput)

    def __init__(self, *args, communities=(), departments=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["community"].choices = anything + [(c.pk, c.name) for c in communities]
        self.fields["department"].choices = anything + [(d.pk, d.name) for d in departments]
        self.fields["site"].choices = anything + [(s.pk, s.name) for s in sites]

    def filters(self, author_id: int | None) -> Filters:
        data = self.cleaned_data
        kind = data.get("kind") or ""
        return Filters(
            kind="" if kind == EXPERTS else kind,
            community=data.get("community"),
            author=author_id,
            since=day_start(data.get("since")),
            until=day_start(data["until"] + timedelta(days=1)) if data.get("until") else None,
            department=data.get("department"),
            site=data.get("site"),
            order=data.get("order") or "relevance",
            offset=data.get("offset") or 0,
        )


def day_start(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))
