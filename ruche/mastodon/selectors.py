"""Reads of the Mastodon API that no other app's selector answers."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Min
from django.http import Http404
from oauth2_provider.models import AccessToken

from ruche.accounts.models import User
from ruche.posts.models import Post

PERSON = ("profile", "profile__department", "profile__site")


def person(pk: int) -> User:
    """An active person with what the Account shape shows; 404 otherwise."""
    found = User.objects.select_related(*PERSON).filter(pk=pk, is_active=True).first()
    if found is None:
        raise Http404
    return found


def contact_person() -> User | None:
    return User.objects.select_related(*PERSON).filter(is_active=True, is_staff=True).order_by("pk").first()


def instance_stats() -> dict:
    return {
        "user_count": User.objects.filter(is_active=True).count(),
        "status_count": Post.objects.filter(parent__isnull=True, deleted_at__isnull=True).count(),
        "domain_count": 0,
    }


@dataclass(frozen=True)
class AllowedApp:
    pk: int
    name: str
    website: str
    scopes: list[tuple[str, str]]
    since: datetime
    last_used: datetime


def apps_allowed_by(user) -> list[AllowedApp]:
    """The apps holding a token of `user`, with the scopes granted, when first allowed and last used
    (a token's `updated`, bumped at most hourly when used: ruche.mastodon.tokens)."""
    from ruche.mastodon.scopes import described

    rows = (
        AccessToken.objects.filter(user=user, application__isnull=False)
        .values("application_id", "application__name", "application__mastodon__website")
        .annotate(since=Min("created"), last_used=Max("updated"))
        .order_by("-last_used")
    )
    scopes: dict[int, set[str]] = {}
    for app_id, scope in AccessToken.objects.filter(user=user).values_list("application_id", "scope"):
        scopes.setdefault(app_id, set()).update(scope.split())
    return [
        AllowedApp(
            pk=row["application_id"],
            name=row["application__name"],
            website=row["application__mastodon__website"] or "",
            scopes=described(" ".join(sorted(scopes.get(row["application_id"], ())))),
            since=row["since"],
            last_used=row["last_used"],
        )
        for row in rows
    ]
