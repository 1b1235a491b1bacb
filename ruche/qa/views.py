from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche import resolvers
from ruche.accounts.models import User
from ruche.core.pagination import parse_cursor
from ruche.core.views import render_page, safe_next
from ruche.posts.forms import PostForm
from ruche.posts.selectors import access_post
from ruche.posts.views import _card
from ruche.qa import selectors, services
from ruche.qa.policies import is_answer, is_question


@login_required
def questions(request):
    """Questions waiting for an answer (or answered, resolved, all), everywhere or in one community."""
    state = request.GET.get("state")
    state = state if state in selectors.State.CHOICES else selectors.State.UNANSWERED
    community, community_error = None, None
    if key := request.GET.get("community", "").strip():
        try:
            community, _role = resolvers.community(request.user, key, field=None)
        except ValidationError as error:
            community_error = _explain(error)
    page = selectors.questions(
        request.user, state=state, community=community, before=parse_cursor(request.GET.get("before"))
    )
    initial = {"kind": "question", "communities": [str(community.pk)] if community else []}
    form = PostForm(user=request.user, initial=initial)
    context = {
        "page": page,
        "state": state,
        "states": _state_labels(),
        "community": community,
        "community_error": community_error,
        "form": form,
        "times": selectors.answer_times(request.user, community=community),
    }
    status = 400 if community_error else 200
    return render_page(request, "qa/questions.html", context, partial="posts/_page.html", status=status)


def profile_answers(request, person) -> dict:
    """The profile page's section of the person's answers that solved a question (accounts.sections)."""
    return {"accepted_answers": selectors.accepted_answers_of(request.user, person)}


def _state_labels():
    State = selectors.State
    return [
        (State.UNANSWERED, _("Unanswered")),
        (State.OPEN, _("Answered, not resolved")),
        (State.RESOLVED, _("Resolved")),
        (State.ALL, _("All questions")),
    ]


def _answer_or_404(request, pk: int):
    answer = access_post(request.user, pk)
    if not is_answer(answer):
        raise Http404
    return answer


def _explain(error: Exception) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _change(request, pk: int, change, success: str = ""):
    """Run a service on an answer; then the question's card again (htmx, a refusal shown in it),
    or back to the question with the outcome as a message."""
    answer = _answer_or_404(request, pk)
    error = None
    try:
        change(answer)
    except (ValidationError, PermissionDenied) as refusal:
        error = refusal
    if request.htmx:
        return _card(request, answer.parent, answer_error=error and _explain(error))
    if error is not None:
        messages.error(request, _explain(error))
    elif success:
        messages.success(request, success)
    return redirect(safe_next(request, answer.parent.get_absolute_url()))


@login_required
@require_POST
def vote(request, pk: int):
    change = services.answer_unvote if request.POST.get("vote") == "0" else services.answer_vote
    return _change(request, pk, lambda answer: change(user=request.user, answer=answer))


@login_required
@require_POST
def accept(request, pk: int):
    if request.POST.get("accept") == "0":
        return _change(request, pk, lambda answer: services.answer_unaccept(by=request.user, answer=answer))
    return _change(
        request,
        pk,
        lambda answer: services.answer_accept(by=request.user, answer=answer),
        success=_("Answer accepted: the question is resolved."),
    )


@login_required
@require_POST
def ask_experts(request, pk: int):
    question = access_post(request.user, pk)
    if not is_question(question):
        raise Http404
    ids = [int(i) for i in request.POST.getlist("experts") if i.isdigit()]
    experts = list(User.objects.filter(pk__in=ids, is_active=True))
    try:
        asked = services.question_ask_experts(by=request.user, question=question, experts=experts)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _explain(error))
    else:
        messages.success(
            request,
            _("%(names)s will be told that you need their help.")
            % {"names": ", ".join(r.expert.full_name for r in asked)},
        )
    return redirect(question.get_absolute_url())
