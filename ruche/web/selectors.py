"""What the home page's side column suggests: colleagues to follow, communities to join, the week's
tags. Each list's candidates are computed at most every few minutes per person (cached); what the
person did since (followed, joined) is checked fresh on every page, in one query per list.

Below them, what the administrators' pages (/manage/...) read: departments and sites with their
people, who holds each role, the administrators' log, the directory connections."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ruche.accounts.models import PEOPLE, Follow, Profile, User
from ruche.communities.models import Community, Membership
from ruche.communities.policies import joinable_communities
from ruche.core.prepared import prepared
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts

SUGGESTIONS_TTL = 10 * 60  # seconds: suggestions need not be fresher than that
CANDIDATES = 12  # kept per list, so that following a few still leaves some to show
TRENDING_DAYS = 7


@dataclass(frozen=True)
class Trend:
    key: str
    name: str
    uses: int


LISTS = ("people", "communities", "tags")


def _cached(viewer, name: str, compute):
    return cache.get_or_set(f"web:suggest:{name}:{viewer.pk}", compute, SUGGESTIONS_TTL)


def forget_suggestions(user_id: int) -> None:
    """Compute this person's suggestions again on their next page (they left a community)."""
    cache.delete_many([f"web:suggest:{name}:{user_id}" for name in LISTS])


def _kept_order(objects, ids: list[int], limit: int) -> list:
    by_id = {obj.pk: obj for obj in objects}
    return [by_id[pk] for pk in ids if pk in by_id][:limit]


# People -------------------------------------------------------------------------------------------


def people_to_follow(viewer, limit: int = 3) -> list[User]:
    """Colleagues of the viewer's department, site or communities whom they do not follow yet:
    department first, then the most communities in common, then the most followed."""
    ids = _cached(viewer, "people", lambda: _people_candidates(viewer))
    if not ids:
        return []
    still = set(_not_followed(viewer=viewer, ids=ids))
    shown = [pk for pk in ids if pk in still][:limit]  # only those shown are loaded whole
    return _kept_order(_people(ids=shown), shown, limit) if shown else []


@prepared("viewer", "ids")
def _not_followed(viewer, ids):
    followed = Follow.objects.filter(follower=viewer, followed=OuterRef("pk"))
    people = User.objects.filter(PEOPLE, pk__in=ids, is_active=True).exclude(Exists(followed))
    return people.values_list("pk", flat=True)


# What a suggestion shows (name, avatar, job title, link): a whole person and profile are some 60
# columns, and loading them was most of the side column's time.
SUGGESTION_FIELDS = ("handle", "first_name", "last_name", "email", "profile__photo", "profile__job_title")


@prepared("ids")
def _people(ids):
    return User.objects.filter(pk__in=ids).select_related("profile").only(*SUGGESTION_FIELDS)


