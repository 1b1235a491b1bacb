"""Adoption analytics for the company's BI tools: every table of the dashboard, for the same filters,
as JSON (the rows the page and the CSV show); and one's own activity."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ruche.analytics import sections, selectors
from ruche.analytics.forms import FiltersForm, PeriodForm, filters_from
from ruche.api.common import READ_ERRORS
from ruche.api.errors import Error

router = Router(tags=["analytics"])


class PeriodFilters(Schema):
    period: str | None = Field(None, description="7, 28 (default) or 90 days ending today, or `custom`")
    start: str | None = Field(None, description="First day of a custom range, YYYY-MM-DD")
    end: str | None = Field(None, description="Last day of a custom range, YYYY-MM-DD (at most 731 days)")


class Filters(PeriodFilters):
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
    selectors.company_figures_for(request.auth)
    form = _filters(FiltersForm, filters)
    return sections.Ask(viewer=request.auth, period=form.range, today=form.today, scope=form.scope)


def _filters(form_class, filters: Schema):
    """The dashboard's form for these query parameters; a 400 naming the faulty one."""
    given = {name: value for name, value in filters.dict().items() if value is not None}
    form = filters_from(form_class, given, today=timezone.localdate())
    if form.errors:
        raise ValidationError(form.errors.as_data())
    return form


def _table_out(dashboard: list, key: str, ask) -> dict:
    found = sections.one_table(dashboard, ask, key)
    return {**found.as_json(), "start": ask.period.start.isoformat(), "end": ask.period.end.isoformat()}


@router.get(
    "/tables", response={200: list[TableRef], 400: Error, 403: Error, **READ_ERRORS}, summary="Tables"
)
def tables(request, filters: Query[Filters]):
    """The tables the caller may read (computed for the filters given, so that titles match)."""
    built = sections.build(sections.COMPANY, _ask(request, filters))
    return [
        {"key": t.key, "title": t.title, "section": part.section.key} for part in built for t in part.tables
    ]


@router.get(
    "/tables/{key}", response={200: TableOut, 400: Error, 403: Error, **READ_ERRORS}, summary="One table"
)
def table(request, key: str, filters: Query[Filters]):
    """One table of the company's dashboard (`actives.daily`, `departments.table`...)."""
    ask = _ask(request, filters)
    return _table_out(sections.COMPANY, key, ask)


def _community_ask(request, slug: str, filters: PeriodFilters) -> sections.Ask:
    community = selectors.community_figures_for(request.auth, slug)
    form = _filters(PeriodForm, filters)
    return sections.Ask(viewer=request.auth, period=form.range, today=form.today, community=community)


@router.get(
    "/communities/{slug}/tables",
    response={200: list[TableRef], 400: Error, 403: Error, **READ_ERRORS},
    summary="A community's tables",
)
def community_tables(request, slug: str, filters: Query[PeriodFilters]):
    """The tables of a community's figures (for its owners, animators and the company's readers)."""
    built = sections.build(sections.COMMUNITY, _community_ask(request, slug, filters))
    return [
        {"key": t.key, "title": t.title, "section": part.section.key} for part in built for t in part.tables
    ]


@router.get(
    "/communities/{slug}/tables/{key}",
    response={200: TableOut, 400: Error, 403: Error, **READ_ERRORS},
    summary="One table of a community's figures",
)
def community_table(request, slug: str, key: str, filters: Query[PeriodFilters]):
    ask = _community_ask(request, slug, filters)
    return _table_out(sections.COMMUNITY, key, ask)


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
