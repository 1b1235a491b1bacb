import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from ruche import resolvers
from ruche.accounts import policies, services
from ruche.accounts.admin_actions import action_label
from ruche.accounts.models import Department, DirectorySettings, Site
from ruche.accounts.policies import is_admin
from ruche.accounts.selectors import invited_not_activated_count, own_completeness
from ruche.announcements.selectors import pinned_for
from ruche.announcements.selectors import received as announcements_received
from ruche.communities.selectors import creation_requests, open_reports
from ruche.core.pagination import parse_cursor
from ruche.core.views import apply_errors, render_page, safe_next, unwrapped
from ruche.feed import memo
from ruche.feed.choices import FILTERS, ORDERS, Choice, Cursor, read_choice
from ruche.feed.selectors import FeedPage, feed_page
from ruche.feed.services import feed_opened
from ruche.files.models import FileSettings
from ruche.files.services import allowed_extensions
from ruche.ideas.selectors import open_challenges
from ruche.notifications.selectors import unread_signature_sql
from ruche.posts.forms import PostForm
from ruche.posts.selectors import company_feed
from ruche.web import cards, jinja, selectors
from ruche.web import services as web_services
from ruche.web.forms import DirectorySettingsForm, RoleGiveForm, UnitMergeForm, UnitNameForm
from ruche.web.selectors import home_suggestions
from ruche.web.templatetags import ruche as tags
from ruche.worker.selectors import queue_figures


@login_required
def home(request, form=None, status=200):
    """The home feed with the composer above it, filtered and ordered as the person chose (kept in
    the URL and for their next visit); an empty feed shows what the company says. Drawn by Jinja2
    (ruche/web/jinja2/web/home_page.html): the most requested page, see ruche/web/jinja.py."""
    user = unwrapped(request.user)
    reading = read_choice(
        Choice(user.feed_filter, user.feed_order),
        filter=request.GET.get("filter"),
        order=request.GET.get("order"),
        cursor=request.GET.get("cursor"),
        before=request.GET.get("before"),
    )
    if reading.cursor is None:
        feed_opened(user, choice=reading.choice, explicit=reading.explicit)
    key = _kept_key(request, user, reading) if form is None else None
    unread = unread_signature_sql(user) if key else ("", [])  # the badge, kept with the page
    if key and (kept := memo.find(key, user.pk, unread)):
        return HttpResponse(_personal(request, kept.body))
    before = memo.read_stamp(user.pk, also=unread) if key else None
    page = feed_for(user, reading)
    context = {
        "page": page,
        "reading": reading,
        "feed_filters": FILTERS,
        "feed_orders": ORDERS,
        "form": form or PostForm(user=user),
        "feed_url": request.path,
        "discover": None,
    }
    if not page.items and reading.cursor is None and reading.choice.filter == "all":
        context["discover"] = company_feed(user)  # an empty feed shows what the company says
    if request.htmx and request.headers.get("HX-Target") == "home-feed":  # a filter or an order
        return jinja.render_page(
            request, "web/home_page.html", context, partial="web/home_feed.html", status=status
        )
    context |= {
        # The meter in the side column; the profile it loads is the one the page header's avatar shows.
        "completeness": None if request.htmx else own_completeness(user),
        # Innovation campaigns open to the viewer (one query), in a small box above the feed.
        "challenges": [] if request.htmx else open_challenges(user),
        # Announcements not yet confirmed or dismissed, pinned above the feed (one query).
        "pinned_announcements": None if request.htmx else pinned_for(user),
    }
    if not request.htmx:  # the side column: whom to follow, where to go, the week's tags
        context |= home_suggestions(user)
    # htmx: "Load more", or the new posts (realtime.js): the page's posts only.
    response = jinja.render_page(
        request, "web/home_page.html", context, partial="web/home_feed_page.html", status=status
    )
    if key and status == 200 and memo.keepable(page.items) and not context["discover"]:
        body = _impersonal(request, response.content)
        if body is not None:
            memo.keep(key, before, page.items, body, until=page.until)
    return response


# A kept home page (ruche/feed/memo.py) is the page's bytes cut at its per-request values: the
# forms' one-time tokens, then the CSRF token (per browser) within each piece. Cut once, joined
# once per request by a few joins made in C (a loop over the page's many tokens cost 0.1 ms).
CLIENT_TOKEN = re.compile(rb'(?<=name="client_token" value=")[0-9a-f-]{36}(?=")')


