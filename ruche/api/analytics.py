"""Adoption analytics for the company's BI tools: every table of the dashboard, for the same filters,
as JSON (the rows the page and the CSV show); and one's own activity."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ruche.analytics import policies, sections, selectors
from ruche.analytics.forms import FiltersForm
from ruche.api.common import READ_ERRORS
from ruche.api.errors import Error

router = Router(tags=["analytics"])


class Filters(Schema):
    period: str | None = Field(None, description="7, 28 (default) or 90 days ending today, or `custom`")
    start: str | None = Field(None, description="First day of a custom range, YYYY-MM-DD")
    end: str | None = Field(None, description="Last day of a custom range, YYYY-MM-DD (at most 731 days)")
    department: str | None = Field(None, description="A department's id (the people's current one)")
    site: str | None = Field(None, description="A site's id")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(description="int, number, percent, text, date")


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict] = Field(description="One object per row, by column key; null: no data or hidden")
    hidden_below: int = Field(description="Figures about fewer people than this are null")
    start: str
    end: str


class TableRef(Schema):
    key: str
    title: str
    section: str


def _ask(request, filters: Filters) -> sections.Ask:
    if not policies.can_view_company(request.auth):
        raise PermissionDenied(_("Only administrators and analysts can read the company's figures."))
    today = timezone.localdate()
    form = FiltersForm({k: v for k, v in filters.dict().items() if v is not None}, today=today)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return sections.Ask(viewer=request.auth, period=form.range, today=today, scope=form.scope)


@router.get(
    "/tables", response={200: list[TableRef], 400: Error, 403: Error, **READ_ERRORS}, summary="Tables"
)
def tables(request, filters: Query[Filters]):
    """The tables the caller may read (computed for the filters given, so that titles match)."""
    built = sections.build(sections.COMPANY, _ask(request, filters))
    return [
        {"key": table.key, "title": table.title, "section": part.section.key}
        for part in built
        for table in part.tables
    ]


@router.get(
    "/tables/{key}", response={200: TableOut, 400: Error, 403: Error, **READ_ERRORS}, summary="One table"
)
def table(request, key: str, filters: Query[Filters]):
    """One table of the company's dashboard (`actives.daily`, `departments.table`...)."""
    ask = _ask(request, filters)
    found = sections.find_table(sections.build(sections.COMPANY, ask, only=key), key)
    if found is None:
        raise Http404(_("There is no such table."))
    return {**found.as_json(), "start": ask.period.start.isoformat(), "end": ask.period.end.isoformat()}


class ActivityOut(Schema):
    days: int
    active_days: int
    visits: int
    pages: int
    searches: int
    posts: int
    replies: int
    reactions: int
    shares: int
    answers: int
    accepted_answers: int
    ideas: int
    votes: int


@router.get("/me", response={200: ActivityOut, **READ_ERRORS}, summary="My activity")
def me(request):
    """The caller's own figures over the last 28 days (nobody else's)."""
    return {"days": selectors.MY_ACTIVITY_DAYS, **selectors.my_activity(user=request.auth)}
