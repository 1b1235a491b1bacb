"""What a dashboard is asked for: a period and, for the company's, a department or a site."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.accounts.models import Department, Site
from ruche.analytics.period import DEFAULT_DAYS, MAX_DAYS, PRESETS, Period
from ruche.analytics.scope import Scope

CUSTOM = "custom"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            *((str(days), _("Last %(days)s days") % {"days": days}) for days in PRESETS),
            (CUSTOM, _("Custom range")),
        ],
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, today: datetime.date | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        chosen = cleaned.get("period") or (CUSTOM if start or end else str(DEFAULT_DAYS))
        if chosen != CUSTOM:
            cleaned["range"] = Period.last(int(chosen), self.today)
            return cleaned
        if self.errors:
            return cleaned
        if not start or not end:
            raise ValidationError(_("A custom range needs a first and a last day."), code="incomplete")
        if end < start:
            raise ValidationError(_("The range ends before it starts."), code="reversed")
        if start > self.today:
            raise ValidationError(_("The range starts in the future."), code="future")
        end = min(end, self.today)
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationError(
                _("A range spans %(days)s days at most.") % {"days": MAX_DAYS}, code="too_long"
            )
        cleaned["range"] = Period(start, end)
        return cleaned

    @property
    def range(self) -> Period:
        return self.cleaned_data["range"]


class FiltersForm(PeriodForm):
    """The company's dashboard: the directory's filters (department, site) besides the period."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False,
        empty_label=_("All departments"),
        error_messages={"invalid_choice": _("This department does not exist (any more).")},
    )  # fmt: skip
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.order_by("name"), required=False,
        empty_label=_("All sites"),
        error_messages={"invalid_choice": _("This site does not exist (any more).")},
    )  # fmt: skip

    @property
    def scope(self) -> Scope:
        return Scope(department=self.cleaned_data.get("department"), site=self.cleaned_data.get("site"))


def filters_from(form_class, query, *, today: datetime.date):
    """A dashboard's form for its query string, validated; an empty query asks for the default
    period (so that the form shows it chosen)."""
    form = form_class(query or {"period": str(DEFAULT_DAYS)}, today=today)
    form.is_valid()
    return form