def _kept_key(request, user, reading) -> tuple | None:
    """What a kept first page of the home feed is found under; None when this request is drawn."""
    if (
        request.method != "GET"
        or request.htmx
        or reading.cursor
        or reading.problem
        or reading.choice.filter == "announcements"
        or get_messages(request)  # shown once, by the page that reads them
    ):
        return None
    return ("home", user.pk, request.get_full_path(), get_language(), get_current_timezone_name())


def _impersonal(request, page: bytes) -> tuple[tuple[bytes, ...], ...] | None:
    """The page cut where the forms' one-time tokens go, each piece cut where the CSRF token goes;
    None when the page shows no CSRF token to find."""
    token = getattr(request, "ruche_csrf_token", "").encode()
    if not token:
        return None
    return tuple(tuple(piece.split(token)) for piece in CLIENT_TOKEN.split(page))


def _personal(request, pieces: tuple[tuple[bytes, ...], ...]) -> bytes:
    """A kept page with this request's values: its CSRF token, a new one-time token for each form."""
    csrf = tags.csrf_token(request).encode()
    joined = [b""] * (2 * len(pieces) - 1)
    joined[::2] = [csrf.join(piece) for piece in pieces]
    joined[1::2] = [tags.new_token().encode() for _ in pieces[1:]]
    return b"".join(joined)


def feed_for(user, reading):
    """The feed's page, or for the announcements filter the announcements the person received
    (they are not posts: ruche.announcements serves them), in the same shape."""
    if reading.choice.filter != "announcements":
        return feed_page(user, reading, known=cards.store)
    before = reading.cursor.id if reading.cursor else None
    received = announcements_received(user, before=before)
    cursor = received.next_cursor and Cursor("", received.next_cursor).encode(reading.choice)
    return FeedPage([], cursor, reading.choice, announcements=received.items)


@login_required
def company(request):
    page = company_feed(request.user, before=parse_cursor(request.GET.get("before")))
    return render_page(
        request,
        "web/company.html",
        {"page": page, "feed_url": request.path},
        partial="posts/_page.html",
    )


@login_required
def report_person(request, handle: str):
    """Flag a person (an abusive profile, impersonation…) for the administrators. Here rather than
    in accounts: reports are the communities' moderation, a layer above people."""
    from ruche.accounts.selectors import access_person
    from ruche.communities.views import report_page

    person = access_person(request.user, handle)
    thanks = _("Thank you: the administrators will look at it.")
    return report_page(request, person=person, back=person.get_absolute_url(), thanks=thanks)


@login_required
def manage(request):
    """The administrators' dashboard: each area they run, with what waits for them there."""
    if not is_admin(request.user):
        raise PermissionDenied
    context = {
        "invited": invited_not_activated_count(),
        "creation_requests": len(creation_requests()),
        "reports": len(open_reports()),
        "tasks": queue_figures(),
        "file_rules": {"max_size_mb": FileSettings.current().max_size_mb, "types": allowed_extensions()},
        "organisation": selectors.organisation_counts(),
    }
    return render_page(request, "web/manage.html", context)


