"""Community pages: thin views that parse input, call one service or selector, and render.

Permission checks live in policies.py and in the services (which audit refusals): a PermissionDenied
raised by a service becomes the 403 page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.accounts.policies import is_admin
from ruche.communities import policies, selectors, services
from ruche.communities.forms import (
    AuditFilterForm,
    CommunityForm,
    GovernanceForm,
    HideForm,
    InactiveForm,
    InviteForm,
    JoinRequestForm,
    LeaveForm,
    RoleForm,
    RuleForm,
)
from ruche.communities.models import Community, CommunitySettings
from ruche.core.pagination import parse_cursor
from ruche.core.views import apply_errors, render_page, safe_next

SORTS = ("activity", "members", "name", "newest")
TABS = ("feed", "about", "members")


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _yes(request, name: str) -> bool:
    return request.POST.get(name) == "1"


# Directory and creation ------------------------------------------------------------------------


@login_required
def directory(request):
    filters = {
        "kind": request.GET.get("kind", ""),
        "visibility": request.GET.get("visibility", ""),
        "mine": request.GET.get("mine") == "1",
        "archived": request.GET.get("archived") == "1",
        "sort": request.GET.get("sort") if request.GET.get("sort") in SORTS else "activity",
    }
    page = selectors.directory(request.user, **filters, after=request.GET.get("after"))
    # The "more" link keeps the filters and the sort (only those that differ from the defaults).
    kept = {name: ("1" if value is True else value) for name, value in filters.items() if value}
    if kept.get("sort") == "activity":
        del kept["sort"]
    context = {
        "communities": page,
        "more_query": urlencode({**kept, "after": page.next_cursor}) if page.next_cursor else "",
        "filters": filters,
        "invitations": selectors.my_invitations(request.user),
        "kinds": Community.Kind.choices,
        "visibilities": Community.Visibility.choices,
        **policies.creation_abilities(request.user),
        "is_admin": is_admin(request.user),
    }
    # The filters push their URL: going back to it asks for the whole page, not the fragment.
    # "More" (htmx) asks for the next cards only; a filter change, for the results with their count.
    restoring = bool(request.htmx and request.htmx.history_restore_request)
    partial = None
    if not restoring:
        partial = (
            "communities/_directory_page.html"
            if request.GET.get("after")
            else "communities/_directory_results.html"
        )
    return render_page(request, "communities/directory.html", context, partial=partial)


@login_required
def create(request):
    can_create = policies.can_create(request.user)
    if not can_create and not policies.can_request_creation(request.user):
        raise PermissionDenied
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if community.approved:
                messages.success(request, _("“%(name)s” is created: invite colleagues to join it.")
                                 % {"name": community.name})  # fmt: skip
            else:
                messages.success(request, _("Your request is sent: an administrator will approve "
                                            "“%(name)s” before it opens.") % {"name": community.name})  # fmt: skip
            return redirect(community.get_absolute_url())
    context = {"form": form, "requesting": not can_create}
    return render(request, "communities/create.html", context, status=400 if form.errors else 200)


# The community page and joining ----------------------------------------------------------------


@login_required
def detail(request, slug: str):
    community, role = selectors.community_for(request.user, slug)
    abilities = policies.abilities(request.user, community, role)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "feed"
    if not abilities["can_read"]:
        tab = "about"
    before = parse_cursor(request.GET.get("before"))
    context = {
        "community": community,
        "role": role,
        "tab": tab,
        "feed_url": request.path,
        "can_view_figures": policies.can_view_figures(request.user, community, role),
        **abilities,
    }
    if tab == "feed":
        context["pinned"], page = selectors.community_page(request.user, community, role, before=before)
        context["page"] = page
        context["pinned_shown"] = {post.pk for post in context["pinned"]}
        if abilities["can_moderate"]:
            shown = [*page, *context["pinned"]]
            context["pinned_ids"] = {post.pk for post in shown if post.pinned_here}
    elif tab == "members":
        context["members"] = selectors.members(community)
    if role is None and community.viewer_invited:
        context["invitation"] = selectors.invitation_of(request.user, community)
    if abilities["can_request"]:
        context["pending_request"] = selectors.pending_request_of(request.user, community)
        context["join_form"] = JoinRequestForm()
    return render_page(request, "communities/detail.html", context, partial="communities/_feed_page.html")


@login_required
@require_POST
def join(request, slug: str):
    community, _role = selectors.community_for(request.user, slug)
    try:
        services.community_join(community=community, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if request.htmx:  # the home page's suggestions: the button becomes a link to it
            return render(request, "communities/_joined.html", {"community": community})
        messages.success(request, _("Welcome to “%(name)s”!") % {"name": community.name})
    return redirect(safe_next(request, community.get_absolute_url()))


@login_required
@require_POST
def request_join(request, slug: str):
    community, _role = selectors.community_for(request.user, slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your message is too long (500 characters at most)."))
        return redirect(community.get_absolute_url())
    try:
        services.join_request_create(community=community, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Your request is sent: the animators will answer it soon."))
    return redirect(community.get_absolute_url())


@login_required
@require_POST
def invitation_answer(request, slug: str):
    community, _role = selectors.community_for(request.user, slug)
    invitation = selectors.invitation_of(request.user, community)
    if invitation is None:
        raise Http404
    accept = _yes(request, "accept")
    services.invitation_answer(invitation=invitation, user=request.user, accept=accept)
    if accept:
        messages.success(request, _("Welcome to “%(name)s”!") % {"name": community.name})
        return redirect(community.get_absolute_url())
    messages.success(request, _("Invitation declined."))
    return redirect(safe_next(request, reverse("communities:directory")))


@login_required
def leave(request, slug: str):
    community, role = selectors.community_for(request.user, slug)
    if not policies.can_leave(request.user, community, role):
        raise PermissionDenied
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_leave(community=community, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("You left “%(name)s”.") % {"name": community.name})
            if community.visibility == Community.Visibility.SECRET:
                return redirect("communities:directory")
            return redirect(community.get_absolute_url())
    context = {"community": community, "role": role, "form": form}
    return render(request, "communities/leave.html", context, status=400 if form.errors else 200)


# Members and management ------------------------------------------------------------------------


def _members_page(request, community, role, *, invite_form=None, status=200):
    can_manage = policies.can_manage(request.user, community, role)
    if not can_manage and not policies.can_read(request.user, community, role):
        raise PermissionDenied
    context = {
        "community": community,
        "role": role,
        "can_manage": can_manage,
        "manages_owners": policies.can_manage_owners(request.user, community, role),
        "members": selectors.members(community),
        "roles": RoleForm.base_fields["role"].choices,
    }
    if can_manage:
        context.update(
            invite_form=invite_form or InviteForm(),
            requests=selectors.pending_requests(community),
            departures=selectors.departures_of(community),
        )
    return render(request, "communities/members.html", context, status=status)


@login_required
def members(request, slug: str):
    community, role = selectors.community_for(request.user, slug)
    return _members_page(request, community, role)


@login_required
@require_POST
def member_role(request, slug: str, user_id: int):
    community, _role = selectors.community_for(request.user, slug)
    person = selectors.member_user(community, user_id, viewer=request.user)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("communities:members", slug=community.slug)
    try:
        services.member_set_role(community=community, by=request.user, user=person, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        label = dict(form.fields["role"].choices)[form.cleaned_data["role"]]
        messages.success(
            request, _("New role of %(name)s: %(role)s.") % {"name": person.full_name, "role": label}
        )
    return redirect("communities:members", slug=community.slug)


@login_required
@require_POST
def member_remove(request, slug: str, user_id: int):
    community, _role = selectors.community_for(request.user, slug)
    person = selectors.member_user(community, user_id, viewer=request.user)
    try:
        services.member_remove(community=community, by=request.user, user=person)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": person.full_name})
    return redirect("communities:members", slug=community.slug)


@login_required
@require_POST
def invite(request, slug: str):
    community, role = selectors.community_for(request.user, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        if not policies.can_manage(request.user, community, role):
            raise PermissionDenied
        return _members_page(request, community, role, invite_form=form, status=400)
    person = form.cleaned_data["who"]
    if services.community_invite(community=community, by=request.user, user=person):
        messages.success(request, _("%(name)s is invited.") % {"name": person.full_name})
    else:
        messages.success(
            request, _("%(name)s is already a member or already invited.") % {"name": person.full_name}
        )
    return redirect("communities:members", slug=community.slug)


@login_required
@require_POST
def request_decide(request, slug: str, pk: int):
    community, _role = selectors.community_for(request.user, slug)
    join_request = selectors.join_request_in(community, pk, viewer=request.user)
    approve = _yes(request, "approve")
    try:
        services.join_request_decide(request=join_request, by=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        name = join_request.user.full_name
        if approve:
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        else:
            messages.success(request, _("%(name)s's request is declined.") % {"name": name})
    return redirect("communities:members", slug=community.slug)


@login_required
def community_settings(request, slug: str):
    community, role = selectors.community_for(request.user, slug)
    form = CommunityForm.for_community(community, request.POST or None)
    if request.method != "POST" or not form.is_valid():
        # A valid change goes to the service, which audits a refusal; anything else is checked here.
        if not policies.can_manage(request.user, community, role):
            raise PermissionDenied
    else:
        try:
            services.community_update(community=community, by=request.user, **form.changed_values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("communities:settings", slug=community.slug)
    context = {
        "community": community,
        "role": role,
        "form": form,
        "rules": selectors.rules_of(community),
        "rule_form": RuleForm(),
    }
    return render(request, "communities/settings.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def rule_add(request, slug: str):
    community, _role = selectors.community_for(request.user, slug)
    form = RuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("communities:settings", slug=community.slug)
    try:
        services.rule_add(community=community, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Rule added: the colleagues it matches are now members."))
    return redirect("communities:settings", slug=community.slug)


@login_required
@require_POST
def rule_remove(request, slug: str, pk: int):
    community, _role = selectors.community_for(request.user, slug)
    services.rule_remove(rule=selectors.rule_in(community, pk, viewer=request.user), by=request.user)
    messages.success(request, _("Rule removed."))
    return redirect("communities:settings", slug=community.slug)


@login_required
@require_POST
def archive(request, slug: str):
    community, _role = selectors.community_for(request.user, slug)
    archiving = _yes(request, "archive")
    services.community_archive(community=community, by=request.user, archive=archiving)
    if archiving:
        messages.success(request, _("“%(name)s” is archived: it stays readable, nothing new can be posted.")
                         % {"name": community.name})  # fmt: skip
    else:
        messages.success(request, _("“%(name)s” is open again.") % {"name": community.name})
    return redirect(safe_next(request, community.get_absolute_url()))


# Moderation ------------------------------------------------------------------------------------


@login_required
def moderation(request, slug: str):
    community, role = selectors.community_for(request.user, slug)
    if not policies.can_moderate(request.user, community, role):
        raise PermissionDenied
    context = {
        "community": community,
        "role": role,
        "can_manage": policies.can_manage(request.user, community, role),
        "queue": selectors.moderation_queue(community),
    }
    return render(request, "communities/moderation.html", context)


@login_required
@require_POST
def moderate_post(request, slug: str, post_id: int):
    community, _role = selectors.community_for(request.user, slug)
    placement = selectors.placement_in(community, post_id, viewer=request.user)
    approve = _yes(request, "approve")
    try:
        services.placement_decide(placement=placement, by=request.user, approve=approve)
    except ValidationError as error:  # decided meanwhile by another moderator
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Post published.") if approve else _("Post rejected: the author is told.")
        )
    return redirect("communities:moderation", slug=community.slug)


@login_required
@require_POST
def moderate_reply(request, slug: str, post_id: int):
    community, _role = selectors.community_for(request.user, slug)
    reply = selectors.waiting_reply_in(community, post_id, viewer=request.user)
    approve = _yes(request, "approve")
    services.reply_decide(reply=reply, by=request.user, approve=approve)
    messages.success(request, _("Reply published.") if approve else _("Reply rejected."))
    return redirect("communities:moderation", slug=community.slug)


@login_required
@require_POST
def pin(request, slug: str, post_id: int):
    community, _role = selectors.community_for(request.user, slug)
    placement = selectors.placement_in(community, post_id, viewer=request.user)
    pinning = _yes(request, "pin")
    services.placement_pin(placement=placement, by=request.user, pin=pinning)
    messages.success(request, _("Post pinned at the top.") if pinning else _("Post unpinned."))
    return redirect(safe_next(request, community.get_absolute_url()))


def _report_next(request, report) -> str:
    default = (
        reverse("communities:moderation", args=[report.community.slug])
        if report.community
        else reverse("communities:admin_reports")
    )
    return safe_next(request, default)


@login_required
@require_POST
def report_hide(request, pk: int):
    report = selectors.report_by_id(pk, viewer=request.user)
    if report.post is None:
        raise Http404
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why: the author will be told."))
        return redirect(_report_next(request, report))
    try:
        services.post_hide(post=report.post, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The post is hidden and its author told why."))
    return redirect(_report_next(request, report))


@login_required
@require_POST
def report_dismiss(request, pk: int):
    report = selectors.report_by_id(pk, viewer=request.user)
    services.report_dismiss(report=report, by=request.user)
    messages.success(request, _("Report dismissed."))
    return redirect(_report_next(request, report))


# Company-wide administration -------------------------------------------------------------------


def _admin_only(request) -> None:
    if not is_admin(request.user):
        raise PermissionDenied


@login_required
def admin_settings(request):
    _admin_only(request)
    form = GovernanceForm(request.POST or None, instance=CommunitySettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            services.governance_update(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Governance settings saved."))
            return redirect("communities:admin_settings")
    context = {"form": form, "admin_tab": "settings"}
    return render(request, "communities/admin_settings.html", context, status=400 if form.errors else 200)


@login_required
def admin_requests(request):
    _admin_only(request)
    context = {"requests": selectors.creation_requests(), "admin_tab": "requests"}
    return render(request, "communities/admin_requests.html", context)


@login_required
@require_POST
def admin_request_decide(request, pk: int):
    _admin_only(request)
    community = next((c for c in selectors.creation_requests() if c.pk == pk), None)
    if community is None:
        raise Http404
    name = community.name
    approve = _yes(request, "approve")
    if services.community_approve_creation(community=community, by=request.user, approve=approve):
        messages.success(request, _("“%(name)s” is approved and open.") % {"name": name})
    else:
        messages.success(request, _("The request for “%(name)s” is declined.") % {"name": name})
    return redirect("communities:admin_requests")


@login_required
def admin_inactive(request):
    _admin_only(request)
    form = InactiveForm(request.GET or None)
    weeks = form.cleaned_data["weeks"] if form.is_valid() else InactiveForm.base_fields["weeks"].initial
    context = {
        "form": form,
        "weeks": weeks,
        "communities": selectors.inactive_communities(weeks),
        "admin_tab": "inactive",
    }
    return render(request, "communities/admin_inactive.html", context, status=400 if form.errors else 200)


@login_required
def admin_reports(request):
    _admin_only(request)
    context = {"reports": selectors.open_reports(), "admin_tab": "reports", "hide_form": HideForm()}
    return render(request, "communities/admin_reports.html", context)


@login_required
def admin_audit(request):
    _admin_only(request)
    if not policies.can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    actor = selectors.user_id_by_handle(filters["actor"]) if filters.get("actor") else None
    unknown_actor = bool(filters.get("actor")) and actor is None
    entries = (
        []
        if unknown_actor
        else selectors.audit_log(
            action=filters.get("action", ""), community=filters.get("community"), actor=actor
        )
    )
    context = {
        "form": form,
        "entries": entries,
        "unknown_actor": unknown_actor,
        "admin_tab": "audit",
        **selectors.audit_filters(),
    }
    return render(request, "communities/admin_audit.html", context)


def report_page(request, *, back: str, thanks: str, post=None, person=None):
    """The "report" form for a post, a reply or a person: one reason, sent to the moderators."""
    error = None
    if request.method == "POST":
        try:
            services.report_create(
                by=request.user, post=post, person=person, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, thanks)
            return redirect(back)
    context = {"post": post, "person": person, "error": error}
    return render(request, "posts/report.html", context, status=400 if error else 200)
