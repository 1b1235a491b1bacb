"""`{% realtime_stream %}`: where the page's script connects, and the words it needs, translated."""

from functools import cache

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()


def _forms(message) -> tuple[str, str]:
    """The two forms of a plural message, with %(n)s left for the script (Intl.PluralRules picks)."""
    return message(1), message(2)


@register.simple_tag(takes_context=True)
def realtime_stream(context) -> str:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    return _element(get_language())


@cache
def _element(language: str | None) -> str:
    """The same on every page in a language (words and URLs only): made once per language."""
    new_one, new_other = _forms(lambda n: ngettext("Show %(n)s new post", "Show %(n)s new posts", n))
    reply_one, reply_other = _forms(lambda n: ngettext("%(n)s new reply: show", "%(n)s new replies: show", n))
    # The same message as the post card's (ruche/web/jinja.py reactions_label).
    reacted_one, reacted_other = _forms(
        lambda n: ngettext("%(n)s reaction, see who reacted", "%(n)s reactions, see who reacted", n)
    )
    # The same message as the post card's (ruche/web/jinja.py shared_times).
    shared_one, shared_other = _forms(lambda n: ngettext("Shared %(n)s time", "Shared %(n)s times", n))
    return format_html(
        '<div id="realtime" hidden data-url="{}" data-new-one="{}" data-new-other="{}" '
        'data-reply-one="{}" data-reply-other="{}" data-reacted-one="{}" data-reacted-other="{}" '
        'data-shared-one="{}" data-shared-other="{}" data-unread="{}" data-post-url="{}"></div>',
        reverse("realtime:stream"),
        new_one,
        new_other,
        reply_one,
        reply_other,
        reacted_one,
        reacted_other,
        shared_one,
        shared_other,
        _("unread"),
        reverse("posts:detail", args=[0]),
    )
