from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ruche.accounts import policies, sections, selectors, services
from ruche.accounts.forms import (
    ActivationForm,
    ImportForm,
    InviteForm,
    OnboardingForm,
    PhotoForm,
    ProfileForm,
    ProfileSettingsForm,
    RolesForm,
)
from ruche.accounts.models import ProfileSettings
from ruche.accounts.tasks import activation_url
from ruche.accounts.tokens import activation_tokens, user_id_from_uid
from ruche.core.pagination import parse_cursor
from ruche.core.views import apply_errors, render_page, safe_next


@login_required
def profile(request, handle: str):
    """The person, and the sections other apps registered (their posts, their accepted answers)."""
    person = selectors.profile_of(request.user, handle)
    paged = sections.paged_section()
    if request.htmx and paged:  # "load more" of the posts needs only the posts
        return render(request, paged.partial, {"person": person, **paged.context(request, person)})
    context = {
        "person": person,
        "can_edit": policies.can_edit_profile(request.user, person),
        "can_follow": policies.can_follow(request.user, person),
        "can_deactivate": policies.can_deactivate(request.user, person),
        "card_sections": [s for s in sections.SECTIONS if s.place == "card"],
        "page_sections": [s for s in sections.SECTIONS if s.place == "page"],
    }
    if policies.can_view_completeness(request.user, person):
        context["completeness"] = selectors.loaded_completeness(person)
    for section in sections.SECTIONS:
        context |= section.context(request, person)
    return render(request, "accounts/profile.html", context)