def health(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The administrators' pages (/manage/...): organisation, roles, directory, people, log ------------


def _only(request, allowed) -> None:
    if not allowed(request.user):
        raise PermissionDenied


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


UNIT_KINDS = {"department": Department, "site": Site}


def _unit_titles(kind: str) -> dict:
    if kind == "department":
        return {"title": _("Departments"), "create": _("New department"), "one": _("Department")}
    return {"title": _("Sites"), "create": _("New site"), "one": _("Site")}


@login_required
def org_units(request, kind: str):
    """Departments (or sites) with their people; a new one is created here."""
    _only(request, policies.can_manage_organisation)
    model = UNIT_KINDS[kind]
    form = UnitNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.org_unit_create(model=model, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is created.") % {"name": unit.name})
            return redirect(f"manage_{kind}s")
    context = {"kind": kind, "units": selectors.org_units(model), "form": form, **_unit_titles(kind)}
    return render(request, "web/manage/units.html", context, status=400 if form.errors else 200)


@login_required
def org_unit(request, kind: str, pk: int):
    """One department (or site): rename it, merge it into another, or delete it when empty."""
    _only(request, policies.can_manage_organisation)
    unit = selectors.access_org_unit(UNIT_KINDS[kind], pk)
    action = request.POST.get("action") if request.method == "POST" else None
    rename = UnitNameForm(request.POST if action == "rename" else None, initial={"name": unit.name})
    merge = UnitMergeForm(request.POST if action == "merge" else None, unit=unit)
    errors = []
    try:
        if action == "rename" and rename.is_valid():
            services.org_unit_rename(unit=unit, name=rename.cleaned_data["name"], by=request.user)
            messages.success(request, _("Renamed “%(name)s”.") % {"name": unit.name})
            return redirect(f"manage_{kind}s")
        if action == "merge" and merge.is_valid():
            into = merge.cleaned_data["into"]
            moved = services.org_unit_merge(unit=unit, into=into, by=request.user)
            messages.success(request, ngettext(
                "Merged into “%(name)s”: %(n)d person moved.", "Merged into “%(name)s”: %(n)d people moved.", moved
            ) % {"name": into.name, "n": moved})  # fmt: skip
            return redirect(f"manage_{kind}s")
        if action == "delete":
            services.org_unit_delete(unit=unit, by=request.user)
            messages.success(request, _("“%(name)s” is deleted.") % {"name": unit.name})
            return redirect(f"manage_{kind}s")
    except ValidationError as error:
        if action == "rename":
            apply_errors(rename, error)
        elif action == "merge":
            apply_errors(merge, error)
        else:
            errors.append(_first_error(error))
    context = {
        "kind": kind,
        "unit": unit,
        "people": selectors.org_unit_people(unit),
        "rename": rename,
        "merge": merge,
        "errors": errors,
        **_unit_titles(kind),
    }
    failed = bool(errors or rename.errors or merge.errors)
    return render(request, "web/manage/unit.html", context, status=400 if failed else 200)


@login_required
def roles_admin(request):
    """Who holds each company-wide role; an administrator gives or takes one (never their own)."""
    _only(request, policies.is_admin)
    form = RoleGiveForm(request.POST if request.POST.get("action") == "give" else None)
    failed = False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "take":
                person = resolvers.person(request.POST.get("handle", ""), field="person")
                web_services.role_set(
                    user=person, by=request.user, role=request.POST.get("role", ""), on=False
                )
                messages.success(request, _("%(name)s no longer has this role.") % {"name": person.full_name})
                return redirect("manage_roles")
            if form.is_valid():
                person, role = form.cleaned_data["person"], form.cleaned_data["role"]
                web_services.role_set(user=person, by=request.user, role=role, on=True)
                messages.success(request, _("%(name)s now has this role.") % {"name": person.full_name})
                return redirect("manage_roles")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _first_error(error) if isinstance(error, ValidationError) else str(error))
        failed = True
    context = {"roles": selectors.role_holders(), "form": form}
    return render(request, "web/manage/roles.html", context, status=400 if failed else 200)


def _link_if_built(name: str) -> str | None:
    """The address of a page another app may not have yet (SCIM tokens, LDAP): no link otherwise."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
def directory_settings(request):
    """How Ruche plugs into the directory: the settings kept in Ruche, and, read only, what the
    environment configures (never a secret)."""
    _only(request, policies.can_manage_directory)
    form = DirectorySettingsForm(request.POST or None, instance=DirectorySettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_settings_update(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Directory settings saved."))
            return redirect("manage_directory")
    context = {
        "form": form,
        "connections": selectors.directory_connections(),
        "scim_url": _link_if_built("scim:tokens"),
        "ldap_url": _link_if_built("ldap:admin"),
    }
    return render(request, "web/manage/directory.html", context, status=400 if form.errors else 200)


@login_required
def admin_log(request):
    """What administrators (and directories) did, newest first, by action if asked."""
    _only(request, policies.can_read_admin_log)
    actions = selectors.logged_actions()
    action = request.GET.get("action", "")
    action = action if action in actions else ""
    page = selectors.admin_log_page(action=action, before=parse_cursor(request.GET.get("before")))
    context = {
        "page": page,
        "action": action,
        "actions": [(code, action_label(code)) for code in actions],
    }
    return render(request, "web/manage/log.html", context)


@login_required
def person_deactivate(request, handle: str):
    """Asked before it is done: a deactivated colleague can no longer sign in."""
    from ruche.accounts.selectors import access_person

    _only(request, policies.is_admin)
    person = access_person(request.user, handle)
    if not policies.can_deactivate(request.user, person):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            services.user_deactivate(user=person, by=request.user)
        except ValidationError as refused:
            error = _first_error(refused)
        else:
            messages.success(
                request, _("%(name)s is deactivated; their posts stay.") % {"name": person.full_name}
            )
            return redirect(safe_next(request, reverse("accounts:people_admin")))
    context = {"person": person, "error": error, "next": safe_next(request, reverse("accounts:people_admin"))}
    return render(request, "web/manage/deactivate.html", context, status=400 if error else 200)
