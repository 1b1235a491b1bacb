from django import template

from ruche.notifications.models import ThreadMute

register = template.Library()


@register.simple_tag(takes_context=True)
def thread_mute_action(context, post) -> str:
    """ "thread_mute" or "thread_unmute": what the button under a post offers the viewer (one query)."""
    user = context["request"].user
    root = post.parent_id or post.pk
    muted = user.is_authenticated and ThreadMute.objects.filter(user=user, post_id=root).exists()
    return "thread_unmute" if muted else "thread_mute"


@register.filter
def oneline(value) -> str:
    """Text on one line, spaces squeezed (subjects, the text part of e-mails)."""
    return " ".join(str(value).split())
