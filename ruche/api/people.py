"""People: the directory (filters as in the browser), a profile and its posts, editing a profile,
follow and unfollow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ruche import resolvers
from ruche.accounts import policies, selectors, services
from ruche.accounts.models import Department, Site
from ruche.accounts.selectors import access_person
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.posts import ReasonIn, ReportCreated
from ruche.api.schemas import FollowOut, Id, PageQuery, PeoplePage, PersonListItem, PersonOut, PostPage
from ruche.communities.services import report_create
from ruche.core.ids import ID_MAX
from ruche.posts.selectors import author_feed

router = Router(tags=["people"])


class DirectoryQuery(Schema):
    q: str = Field("", max_length=100, description="Words of a name or a handle (accents and case ignored)")
    department: Id | None = None
    site: Id | None = None
    skill: Id | None = None
    page: int = Field(1, ge=1, le=ID_MAX)


@router.get("/", response={200: PeoplePage, **READ_ERRORS}, summary="Directory of people")
def directory(request, filters: Query[DirectoryQuery]):
    """Active colleagues by name, 48 a page (`page` = 1, 2, …; `next_page` is null on the last one)."""
    found = selectors.directory(
        name=filters.q.strip(),
        department=filters.department,
        site=filters.site,
        skill=filters.skill,
        page=filters.page,
    )
    return {
        "items": list(found.object_list),
        "page": found.number,
        "pages": found.paginator.num_pages,
        "count": found.paginator.count,
        "next_page": found.next_page_number() if found.has_next() else None,
    }


@router.get("/{handle}", response={200: PersonOut, **READ_ERRORS}, summary="A profile")
def profile(request, handle: str):
    return selectors.profile_of(request.auth, handle)


class ProfilePatch(Schema):
    """Only the fields sent are changed; `null` clears department, site or manager."""

    first_name: str = Field(None, max_length=80)
    last_name: str = Field(None, max_length=80)
    language: str = Field(None, description="`fr` or `en`")
    job_title: str = Field(None, max_length=120)
    department: Id | None = Field(None, description="A department id (see the directory filters)")
    site: Id | None = Field(None, description="A site id")
    manager: str | None = Field(None, description="The manager's handle")
    phone: str = Field(None, max_length=40)
    ask_me_about: str = Field(None, max_length=200)
    languages: str = Field(None, max_length=200)
    bio: str = Field(None, max_length=2000)
    skills: list[str] = Field(None, max_length=30, description="Replaces the skills")


def _resolved(fields: dict) -> dict:
    """Ids and handles to the objects the service takes; an unknown one is a 400 naming the field."""
    for name, model in (("department", Department), ("site", Site)):
        if fields.get(name) is not None:
            fields[name] = model.objects.filter(pk=fields[name]).first()
            if fields[name] is None:
                raise ValidationError({name: _("This value does not exist.")})
    if fields.get("manager") is not None:
        fields["manager"] = resolvers.person(fields["manager"], field="manager")
    if "language" in fields and fields["language"] not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose fr or en.")})
    return fields


@router.patch("/{handle}", response={200: PersonOut, **WRITE_ERRORS}, summary="Edit a profile")
def edit(request, handle: str, payload: ProfilePatch):
    """One's own profile, or anyone's for an admin (the same rules as the edit form)."""
    person = access_person(request.auth, handle)
    fields = _resolved(payload.dict(exclude_unset=True))
    skills = fields.pop("skills", None)
    services.profile_update(profile=person.profile, by=request.auth, skills=skills, **fields)
    return selectors.profile_of(request.auth, handle)


@router.get("/{handle}/posts", response={200: PostPage, **READ_ERRORS}, summary="A person's posts")
def posts(request, handle: str, params: Query[PageQuery]):
    person = access_person(request.auth, handle)
    return author_feed(request.auth, person, before=params.before, size=params.limit)


@router.post("/{handle}/report", response={201: ReportCreated, **WRITE_ERRORS}, summary="Report someone")
def report(request, handle: str, payload: ReasonIn):
    """Flag a person's behaviour to the company's admins."""
    person = access_person(request.auth, handle)
    return Status(201, report_create(by=request.auth, person=person, reason=payload.reason))


@router.post("/{handle}/follow", response={200: FollowOut, **WRITE_ERRORS}, summary="Follow someone")
def follow(request, handle: str):
    person = access_person(request.auth, handle)
    services.user_follow(follower=request.auth, followed=person)
    return {"following": True}


@router.delete("/{handle}/follow", response={204: None, **WRITE_ERRORS}, summary="Stop following someone")
def unfollow(request, handle: str):
    person = access_person(request.auth, handle)
    services.user_unfollow(follower=request.auth, followed=person)
    return HttpResponse(status=204)


class OrgPerson(PersonListItem):
    report_count: int = Field(description="How many active colleagues report to this person")


class OrgOut(Schema):
    person: OrgPerson
    chain: list[PersonListItem] = Field(description="The person's managers, the top first, their own last")
    reports: list[OrgPerson] = Field(description="Their active direct reports, by name")


@router.get("/{handle}/org", response={200: OrgOut, **READ_ERRORS}, summary="A person in the org chart")
def org(request, handle: str):
    """Who the person reports to, up to the top, and who reports to them (as on their org chart page).
    Former colleagues are left out: a former colleague's page is a 404, and a chain stops below one."""
    if not policies.can_view_org_chart(request.auth):
        raise Http404
    person = selectors.access_org_person(request.auth, handle)
    return {
        "person": person,
        "chain": selectors.org_chain(person),
        "reports": [node.person for node in selectors.org_reports(person)],
    }
