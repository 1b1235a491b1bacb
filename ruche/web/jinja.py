"""The Jinja2 environment for the templates drawn many times per page (the post card).

A feed page draws ten cards, each with up to three replies and their reaction bars; with Django
templates that was half of the page's time. The card is the same markup rendered by Jinja2,
which compiles templates to Python: see docs/performance.md. Everything else stays in Django
templates; `{% card post %}` bridges the two.

Translations: `_("…")` (optionally `|format(name=…)`) is found by `makemessages` in these `.html`
files; plurals live in Python below (`ngettext`), where xgettext finds them.
"""

from django.template.defaultfilters import date as date_filter
from django.utils import formats
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from ruche.web.templatetags import ruche as tags


def localised(moment) -> str:
    """What `{{ moment }}` shows in a Django template: local time, local format."""
    return formats.localize(template_localtime(moment))


def date(moment, fmt: str) -> str:
    return date_filter(template_localtime(moment), fmt)


def earlier_replies(n: int) -> str:
    return ngettext("See %(n)s earlier reply", "See %(n)s earlier replies", n) % {"n": n}


def reactions_label(n: int) -> str:
    return ngettext("%(n)s reaction, see who reacted", "%(n)s reactions, see who reacted", n) % {"n": n}


def useful_answer(n: int) -> str:
    return ngettext("Useful answer (%(n)s vote)", "Useful answer (%(n)s votes)", n) % {"n": n}


def votes(n: int) -> str:
    return ngettext("▲ %(n)s vote", "▲ %(n)s votes", n) % {"n": n}


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say: user text is escaped
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True, **options)
    # Old-style: `_()` only translates; `|format(name=…)` fills in, and autoescape escapes the result.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(
        avatar=tags.avatar,
        new_token=tags.new_token,
        reaction_kinds=tags.reaction_kinds,
        earlier_replies=earlier_replies,
        reactions_label=reactions_label,
        useful_answer=useful_answer,
        votes=votes,
    )
    env.filters.update(
        ago=tags.ago,
        date=date,
        display_name=tags.display_name,
        localised=localised,
        post_url=tags.post_url,
        reaction_emoji=tags.reaction_emoji,
        reaction_label=tags.reaction_label,
        url_for=tags.url_for,
    )
    return env
