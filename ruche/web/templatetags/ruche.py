"""Template helpers available in every template (registered as builtins)."""

import html
import uuid
from functools import lru_cache

from django import template
from django.middleware.csrf import get_token
from django.utils.html import avoid_wrapping, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.timezone import now
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ruche.core.paths import path_for
from ruche.core.views import unwrapped
from ruche.posts.models import Reaction

register = template.Library()

AVATAR_COLOURS = 8  # .avatar-c0 … .avatar-c7 in ruche.css (no inline styles: the CSP forbids them)


@register.simple_tag
def avatar(user, size: int = 40):
    """The person's photo, or their initials on a colour of their own."""
    # An f-string and html.escape (what Django's escape() does), not format_html: a feed page
    # draws some 35 avatars, and format_html cost more than the rest of a card's header.
    label = html.escape(user.full_name)
    size = int(size)
    photo = getattr(getattr(user, "profile", None), "photo", None)
    if photo:
        return SafeString(
            f'<img class="avatar" src="{html.escape(photo.url)}" alt="{label}" width="{size}" height="{size}" loading="lazy">'
        )
    colour = (user.pk or 0) % AVATAR_COLOURS
    return SafeString(
        f'<span class="avatar avatar-initials avatar-{size} avatar-c{colour}" role="img" aria-label="{label}">'
        f"{html.escape(user.initials)}</span>"
    )


@register.simple_tag
def new_token() -> str:
    """A one-time token for a form: submitting it twice creates one post."""
    return str(uuid.uuid4())


@register.filter
def reaction_emoji(kind: str) -> str:
    return Reaction.EMOJI.get(kind, "")


@register.filter
def reaction_label(kind: str) -> str:
    return Reaction.Kind(kind).label if kind in Reaction.Kind.values else ""


@register.filter
def display_name(user) -> str:
    if user.deactivated_at and not user.is_erased:  # an erased person is named "a former colleague"
        return _("%(name)s (former colleague)") % {"name": user.full_name}
    return user.full_name


# timesince()'s units below a month, longest first: one unit is pure arithmetic on seconds.
_SHORT_UNITS = (("week", 7 * 24 * 3600), ("day", 24 * 3600), ("hour", 3600), ("minute", 60))