@login_required
def profile_edit(request, handle: str | None = None):
    person = selectors.access_person(request.user, handle) if handle else request.user
    if not policies.can_edit_profile(request.user, person):
        raise PermissionDenied
    mandatory = ProfileSettings.current().mandatory if person.pk == request.user.pk else []
    form = ProfileForm(request.POST or None, instance=person.profile, mandatory=mandatory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            name: data[name] for name in services.PROFILE_FIELDS | {"first_name", "last_name", "language"}
        }
        try:
            services.profile_update(
                profile=person.profile, by=request.user, skills=form.skill_names(), **fields
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect(person.get_absolute_url())
    context = {"person": person, "form": form, "photo_form": PhotoForm()}
    return render(request, "accounts/profile_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def photo(request, handle: str):
    person = selectors.access_person(request.user, handle)
    if not policies.can_edit_profile(request.user, person):
        raise PermissionDenied
    if request.POST.get("remove"):
        try:
            services.profile_remove_photo(profile=person.profile, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Photo removed."))
        return redirect("accounts:profile_edit_other", handle=person.handle)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_set_photo(
                profile=person.profile, by=request.user, upload=form.cleaned_data["photo"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Photo updated."))
            return redirect("accounts:profile_edit_other", handle=person.handle)
    context = {"person": person, "form": ProfileForm(instance=person.profile), "photo_form": form}
    return render(request, "accounts/profile_edit.html", context, status=400)


@login_required
@require_POST
def follow(request, handle: str):
    """Follow or unfollow; htmx gets the toggle button back (the home page's suggestions), a plain
    form goes back to `next` (or the profile) with a message."""
    person = selectors.access_person(request.user, handle)
    following = request.POST.get("follow") == "1"
    if following:
        services.user_follow(follower=request.user, followed=person)
    else:
        services.user_unfollow(follower=request.user, followed=person)
    if request.htmx:
        context = {"person": person, "following": following, "next": safe_next(request, reverse("home"))}
        return render(request, "accounts/_follow_button.html", context)
    if following:
        messages.success(request, _("You follow %(name)s.") % {"name": person.full_name})
    else:
        messages.success(request, _("You no longer follow %(name)s.") % {"name": person.full_name})
    return redirect(safe_next(request, person.get_absolute_url()))


@login_required
def followers(request, handle: str):
    person = selectors.profile_of(request.user, handle)
    return render(
        request,
        "accounts/followers.html",
        {"person": person, "people": selectors.followers_of(person)},
    )


@login_required
def directory(request):
    filters = {
        "name": request.GET.get("q", "").strip()[:100],
        "department": parse_cursor(request.GET.get("department")),
        "site": parse_cursor(request.GET.get("site")),
        "skill": parse_cursor(request.GET.get("skill")),
    }
    people = selectors.directory(**filters, page=request.GET.get("page") or 1)
    context = {"people": people, "filters": filters, **selectors.directory_filters()}
    return render_page(
        request, "accounts/directory.html", context, partial="accounts/_directory_results.html"
    )


@login_required
@require_GET
def people_autocomplete(request):
    people = selectors.people_suggestions(request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {"value": p.handle, "label": p.full_name, "detail": p.profile.job_title} for p in people
            ]
        }
    )


@login_required
@require_GET
def skill_autocomplete(request):
    skills = selectors.skill_suggestions(request.GET.get("q", ""))
    return JsonResponse({"results": [{"value": s.name, "label": s.name} for s in skills]})


def activate(request, uid: str, token: str):
    """The link from the invitation e-mail: choose a password, and you are in."""
    user = selectors.invitee(user_id_from_uid(uid))
    if (
        user is None
        or user.activated_at
        or not user.is_active
        or not activation_tokens.check_token(user, token)
    ):
        return render(request, "accounts/activation_invalid.html", status=400)
    form = ActivationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_activate(user=user, password=form.cleaned_data["password1"])
        login(request, user, backend="ruche.accounts.backends.ModelBackend")
        messages.success(request, _("Welcome to %(site)s! Complete your profile so colleagues can find you.")
                         % {"site": "Ruche"})  # fmt: skip
        if selectors.missing_mandatory(user, ProfileSettings.current().mandatory):
            return redirect("accounts:onboarding")
        return redirect("accounts:profile_edit")
    return render(
        request,
        "accounts/activate.html",
        {"form": form, "invitee": user},
        status=400 if form.errors else 200,
    )


def _admin_only(request):
    if not policies.can_invite(request.user):
        raise PermissionDenied


@login_required
def people_admin(request):
    """Admins invite people one by one or from an HR export, and follow who has activated."""
    _admin_only(request)
    invite_form = InviteForm(prefix="invite")
    import_form = ImportForm(prefix="import")
    report = None
    if request.method == "POST" and "invite-email" in request.POST:
        invite_form = InviteForm(request.POST, prefix="invite")
        if invite_form.is_valid():
            try:
                user = services.user_invite(invited_by=request.user, **invite_form.cleaned_data)
            except ValidationError as error:
                apply_errors(invite_form, error)
            else:
                messages.success(request, _("%(name)s is invited. Activation link: %(url)s")
                                 % {"name": user.full_name, "url": activation_url(user)})  # fmt: skip
                return redirect("accounts:people_admin")
    elif request.method == "POST":
        import_form = ImportForm(request.POST, request.FILES, prefix="import")
        if import_form.is_valid():
            try:
                report = services.users_import_csv(
                    data=import_form.cleaned_data["file"].read(),
                    invited_by=request.user,
                    create_units=import_form.cleaned_data["create_units"],
                )
            except ValidationError as error:
                apply_errors(import_form, error)
    state = request.GET.get("state", "")
    context = {
        "invite_form": invite_form,
        "import_form": import_form,
        "report": report,
        "people": selectors.people_by_state(state),
        "state": state,
        "counts": selectors.people_state_counts(),
    }
    status = 400 if (invite_form.errors or import_form.errors) else 200
    return render(request, "accounts/people_admin.html", context, status=status)


@login_required
@require_POST
def set_active(request, handle: str):
    _admin_only(request)
    person = selectors.access_person(request.user, handle)
    try:
        if request.POST.get("active") == "1":
            services.user_reactivate(user=person, by=request.user)
            messages.success(request, _("%(name)s can log in again.") % {"name": person.full_name})
        else:
            services.user_deactivate(user=person, by=request.user)
            messages.success(
                request,
                _("%(name)s is deactivated; their posts stay.") % {"name": person.full_name},
            )
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:  # the last administrator stays
        messages.error(request, " ".join(error.messages))
    return redirect(safe_next(request, reverse("accounts:people_admin")))


@login_required
def roles(request, handle: str):
    """A colleague's company-wide roles (administrator, animator, announcer, analyst)."""
    _admin_only(request)
    person = selectors.access_person(request.user, handle)
    if not policies.can_change_roles(request.user, person):
        raise PermissionDenied(_("Only an administrator can change someone else's roles."))
    form = RolesForm(request.POST or None, initial={name: getattr(person, name) for name in services.ROLES})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(user=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:  # the last administrator stays
            apply_errors(form, error)
        else:
            messages.success(request, _("The roles of %(name)s are saved.") % {"name": person.full_name})
            return redirect(safe_next(request, reverse("accounts:people_admin")))
    status = 400 if form.errors else 200
    return render(request, "accounts/roles.html", {"form": form, "person": person}, status=status)


@login_required
@require_POST
def resend_invitation(request, handle: str):
    _admin_only(request)
    person = selectors.access_person(request.user, handle)
    if services.invitation_resend(user=person, by=request.user):
        messages.success(request, _("Invitation sent again to %(email)s.") % {"email": person.email})
    return redirect("accounts:people_admin")


@login_required
@require_POST
def language(request):
    """Switch the interface language: kept on the profile, so it follows the person everywhere."""
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=code)
    return redirect(safe_next(request, reverse("home")))


@login_required
def onboarding(request):
    """First login: fill in what the company made mandatory, and nothing else, before going on."""
    missing = selectors.missing_mandatory(request.user, ProfileSettings.current().mandatory)
    after = safe_next(request, reverse("home"))
    if not missing:
        return redirect(after)
    profile = request.user.profile
    form = OnboardingForm(request.POST or None, request.FILES or None, user=request.user, missing=missing)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_onboard(profile=profile, by=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you! Your profile is ready."))
            return redirect(after)
    # A browser never fills a file field again: say so when a photo was sent with errors elsewhere.
    photo_lost = bool(form.errors) and "photo" in request.FILES and not form.has_error("photo")
    context = {
        "form": form,
        "next": after if after != reverse("home") else "",
        "photo_lost": photo_lost,
    }
    return render(request, "accounts/onboarding.html", context, status=400 if form.errors else 200)


@login_required
def profile_settings(request):
    """Admins choose which profile fields everyone must fill in at first login."""
    if not policies.can_manage_profile_settings(request.user):
        raise PermissionDenied
    current = ProfileSettings.current()
    form = ProfileSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_settings_update(by=request.user, mandatory=form.cleaned_data["mandatory"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Profile rules saved."))
            return redirect("accounts:profile_settings")
    context = {"form": form, "admin_tab": "settings"}
    return render(
        request, "accounts/admin_profile_settings.html", context, status=400 if form.errors else 200
    )


@login_required
def completeness_report(request):
    """Admins see, department by department, how complete the profiles are and what is missing most."""
    if not policies.can_view_completeness_report(request.user):
        raise PermissionDenied
    rows = selectors.completeness_by_department()
    context = {
        "rows": rows,
        "people": sum(row.people for row in rows),
        "admin_tab": "completeness",
    }
    return render(request, "accounts/admin_completeness.html", context)


@login_required
def skill(request, key: str):
    """A skill and the colleagues who declared it: whom to ask."""
    if not policies.can_view_skill(request.user):
        raise PermissionDenied
    found = selectors.skill_by_key(key)
    site = parse_cursor(request.GET.get("site"))
    page = selectors.skill_people(found, site=site, after=parse_cursor(request.GET.get("after")))
    context = {"skill": found, "page": page, "site": site, **selectors.skill_facets(found)}
    return render_page(request, "accounts/skill.html", context, partial="accounts/_skill_people.html")


# The org chart


def _org_chart_allowed(request):
    if not policies.can_view_org_chart(request.user):
        raise PermissionDenied


@login_required
@require_GET
def org_chart(request):
    """The company's tops and departments, and a search that opens a person's place in the chart."""
    _org_chart_allowed(request)
    query = request.GET.get("q", "").strip()[:100]
    tops, alone = selectors.org_tops()
    context = {
        "query": query,
        "found": selectors.org_search(query) if query else [],
        "tops": tops,
        "alone": alone,
        "departments": selectors.org_departments(),
    }
    return render_page(
        request, "accounts/org_chart.html", context, partial="accounts/org_search_results.html"
    )


@login_required
@require_GET
def org_person(request, handle: str):
    """The person centred: their managers above, their direct reports below."""
    _org_chart_allowed(request)
    person = selectors.access_org_person(request.user, handle)
    context = {
        "person": person,
        "chain": selectors.org_chain(person),
        "reports": selectors.org_reports(person),
    }
    return render(request, "accounts/org_person.html", context)


@login_required
@require_GET
def org_node(request, handle: str):
    """One branch of the chart, opened (its direct reports) or closed: what htmx swaps in place.
    Opened without htmx (a copied link), it is the person's org page."""
    _org_chart_allowed(request)
    person = selectors.access_org_person(request.user, handle)
    if not request.htmx:
        return redirect("accounts:org_person", handle=person.handle)
    node = selectors.org_node(person, open=request.GET.get("open") == "1")
    return render(request, "accounts/org_node.html", {"node": node})


@login_required
@require_GET
def org_department(request, pk: int):
    """A department's people as a tree of who reports to whom."""
    _org_chart_allowed(request)
    department = selectors.access_department(request.user, pk)
    tree, more = selectors.department_tree(department)
    context = {"department": department, "tree": tree, "more": more}
    return render(request, "accounts/org_department.html", context)
