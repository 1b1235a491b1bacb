"""People: the directory (filters as in the browser), a profile and its posts, follow and unfollow."""

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from ruche.accounts import selectors, services
from ruche.api.common import READ_ERRORS, WRITE_ERRORS, person_or_404
from ruche.api.schemas import FollowOut, PageQuery, PeoplePage, PersonOut, PostPage
from ruche.posts.selectors import author_feed

router = Router(tags=["people"])


class DirectoryQuery(Schema):
    q: str = Field("", max_length=100, description="Words of a name or a handle (accents and case ignored)")
    department: int | None = Field(None, ge=1)
    site: int | None = Field(None, ge=1)
    skill: int | None = Field(None, ge=1)
    page: int = Field(1, ge=1)


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


@router.get("/{handle}/posts", response={200: PostPage, **READ_ERRORS}, summary="A person's posts")
def posts(request, handle: str, params: Query[PageQuery]):
    person = person_or_404(handle)
    return author_feed(request.auth, person, before=params.before, size=params.limit)


@router.post("/{handle}/follow", response={200: FollowOut, **WRITE_ERRORS}, summary="Follow someone")
def follow(request, handle: str):
    person = person_or_404(handle)
    services.user_follow(follower=request.auth, followed=person)
    return {"following": True}


@router.delete("/{handle}/follow", response={204: None, **WRITE_ERRORS}, summary="Stop following someone")
def unfollow(request, handle: str):
    person = person_or_404(handle)
    services.user_unfollow(follower=request.auth, followed=person)
    return HttpResponse(status=204)