@register.filter
def ago(moment) -> str:
    """ "3 hours ago", one unit only: "2 hours, 40 minutes ago" is noise in a feed."""
    current = now()  # one clock reading for both paths below
    seconds = (current - moment).total_seconds()
    if seconds < 60:
        return _("just now")
    if seconds < 28 * 24 * 3600:
        # What timesince(moment, depth=1) says, without its calendar arithmetic, which only
        # matters from a month on (28 days, the shortest month): a feed page shows some 20 of these.
        unit, length = next(u for u in _SHORT_UNITS if seconds >= u[1])  # the longest that fits
        return _ago_in(get_language(), unit, int(seconds // length))
    return _("%(time)s ago") % {"time": timesince(moment, current, depth=1)}


@lru_cache(maxsize=1024)
def _ago_in(language: str | None, unit: str, count: int) -> str:
    """ "3 hours ago" in the active language (`language`), translated once per process."""
    since = avoid_wrapping(TIME_STRINGS[unit] % {"num": count})  # timesince()'s own words
    return _("%(time)s ago") % {"time": since}


@register.filter
def post_url(pk, name: str) -> str:
    """{{ post.pk|post_url:"react" }}: the post's URL of that name, without a reverse() per card."""
    return path_for(f"posts:{name}", pk)


@register.filter
def url_for(pk, name: str) -> str:
    """{{ reply.pk|url_for:"qa:vote" }}: like post_url, for any one-argument URL name."""
    return path_for(name, pk)


@register.simple_tag(takes_context=True)
def card(context, post):
    """The post card, rendered by Jinja2 with what it needs from the page's context: kept and
    completed for the reader when its shared part is the same for every reader (ruche/web/cards.py)."""
    from ruche.web import cards

    viewer = unwrapped(context["user"])
    values = {
        "csrf_input": _csrf_input(context),
        "post": post,
        "user": viewer,
        "full": context.get("full"),
        "reply_form": context.get("reply_form"),
        "answer_error": context.get("answer_error"),
        "post_max_length": context.get("post_max_length"),
    }
    personal = {
        "react": lambda target: target.my_reaction,
        "saved": lambda target: target.saved,
        "save": lambda target: target.saved,
        "why": cards.reason_line,
        "ago": lambda target: ago(target.created),
        "token": lambda target: new_token(),
        "me": lambda target: avatar(viewer, 32),
    }
    drawn = cards.draw(post, viewer, values, lambda v: _jinja("posts/card.html", v), personal)
    if drawn is None:  # a kept card forgotten since the feed found it
        from ruche.feed.selectors import loaded

        post = loaded(viewer, post)
        return card(context, post) if post is not None else ""
    return drawn


def _menu_abilities(user) -> dict[str, bool]:
    """What the account menu offers, as the policies decide it."""
    from ruche.accounts import policies
    from ruche.analytics.policies import can_view_company

    return {
        "administer": policies.is_admin(user),
        "invite": policies.can_invite(user),
        "view_completeness_report": policies.can_view_completeness_report(user),
        "view_analytics": can_view_company(user),
    }


@register.simple_tag(takes_context=True)
def topbar(context):
    """The page header, drawn by Jinja2 (web/topbar.html) with Django's escaping: the markup the
    Django template drew, without its ~40 {% url %} and {% translate %} tags on every page."""
    from django.conf import settings

    request = context["request"]
    user = unwrapped(context["user"])
    values = {
        "request": request,
        "app_name": getattr(request.resolver_match, "app_name", ""),
        "user": user,
        "may": _menu_abilities(user),
        "site_name": context.get("site_name"),
        "unread_notifications": context.get("unread_notifications"),
        "csrf_input": _csrf_input(context),
        "LANG": get_language(),
        "languages": [code for code, _name in settings.LANGUAGES],
    }
    return _jinja("web/topbar.html", values, as_django=True)


@register.simple_tag(takes_context=True)
def composer(context):
    """The post composer, drawn by Jinja2 (posts/composer.html) with Django's escaping: the markup
    the Django template drew, without its tags and lookups for each of the reader's communities."""
    values = {
        "form": context["form"],
        "post_max_length": context.get("post_max_length"),
        "csrf_input": _csrf_input(context),
    }
    return _jinja("posts/composer.html", values, as_django=True)


@register.simple_tag
def attachment_picker(waiting=(), id="attach-files"):
    """The attachment picker of a Django-template form (files/picker.html, drawn by Jinja2)."""
    return _jinja("files/picker_tag.html", {"waiting": waiting or [], "id": id}, as_django=True)


@register.filter
def attachments(post):
    """A post's files, from its card's batch when it was hydrated, else fetched (one query)."""
    from ruche.posts.selectors import attachments_of_post

    found = getattr(post, "files", None)
    return found if found is not None else attachments_of_post(post)


@register.simple_tag
def attachment_list(files):
    """Images and document tiles of a Django-template page (files/list.html, drawn by Jinja2)."""
    return _jinja("files/list_tag.html", {"files": files}, as_django=True)


@register.simple_tag(takes_context=True)
def jinja_include(context, name):
    """A partial drawn by Jinja2 with Django's escaping, from a Django template: markup that pages
    drawn by Jinja2 (the home page) show too, written once."""
    return _jinja(name, {**context.flatten(), "csrf_input": _csrf_input(context)}, as_django=True)


def _csrf_input(context) -> str:
    """The CSRF field of the page's forms, masked once per request: masking again for each of a
    feed page's ~40 forms cost more than drawing the cards."""
    request = context.get("request")
    if request is None:
        return ""
    if not hasattr(request, "ruche_csrf_input"):
        request.ruche_csrf_input = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token(request)
        )
    return request.ruche_csrf_input


def csrf_token(request) -> str:
    """The request's masked CSRF token, the same in its forms and its header (`hx-headers`)."""
    if not hasattr(request, "ruche_csrf_token"):
        request.ruche_csrf_token = get_token(request)
    return request.ruche_csrf_token


def _jinja(name: str, values: dict, *, as_django: bool = False) -> str:
    """Jinja2 template `name` drawn in the active language (see ruche.web.jinja.for_language)."""
    from django.template import engines

    from ruche.web.jinja import for_language

    template = for_language(engines["jinja2"].env, get_language(), as_django=as_django).get_template(name)
    return mark_safe(template.render(values))  # noqa: S308 - Jinja2 escaped what it drew (autoescape is on)


@register.filter
def log_action(entry) -> str:
    """An administrators' log entry's action, in words (ruche.accounts.admin_actions)."""
    from ruche.accounts.admin_actions import action_label

    return action_label(entry.action)


@register.filter
def log_detail(entry) -> str:
    from ruche.accounts.admin_actions import describe

    return describe(entry)
