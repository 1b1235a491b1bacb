from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ruche.core.pagination import parse_cursor
from ruche.core.views import apply_errors, render_page, safe_next
from ruche.files.forms import attachment_ids
from ruche.files.selectors import waiting_uploads
from ruche.posts import extensions, policies, selectors, services
from ruche.posts.forms import PostForm, ReactionForm, ReplyForm, ShareForm
from ruche.posts.models import Post


def _redirect(request, url: str):
    """A redirect that htmx follows as a whole-page navigation."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _card(request, post: Post, **extra):
    """The post's card again (after a reply or a reaction), as the page it sits on shows it."""
    full = request.POST.get("full") == "1"
    post = selectors.post_detail(request.user, post.parent_id or post.pk, all_replies=full)
    return render(request, "posts/_card.html", {"post": post, "full": full, **extra})


def _card_or_back(request, post: Post):
    """After a toggle on a card: htmx gets the card again, a plain form goes back where it was."""
    if request.htmx:
        return _card(request, post)
    return redirect(safe_next(request, post.get_absolute_url()))


@login_required
@require_POST
def create(request):
    form = PostForm(request.POST, user=request.user)
    if form.is_valid():
        publish = extensions.PUBLISHERS.get(form.cleaned_data["kind"], services.post_create)
        try:
            post = publish(
                author=request.user,
                body=form.cleaned_data["body"],
                client_token=form.cleaned_data["client_token"],
                communities=form.chosen_communities(),
                attachments=attachment_ids(request),
            )
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            if form.is_question:
                # On its own page, the asker is offered colleagues who know the subject.
                return _redirect(request, post.get_absolute_url())
            if request.htmx:
                post.feed_reason = "own"
                selectors.hydrate([post], request.user)
                composer = PostForm(user=request.user)
                return render(request, "posts/_created.html", {"post": post, "form": composer})
            if post.placements.filter(status="pending").exists():
                messages.info(request, _("Your post awaits a moderator's approval."))
            else:
                messages.success(request, _("Your post is published."))
            return redirect(safe_next(request, reverse("home")))
    form.waiting = waiting_uploads(request.user, request.POST.getlist("attachments"))
    if request.htmx:
        response = render(request, "posts/_composer.html", {"form": form})
        response["HX-Retarget"] = "#composer"
        response["HX-Reswap"] = "outerHTML"
        return response
    page = extensions.composer_page()
    if page is None:
        return render(request, "posts/_composer.html", {"form": form}, status=400)
    return page(request, form=form, status=400)


@login_required
def detail(request, pk: int):
    post = selectors.post_detail(request.user, pk)
    context = {"post": post, "full": True}
    for panel in extensions.DETAIL_PANELS.values():
        context |= panel(request.user, post)
    return render(request, "posts/detail.html", context)