def _people_candidates(viewer) -> list[int]:
    place = Profile.objects.filter(pk=viewer.pk).values("department_id", "site_id").first() or {}
    department, site = place.get("department_id"), place.get("site_id")
    # The company-wide community has everyone in it: sharing it says nothing.
    communities = Membership.objects.filter(user=viewer, community__is_company_wide=False).values(
        "community_id"
    )
    in_common = (
        Membership.objects.filter(user=OuterRef("pk"), community_id__in=communities)
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    near = Q(Exists(Membership.objects.filter(user=OuterRef("pk"), community_id__in=communities)))
    if department:
        near |= Q(profile__department_id=department)
    if site:
        near |= Q(profile__site_id=site)
    candidates = (
        User.objects.filter(near, PEOPLE, is_active=True, activated_at__isnull=False)
        .exclude(pk=viewer.pk)
        .exclude(Exists(Follow.objects.filter(follower=viewer, followed=OuterRef("pk"))))
        .annotate(
            colleague=Case(When(profile__department_id=department, then=1), default=0)
            if department
            else Value(0),
            in_common=Coalesce(Subquery(in_common, output_field=IntegerField()), Value(0)),
        )
        .order_by("-colleague", "-in_common", "-follower_count", "last_name", "pk")
    )
    return list(candidates.values_list("pk", flat=True)[:CANDIDATES])


# Communities --------------------------------------------------------------------------------------


def communities_to_join(viewer, limit: int = 3) -> list[Community]:
    """Public communities the viewer is not in, those most joined by their colleagues (the people
    they follow and their department) first, then the largest."""
    ids = _cached(viewer, "communities", lambda: _community_candidates(viewer))
    if not ids:
        return []
    return _kept_order(_joinable(viewer=viewer, ids=ids), ids, limit)


@prepared("viewer", "ids")
def _joinable(viewer, ids):
    return joinable_communities(viewer, Community.objects.filter(pk__in=ids))


def _community_candidates(viewer) -> list[int]:
    department = Profile.objects.filter(pk=viewer.pk).values_list("department_id", flat=True).first()
    colleagues = Q(user__follower_set__follower=viewer)
    if department:
        colleagues |= Q(user__profile__department_id=department)
    colleague_members = (
        Membership.objects.filter(colleagues, community=OuterRef("pk"))
        .exclude(user=viewer)
        .values("community")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    candidates = (
        joinable_communities(viewer, Community.objects.filter(is_company_wide=False))
        .annotate(colleagues=Coalesce(Subquery(colleague_members, output_field=IntegerField()), Value(0)))
        .order_by("-colleagues", "-member_count", "name", "pk")
    )
    return list(candidates.values_list("pk", flat=True)[:CANDIDATES])


# Tags ---------------------------------------------------------------------------------------------


def trending_tags(viewer, limit: int = 6) -> list[Trend]:
    """The tags most used these 7 days in posts and replies the viewer may read. Counted over
    `visible_posts` only: a tag used only in a community, a campaign or a thread the viewer cannot
    read is never shown, and its uses there are never counted."""
    return _cached(viewer, "tags", lambda: _trends(viewer))[:limit]


def _trends(viewer) -> list[Trend]:
    since = timezone.now() - timedelta(days=TRENDING_DAYS)
    readable = visible_posts(viewer, Post.objects.filter(created__gte=since)).values("pk")
    rows = (
        Post.hashtags.through.objects.filter(post_id__in=readable)
        .values("hashtag__key", "hashtag__name")
        .annotate(uses=Count("post_id"))
        .order_by("-uses", "hashtag__key")[:CANDIDATES]
    )
    return [Trend(row["hashtag__key"], row["hashtag__name"], row["uses"]) for row in rows]


def home_suggestions(viewer) -> dict:
    return {
        "people_to_follow": people_to_follow(viewer),
        "communities_to_join": communities_to_join(viewer),
        "trending_tags": trending_tags(viewer),
    }


# The administrators' pages (/manage/...) ----------------------------------------------------------


def org_units(model) -> list:
    """Every department (or site) with how many people it has, by name, in one query."""
    return list(model.objects.annotate(people=Count("profiles")).order_by("name"))


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    help: str
    holders: list


def role_holders() -> list[Role]:
    """Who holds each company-wide role, active people only, by name: one query per role."""
    from django.utils.translation import gettext as _

    from ruche.accounts.admin_actions import role_label
    from ruche.ideas.models import InnovationManager

    people = (
        User.objects.filter(PEOPLE, is_active=True)
        .select_related("profile")
        .order_by("last_name", "first_name")
    )
    helps = {
        "is_staff": _("Invites people, sets the rules, sees everything"),
        "is_animator": _("May create communities when creation is restricted"),
        "is_announcer": _("Publishes announcements to a chosen audience"),
        "is_analyst": _("Reads the adoption analytics (figures about groups only)"),
        "innovation_manager": _("Creates innovation campaigns"),
    }
    flags = [Role(key, role_label(key), helps[key], list(people.filter(**{key: True}))) for key in ROLE_FLAGS]
    managers = people.filter(Exists(InnovationManager.objects.filter(user=OuterRef("pk"))))
    innovation = Role("innovation_manager", role_label("innovation_manager"), helps["innovation_manager"],
                      list(managers))  # fmt: skip
    return [*flags, innovation]


ROLE_FLAGS = ("is_staff", "is_announcer", "is_animator", "is_analyst")
LOG_PAGE = 50


def admin_log_page(*, action: str = "", before: int | None = None, size: int | None = None):
    """The administrators' log, newest first, `size` entries after the cursor (keyset on the id)."""
    from ruche.accounts.models import AdminLogEntry
    from ruche.core.pagination import page_from

    size = size or LOG_PAGE
    entries = AdminLogEntry.objects.select_related("actor", "target_user").order_by("-pk")
    if action:
        entries = entries.filter(action=action)
    if before:
        entries = entries.filter(pk__lt=before)
    return page_from(list(entries[: size + 1]), size)


def logged_actions() -> list[str]:
    """The action codes the log holds (for its filter), in one query."""
    from ruche.accounts.models import AdminLogEntry

    return sorted(AdminLogEntry.objects.values_list("action", flat=True).distinct().order_by())


@dataclass(frozen=True)
class Connection:
    """A directory connection as the environment configures it: what an administrator may see of
    it (an address, an issuer, an entity id), never a secret."""

    name: str
    configured: bool
    facts: list  # (label, value)


def _provider_apps(provider: str) -> list[dict]:
    from django.conf import settings

    providers = getattr(settings, "SOCIALACCOUNT_PROVIDERS", None) or {}
    return list((providers.get(provider) or {}).get("APPS") or [])


def _first_setting(*names: str) -> str:
    """The first of these settings that is set: the single sign-on's names are the SSO's to choose."""
    from django.conf import settings

    for name in names:
        value = getattr(settings, name, "")
        if value:
            return str(value)
    return ""


def _without_credentials(url: str) -> str:
    """An address as shown: a user and password written into it are not."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def directory_connections() -> list[Connection]:
    """Single sign-on (OpenID Connect, SAML) and LDAP as configured in the environment."""
    from django.utils.translation import gettext as _

    oidc = [app.get("settings", {}).get("server_url", "") for app in _provider_apps("openid_connect")]
    issuer = next((url for url in oidc if url), "") or _first_setting("RUCHE_OIDC_ISSUER", "OIDC_ISSUER")
    saml = [
        ((app.get("settings") or {}).get("idp") or {}).get("entity_id", "") for app in _provider_apps("saml")
    ]
    entity = next((e for e in saml if e), "") or _first_setting(
        "RUCHE_SAML_IDP_ENTITY_ID", "SAML_IDP_ENTITY_ID", "RUCHE_SAML_ENTITY_ID", "SAML_ENTITY_ID"
    )
    ldap_url = _without_credentials(_first_setting("LDAP_URL", "RUCHE_LDAP_URL"))
    base_dn = _first_setting("LDAP_BASE_DN", "RUCHE_LDAP_BASE_DN")
    return [
        Connection(_("OpenID Connect"), bool(issuer or oidc), [(_("Issuer"), issuer)] if issuer else []),
        Connection(_("SAML 2.0"), bool(entity or saml), [(_("Identity provider"), entity)] if entity else []),
        Connection(
            _("LDAP or Active Directory"),
            bool(ldap_url),
            [(_("Address"), ldap_url), (_("Base DN"), base_dn)] if ldap_url else [],
        ),
    ]


def access_org_unit(model, pk: int):
    """A department or a site by id, 404 when there is none."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(model, pk=pk)


def organisation_counts() -> dict[str, int]:
    from ruche.accounts.models import Department, Site

    return {"departments": Department.objects.count(), "sites": Site.objects.count()}


def org_unit_people(unit) -> int:
    return unit.profiles.count()
