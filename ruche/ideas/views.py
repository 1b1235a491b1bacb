"""Innovation pages: campaigns, ideas, the committee, results and the workflow editor. Thin views:
parse the input, call one service or selector, render; a refusal is shown, and nothing is lost."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche import resolvers
from ruche.accounts.models import User
from ruche.core.spreadsheet import csv_response
from ruche.core.views import apply_errors
from ruche.files.forms import attachment_ids
from ruche.files.selectors import waiting_uploads
from ruche.ideas import policies, selectors, services
from ruche.ideas.forms import CampaignForm, IdeaForm, MoveForm, StageForm
from ruche.ideas.models import Transition, Workflow


def _explain(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _refusal(error: Exception) -> ValidationError:
    return error if isinstance(error, ValidationError) else ValidationError(str(error))


# Campaigns -----------------------------------------------------------------------------------------


@login_required
def campaigns(request):
    return render(
        request,
        "ideas/campaigns.html",
        {
            "campaigns": selectors.campaigns_for(request.user),
            "can_create": policies.can_create_campaign(request.user),
            "can_edit_workflows": policies.can_edit_workflows(request.user),
        },
    )


def _campaign_values(form: CampaignForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "brief": data["brief"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "everyone": data["everyone"],
        "departments": list(data["departments"]),
        "sites": list(data["sites"]),
        "communities": list(data["communities"]),
        "people": data["people"],
        "audience": data["audience"],
        "managers": data["managers"],
        "reviewers": data["reviewers"],
        "cover": data.get("cover"),
    }


@login_required
def campaign_new(request):
    if not policies.can_create_campaign(request.user):
        raise PermissionDenied(_("Only innovation managers can create campaigns."))
    form = CampaignForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            values = {**_campaign_values(form), "workflow": form.cleaned_data["workflow"]}
            campaign = services.campaign_create(by=request.user, **values)
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, _refusal(error))
        else:
            messages.success(request, _("The campaign is saved as a draft: open it when it is ready."))
            return redirect(campaign.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "ideas/campaign_form.html", {"form": form}, status=status)


@login_required
def campaign_edit(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    if not policies.can_manage(request.user, campaign):
        raise PermissionDenied(_("Only the campaign's managers can change it."))
    form = CampaignForm.for_campaign(campaign, request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, by=request.user, **_campaign_values(form))
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, _refusal(error))
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect(campaign.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "ideas/campaign_form.html", {"form": form, "campaign": campaign}, status=status)


@login_required
@require_POST
def campaign_open(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    try:
        services.campaign_open(campaign=campaign, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _explain(error))
    else:
        messages.success(request, _("The campaign is open: its population is being notified."))
    return redirect(campaign.get_absolute_url())


def _order(request) -> str:
    order = request.GET.get("order")
    return order if order in selectors.ORDERS else "votes"


@login_required
def campaign(request, pk: int, form=None, status=200):
    campaign = policies.access_campaign(request.user, pk)
    stage, stage_error = None, None
    if key := request.GET.get("stage", "").strip():
        try:
            stage = resolvers.stage(campaign.workflow_id, key, field=None)
        except ValidationError as error:
            stage_error, status = _explain(error), 400
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = selectors.campaign_ideas(request.user, campaign, stage=stage, order=_order(request), page=number)
    context = {
        "campaign": campaign,
        "page": page,
        "stage": stage,
        "stage_error": stage_error,
        "order": _order(request),
        "orders": [("votes", _("Most voted")), ("newest", _("Newest")), ("trending", _("Trending"))],
        "stages": selectors.stage_counts(campaign),
        "can_submit": policies.can_submit(request.user, campaign),
        "can_manage": policies.can_manage(request.user, campaign),
        "is_reviewer": policies.is_committee_member(request.user, campaign),
        "form": form or IdeaForm(),
    }
    if request.htmx and not form:
        return render(request, "ideas/_ideas.html", context)
    return render(request, "ideas/campaign.html", context, status=status)


@login_required
@require_POST
def submit(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    form = IdeaForm(request.POST)
    if form.is_valid():
        try:
            idea = services.idea_submit(
                campaign=campaign,
                author=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                tags=form.tag_names(),
                coauthors=form.cleaned_data["coauthors"],
                client_token=form.cleaned_data["client_token"],
                attachments=attachment_ids(request),
            )
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, _refusal(error))
        else:
            messages.success(request, _("Your idea is submitted."))
            return redirect(idea.get_absolute_url())
    form.waiting = waiting_uploads(request.user, request.POST.getlist("attachments"))
    return campaign_view_with_form(request, pk, form)


def campaign_view_with_form(request, pk, form):
    request.GET = request.GET.copy()
    return campaign(request, pk, form=form, status=400)


@login_required
def similar(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    ideas = selectors.similar_ideas(request.user, campaign, request.GET.get("title", "")[:200])
    return render(request, "ideas/_similar.html", {"similar": ideas})


# Ideas ---------------------------------------------------------------------------------------------


def _score_choices(detail, posted) -> list[tuple]:
    """(criterion, the value to show checked) for the reviewer's form: what they just sent when it
    was refused (nothing they chose is lost), else their saved scores."""
    if detail.my_review is None:
        return []
    saved = detail.my_review.values
    return [
        (c, posted.get(f"score_{c.pk}", "") if posted else str(saved[i] or ""))
        for i, c in enumerate(detail.criteria)
    ]


def _idea_page(request, idea, *, status=200, **extra):
    detail = selectors.idea_detail(request.user, idea)
    extra["score_choices"] = _score_choices(detail, extra.get("review_data"))
    context = {
        "d": detail,
        "idea": idea,
        "campaign": idea.campaign,
        "move_form": extra.pop("move_form", None) or MoveForm(),
        **extra,
    }
    return render(request, "ideas/idea.html", context, status=status)


@login_required
def idea(request, pk: int):
    idea = policies.access_idea(request.user, pk)
    if idea.merged_into_id and request.GET.get("merged") != "1":
        messages.info(request, _("This idea was merged into this one."))
        return redirect(reverse("ideas:idea", args=[idea.merged_into_id]))
    return _idea_page(request, idea)


def _act(request, pk: int, change, success: str = ""):
    idea = policies.access_idea(request.user, pk)
    try:
        change(idea)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _explain(error))
    else:
        if success:
            messages.success(request, success)
    return redirect(idea.get_absolute_url())


@login_required
@require_POST
def vote(request, pk: int):
    if request.POST.get("vote") == "0":
        return _act(request, pk, lambda idea: services.idea_unvote(idea=idea, user=request.user))
    return _act(request, pk, lambda idea: services.idea_vote(idea=idea, user=request.user))


@login_required
@require_POST
def follow(request, pk: int):
    if request.POST.get("follow") == "0":
        return _act(request, pk, lambda idea: services.idea_unfollow(idea=idea, user=request.user))
    return _act(request, pk, lambda idea: services.idea_follow(idea=idea, user=request.user))


@login_required
@require_POST
def coauthor(request, pk: int):
    accept = request.POST.get("accept") == "1"
    return _act(
        request, pk, lambda idea: services.coauthor_answer(idea=idea, user=request.user, accept=accept)
    )


@login_required
@require_POST
def move(request, pk: int):
    idea = policies.access_idea(request.user, pk)
    form = MoveForm(request.POST, workflow_id=idea.campaign.workflow_id)
    if form.is_valid():
        try:
            services.idea_move(
                idea=idea,
                stage=form.cleaned_data["stage"],
                by=request.user,
                rationale=form.cleaned_data["rationale"],
            )
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, _refusal(error))
        else:
            messages.success(request, _("The idea moved; its authors and followers are told."))
            return redirect(idea.get_absolute_url())
    if not policies.can_move(request.user, idea):
        raise PermissionDenied(_("Only the campaign's managers and review committee can move ideas."))
    return _idea_page(request, idea, status=400, move_form=form)


def _refuse(message: str):
    raise ValidationError(message)


@login_required
@require_POST
def assign(request, pk: int):
    reviewer = User.objects.filter(pk=request.POST.get("reviewer") or 0, is_active=True).first()
    if reviewer is None:
        return _act(request, pk, lambda idea: _refuse(_("Choose a reviewer.")))
    return _act(
        request,
        pk,
        lambda idea: services.review_assign(idea=idea, reviewer=reviewer, by=request.user),
        success=_("%(name)s will review this idea.") % {"name": reviewer.full_name},
    )


@login_required
@require_POST
def review(request, pk: int):
    idea = policies.access_idea(request.user, pk)
    scores = {}
    for key, value in request.POST.items():
        if key.startswith("score_") and key[6:].isdigit():
            scores[int(key[6:])] = value
    try:
        services.review_submit(
            idea=idea, reviewer=request.user, scores=scores, comment=request.POST.get("comment", "")
        )
    except (ValidationError, PermissionDenied) as error:
        return _idea_page(request, idea, status=400, review_error=_explain(error), review_data=request.POST)
    messages.success(request, _("Your review is saved."))
    return redirect(idea.get_absolute_url())


@login_required
@require_POST
def merge(request, pk: int):
    """Merge this idea (a duplicate) into the one chosen; then show the kept idea."""
    duplicate = policies.access_idea(request.user, pk)
    into = request.POST.get("into", "")
    try:
        if not into.isdigit():
            _refuse(_("Choose the idea to keep."))
        kept = services.idea_merge(
            duplicate=duplicate, into=policies.access_idea(request.user, int(into)), by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _explain(error))
        return redirect(duplicate.get_absolute_url())
    messages.success(request, _("The ideas are merged: votes and followers moved over."))
    return redirect(kept.get_absolute_url())


# Committee, results, export ------------------------------------------------------------------------


@login_required
def committee(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    if not (
        policies.can_manage(request.user, campaign) or policies.is_committee_member(request.user, campaign)
    ):
        raise Http404
    criteria, rows = selectors.committee(request.user, campaign)
    return render(request, "ideas/committee.html", {"campaign": campaign, "criteria": criteria, "rows": rows})


@login_required
def results(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    return render(
        request,
        "ideas/results.html",
        {
            "campaign": campaign,
            "results": selectors.results(campaign),
            "can_manage": policies.can_manage(request.user, campaign),
        },
    )


@login_required
def export(request, pk: int):
    campaign = policies.access_campaign(request.user, pk)
    if not policies.can_manage(request.user, campaign):
        raise PermissionDenied(_("Only the campaign's managers can export its ideas."))
    return csv_response(f"campaign-{campaign.pk}-ideas.csv", selectors.export_rows(campaign))


# Workflows (admins) --------------------------------------------------------------------------------


def _admin_only(request):
    if not policies.can_edit_workflows(request.user):
        raise PermissionDenied(_("Only admins can change workflows."))


@login_required
def workflows(request):
    _admin_only(request)
    if request.method == "POST":
        try:
            workflow = services.workflow_create(by=request.user, name=request.POST.get("name", ""))
        except ValidationError as error:
            messages.error(request, _explain(error))
        else:
            return redirect("ideas:workflow", pk=workflow.pk)
    return render(request, "ideas/workflows.html", {"workflows": Workflow.objects.order_by("pk")})


@login_required
def workflow(request, pk: int, form=None, status=200):
    _admin_only(request)
    workflow = get_object_or_404(Workflow, pk=pk)
    stages = list(workflow.stages.all())
    transitions = list(
        workflow.transitions.select_related("source", "target").order_by("source__order", "target__order")
    )
    context = {
        "workflow": workflow,
        "stages": stages,
        "transitions": transitions,
        "form": form or StageForm(),
    }
    return render(request, "ideas/workflow.html", context, status=status)


@login_required
@require_POST
def workflow_change(request, pk: int):
    """One endpoint for the editor's small forms: `action` names the service."""
    _admin_only(request)
    workflow = get_object_or_404(Workflow, pk=pk)
    action = request.POST.get("action")
    stage = workflow.stages.filter(pk=request.POST.get("stage") or 0).first()
    try:
        if action == "add":
            form = StageForm(request.POST)
            if not form.is_valid():
                return workflow_view_with_form(request, pk, form)
            try:
                services.stage_add(by=request.user, workflow=workflow, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
                return workflow_view_with_form(request, pk, form)
        elif action == "update" and stage:
            form = StageForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the stage a name."))
            services.stage_update(by=request.user, stage=stage, **form.cleaned_data)
        elif action in ("up", "down") and stage:
            services.stage_move(by=request.user, stage=stage, offset=-1 if action == "up" else 1)
        elif action == "delete" and stage:
            services.stage_delete(by=request.user, stage=stage)
        elif action == "link":
            target = workflow.stages.filter(pk=request.POST.get("target") or 0).first()
            if stage is None or target is None:
                raise ValidationError(_("Choose two different stages of the same workflow."))
            services.transition_add(by=request.user, source=stage, target=target)
        elif action == "unlink":
            transition = get_object_or_404(
                Transition, workflow=workflow, pk=request.POST.get("transition") or 0
            )
            services.transition_remove(by=request.user, transition=transition)
        else:
            raise ValidationError(_("Unknown change."))
    except ValidationError as error:
        messages.error(request, _explain(error))
    return redirect("ideas:workflow", pk=workflow.pk)


def workflow_view_with_form(request, pk, form):
    return workflow(request, pk, form=form, status=400)