@login_required
@require_POST
def reply(request, pk: int):
    parent = selectors.access_post(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.post_create(
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                client_token=form.cleaned_data["client_token"],
                attachments=attachment_ids(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.htmx:
                return _card(request, parent)
            return redirect(safe_next(request, parent.get_absolute_url()))
    form.waiting = waiting_uploads(request.user, request.POST.getlist("attachments"))
    if request.htmx:
        return _card(request, parent, reply_form=form)
    post = selectors.post_detail(request.user, parent.parent_id or parent.pk)
    return render(request, "posts/detail.html", {"post": post, "full": True, "reply_form": form}, status=400)


@login_required
@require_POST
def react(request, pk: int):
    post = selectors.access_post(request.user, pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown reaction."), status=400)
    services.reaction_toggle(post=post, user=request.user, kind=form.cleaned_data["kind"])
    return _card_or_back(request, post)


@login_required
@require_POST
def preview_hide(request, pk: int):
    post = selectors.access_post(request.user, pk)
    services.link_preview_hide(post=post, by=request.user)
    return _card_or_back(request, post)


@login_required
@require_POST
def save(request, pk: int):
    post = selectors.access_post(request.user, pk)
    saved = services.bookmark_set(post=post, user=request.user, saved=request.POST.get("saved") == "1")
    if not request.htmx:
        messages.success(request, _("Saved for later.") if saved else _("Removed from your saved posts."))
    return _card_or_back(request, post)


@login_required
def share(request, pk: int):
    """Share a post with a comment: the form, with a preview of what is shared (a share's original)."""
    post = selectors.access_post(request.user, pk)
    try:
        original = selectors.share_target(request.user, post)
    except ValidationError as refusal:  # a reply: its conversation is what may be shared
        context = {"refusal": " ".join(refusal.messages), "thread": post.parent}
        return render(request, "posts/share.html", context, status=400)
    form = ShareForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.post_share(
                author=request.user,
                original=post,
                body=form.cleaned_data["body"],
                communities=form.chosen_communities(),
                client_token=form.cleaned_data["client_token"],
            )
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            if created.placements.filter(status="pending").exists():
                messages.info(request, _("Your post awaits a moderator's approval."))
            else:
                messages.success(request, _("Shared."))
            return _redirect(request, created.get_absolute_url())
    context = {"form": form, "original": selectors.post_detail(request.user, original.pk, all_replies=False)}
    return render(request, "posts/share.html", context, status=400 if form.errors else 200)


@login_required
def saved(request):
    page = selectors.saved_feed(request.user, before=parse_cursor(request.GET.get("before")))
    return render_page(request, "posts/saved.html", {"page": page}, partial="posts/_page.html")


@login_required
def reactions(request, pk: int):
    post = selectors.access_post(request.user, pk)
    return render(
        request,
        "posts/reactions.html",
        {"post": post, "reactions": selectors.reactions_of(request.user, post)},
    )


@login_required
def edit(request, pk: int):
    post = selectors.access_post(request.user, pk)
    if not policies.can_edit_post(request.user, post):
        raise PermissionDenied
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post,
                by=request.user,
                body=form.cleaned_data["body"],
                attachments=attachment_ids(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your post is updated."))
            return redirect(post.get_absolute_url())
    if request.method == "POST":
        form.waiting = waiting_uploads(request.user, request.POST.getlist("attachments"))
    else:
        form.waiting = selectors.attachments_of_post(post)
    revisions = post.revisions.all()[:20]
    status = 400 if form.errors else 200
    return render(
        request,
        "posts/edit.html",
        {"post": post, "form": form, "revisions": revisions},
        status=status,
    )


@login_required
def delete(request, pk: int):
    post = selectors.access_post(request.user, pk)
    if not policies.can_delete_post(request.user, post):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "posts/delete.html", {"post": post})
    services.post_delete(post=post, by=request.user)
    if request.htmx:
        return _card(request, post.parent) if post.parent_id else HttpResponse("")
    messages.success(request, _("The post is deleted."))
    return redirect(post.parent.get_absolute_url() if post.parent_id else reverse("home"))


def profile_posts(request, person) -> dict:
    """The profile page's section of the person's posts (accounts.sections), a page at a time."""
    before = parse_cursor(request.GET.get("before"))
    return {"page": selectors.author_feed(request.user, person, before=before), "feed_url": request.path}


@login_required
def tag(request, key: str):
    hashtag = selectors.access_hashtag(request.user, key)
    before = parse_cursor(request.GET.get("before"))
    page = selectors.tag_feed(request.user, hashtag, before=before)
    context = {
        "hashtag": hashtag,
        "page": page,
        "following": hashtag.pk in selectors.followed_hashtag_ids(request.user),
    }
    return render_page(request, "posts/tag.html", context, partial="posts/_page.html")


@login_required
@require_POST
def tag_follow(request, key: str):
    hashtag = selectors.access_hashtag(request.user, key)
    if request.POST.get("follow") == "1":
        services.hashtag_follow(user=request.user, hashtag=hashtag)
        messages.success(
            request,
            _("You follow #%(tag)s: its posts will come to your feed.") % {"tag": hashtag.name},
        )
    else:
        services.hashtag_unfollow(user=request.user, hashtag=hashtag)
        messages.success(request, _("You no longer follow #%(tag)s.") % {"tag": hashtag.name})
    return redirect(hashtag.get_absolute_url())


@login_required
@require_GET
def hashtag_autocomplete(request):
    tags = selectors.hashtag_suggestions(request.user, request.GET.get("q", ""))
    return JsonResponse({"results": [{"value": t.name, "label": f"#{t.name}"} for t in tags]})


@login_required
def report(request, pk: int):
    """Flag a post or a reply for the moderators, with a reason."""
    from ruche.communities.views import report_page

    post = selectors.access_post(request.user, pk)
    thanks = _("Thank you: the moderators will look at it.")
    return report_page(request, post=post, back=post.get_absolute_url(), thanks=thanks)


@login_required
def hide(request, pk: int):
    """Moderators hide a post or a reply (the author is told why), or restore it."""
    from ruche.communities.policies import can_moderate_post
    from ruche.communities.services import post_hide

    post = selectors.access_post(request.user, pk)
    if not can_moderate_post(request.user, post):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            post_hide(
                post=post, by=request.user, reason=request.POST.get("reason", ""), hide=not post.hidden_at
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Done. The author is told."))
            return redirect(post.get_absolute_url() if not post.hidden_at else reverse("home"))
    return render(request, "posts/hide.html", {"post": post, "error": error}, status=400 if error else 200)
