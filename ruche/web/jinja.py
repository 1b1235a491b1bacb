"""The Jinja2 environment for the templates drawn many times per page (the post card) or on most pages.

A feed page draws ten cards, each with up to three replies and their reaction bars; with Django
templates that was half of the page's time. The card is the same markup rendered by Jinja2,
which compiles templates to Python: see docs/performance.md. The page header (web/topbar.html)
and the composer (posts/composer.html) are drawn the same way, with Django's escaping (`as_django`
below), their markup byte for byte what their Django templates drew. Everything else stays in
Django templates; `{% card post %}`, `{% topbar %}` and `{% composer %}` bridge the two.

The home page, the most requested, is drawn by Jinja2 whole (`render_page`: web/home_page.html in
web/layout.html, the shell of Django's web/base.html, kept identical by tests/web/test_home_page.py):
its Django templates around the cards cost half of its CPU. The few partials it shares with Django
pages (the follow button, an announcement's actions, the profile meter) are Jinja2 templates that
the Django ones draw with `{% jinja_include %}`.

Translations: `_("…")` (optionally `|format(name=…)`) is found by `makemessages` in these `.html`
files; plurals live in Python below (`ngettext`), where xgettext finds them. Each language has its own
environment (`for_language`) whose templates are compiled with `_("literal")` already translated:
a card called `_()` some 25 times, each call through Jinja's context and Django's active-language
lookup.
"""

import functools
import html
import re
from functools import cache, lru_cache

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.template.defaultfilters import urlencode
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, formats, translation
from django.utils.dateformat import DateFormat
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup

from ruche.core.paths import path
from ruche.core.views import unwrapped
from ruche.files.display import attach_rules, file_label, filesize, media_url
from ruche.notifications.selectors import unread_count
from ruche.posts.models import Reaction
from ruche.posts.policies import can_delete_shown, can_edit_shown
from ruche.realtime.templatetags.realtime import _element
from ruche.web import cards
from ruche.web.templatetags import ruche as tags


def localised(moment) -> str:
    """What `{{ moment }}` shows in a Django template: local time, local format (DATETIME_FORMAT).

    Formatted as django.utils.dateformat does, with the format split once (_pieces): Django
    splits it at each call with lazily compiled regexes, which was most of this filter's time.
    """
    value = DateFormat(template_localtime(moment))
    return "".join(
        str(getattr(value, piece)()) if code else piece
        for code, piece in _pieces(get_format("DATETIME_FORMAT"))
    )


@cache
def _pieces(fmt: str) -> tuple[tuple[bool, str], ...]:
    """(is a format character, the character or the literal text) for each piece of a date format."""
    split = re.split(dateformat.re_formatchars.pattern, fmt)
    return tuple(
        (True, piece) if i % 2 else (False, re.sub(dateformat.re_escaped.pattern, r"\1", piece))
        for i, piece in enumerate(split)
        if piece
    )


def isoformat(moment) -> str:
    """What `{{ moment|date:"c" }}` shows, without the date filter's format parsing."""
    return template_localtime(moment).isoformat()


def date_format(moment, fmt: str) -> str:
    """What `{{ moment|date:"DATE_FORMAT" }}` shows: local time, the format of the active language."""
    return formats.date_format(template_localtime(moment), fmt)


def truncatewords_html(html: str, n: int) -> Markup:
    """What Django's `|safe|truncatewords_html:n` shows (the markup is already safe)."""
    return Markup(Truncator(html).words(n, html=True, truncate=" …"))  # noqa: S704 - safe markup, cut at words


def _worded(message: str, **values) -> Markup:
    """A `{% blocktranslate %}` sentence: its values escaped, its words as translated (not escaped,
    as Django leaves them: "jusqu'au")."""
    return Markup(message % {k: conditional_escape(v) for k, v in values.items()})  # noqa: S704


def members(n: int) -> Markup:
    return _worded(ngettext("%(n)s member", "%(n)s members", n), n=n)


def posts_count(n: int) -> Markup:
    return _worded(ngettext("%(n)s post", "%(n)s posts", n), n=n)


def items_left(n: int) -> Markup:
    return _worded(ngettext("%(n)s item left", "%(n)s items left", n), n=n)


def percent_complete(percent) -> Markup:
    return _worded(gettext("%(percent)s%% complete"), percent=percent)


def until(moment) -> Markup:
    return _worded(gettext("until %(end)s"), end=date_format(moment, "SHORT_DATE_FORMAT"))


def earlier_replies(n: int) -> str:
    return ngettext("See %(n)s earlier reply", "See %(n)s earlier replies", n) % {"n": n}


def reactions_label(n: int) -> str:
    return ngettext("%(n)s reaction, see who reacted", "%(n)s reactions, see who reacted", n) % {"n": n}


def useful_answer(n: int) -> str:
    return ngettext("Useful answer (%(n)s vote)", "Useful answer (%(n)s votes)", n) % {"n": n}


def shared_times(n: int) -> str:
    return ngettext("Shared %(n)s time", "Shared %(n)s times", n) % {"n": n}


def votes(n: int) -> str:
    return ngettext("▲ %(n)s vote", "▲ %(n)s votes", n) % {"n": n}


class TranslatedWhenCompiled(Extension):
    """In a language's environment, `_("literal")` compiles to the literal's translation.

    A template compiled this way is only right for that language: `for_language` gives each
    language its own environment, hence its own compiled templates. `_("literal")|format(…)` fills
    in at run time as before; `_(variable)` still translates at run time.
    """

    def filter_stream(self, stream):
        language = getattr(self.environment, "ruche_language", None)
        if language is None:  # `_()` translates at run time
            return stream
        # As Django's {% translate %} does, a page drawn as Django draws (as_django) writes the words as
        # translated, unescaped ("l'entreprise", not "l&#39;entreprise").
        as_django = self.environment.finalize is django_escaped
        tokens, out, i = list(stream), [], 0
        with translation.override(language):  # translated here, not while the parser reads on
            while i < len(tokens):
                window = tokens[i : i + 4]
                if (
                    [token.type for token in window] == ["name", "lparen", "string", "rparen"]
                    and window[0].value == "_"
                    and not (i and tokens[i - 1].type == "dot")
                ):
                    line = window[0].lineno
                    out.append(Token(line, "string", gettext(window[2].value)))
                    if as_django and not (i + 4 < len(tokens) and tokens[i + 4].type == "pipe"):
                        out += [Token(line, "pipe", "|"), Token(line, "name", "safe")]
                    i += 4
                else:
                    out.append(window[0])
                    i += 1
        return out


def django_escaped(value):
    """conditional_escape without its lazy-argument wrapper (a page's 150 values went through it):
    safe markup as is, anything else escaped as Django's escape() does (`&#x27;`, not `&#39;`)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value
    return SafeString(html.escape(str(value)))


def for_language(env: Environment, language: str | None, *, as_django: bool = False) -> Environment:
    """`env` with its templates compiled for `language` (see TranslatedWhenCompiled), made once.

    `as_django`: values are escaped as Django escapes them (`&#x27;` where Jinja writes `&#39;`),
    for a partial that draws the markup a Django template drew (the header, the composer).
    """
    key = (language, as_django)
    if key not in env.ruche_overlays:
        # An overlay shares the loader and settings, with a cache (compiled templates) of its own.
        overlay = env.overlay(finalize=django_escaped) if as_django else env.overlay()
        overlay.ruche_language = language
        overlay.globals = {**env.globals, "reaction_kinds": _reaction_kinds(language)}
        if language is not None:  # the same words for the same count: worded once per language
            for name in ("earlier_replies", "reactions_label", "shared_times", "useful_answer", "votes"):
                overlay.globals[name] = lru_cache(maxsize=256)(env.globals[name])
        env.ruche_overlays[key] = overlay
    return env.ruche_overlays[key]


def forget_translations() -> None:
    """Drop what was translated once per language: the environments' compiled templates and the
    words cached by the template helpers (after the catalogues change, in development)."""
    from django.template import engines

    from ruche.feed.relevance import _text
    from ruche.realtime.templatetags.realtime import _element

    engines["jinja2"].env.ruche_overlays.clear()
    tags._ago_in.cache_clear()
    _element.cache_clear()
    _text.cache_clear()
    cards.forget_all()  # kept cards hold words of the old catalogue


def _reaction_kinds(language: str | None) -> list[tuple[str, str, str]]:
    """(kind, emoji, label) for the reaction picker, its labels in `language` (lazy ones if None)."""
    with translation.override(language):
        return [
            (kind, Reaction.EMOJI[kind], str(label) if language else label)
            for kind, label in Reaction.Kind.choices
        ]


class _Environment(Environment):
    def make_globals(self, d):
        """A template's globals as one dict, not a ChainMap over the environment's: Jinja copies a
        template's globals into every render's context, and from a ChainMap that took longer than
        drawing a small card. Our globals are all set before the first template loads."""
        return {**self.globals, **(d or {})}


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say: user text is escaped
    env = _Environment(extensions=["jinja2.ext.i18n", TranslatedWhenCompiled], autoescape=True, **options)
    env.ruche_language = None
    env.ruche_overlays = {}
    # Old-style: `_()` only translates; `|format(name=…)` fills in, and autoescape escapes the result.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(
        attach_rules=attach_rules,
        avatar=tags.avatar,
        # The card's personal parts (ruche/web/cards.py): drawn for the reader, or marked to be.
        vary=cards.vary,
        slot=cards.slot,
        reason_line=cards.reason_line,
        both=cards.BOTH,
        reaction_states=cards.REACTION_STATES,
        # The cards' links follow the policies (ruche/posts/policies.py), not a rule of their own.
        can_edit_post=can_edit_shown,
        can_delete_post=can_delete_shown,
        new_token=tags.new_token,
        reaction_kinds=_reaction_kinds(None),
        earlier_replies=earlier_replies,
        reactions_label=reactions_label,
        shared_times=shared_times,
        useful_answer=useful_answer,
        votes=votes,
        members=members,
        posts_count=posts_count,
        items_left=items_left,
        percent_complete=percent_complete,
        until=until,
        realtime_stream=lambda: _element(translation.get_language()),
        reverse=reverse,
        static=static,
        url=path,
    )
    env.filters.update(
        ago=tags.ago,
        isoformat=isoformat,
        display_name=tags.display_name,
        file_label=file_label,
        filesize=filesize,
        media_url=media_url,
        localised=localised,
        post_url=tags.post_url,
        reaction_emoji=tags.reaction_emoji,
        reaction_label=tags.reaction_label,
        url_for=tags.url_for,
        date_format=date_format,
        truncatewords_html=truncatewords_html,
        django_urlencode=urlencode,
    )
    return env


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """ruche.core.views.render_page for a page drawn by Jinja2 with Django's escaping: the full page
    (its shell is web/layout.html), or only `partial` when htmx asks for a fragment.

    Jinja2 runs no context processors: what the layout and the cards read is given here, as
    ruche.web.context_processors and Django's gave it to the Django templates.
    """
    from django.template import engines

    fragment = bool(partial and getattr(request, "htmx", False))
    user = unwrapped(request.user)
    values = {
        "request": request,
        "user": user,
        "csrf_input": tags._csrf_input({"request": request}),
        "post_max_length": settings.POST_MAX_LENGTH,
        **context,
    }
    values["card"] = functools.partial(tags.card, values)  # `{% card post %}`, with this page's values
    if not fragment:
        values |= _shell(request, user)
    env = for_language(engines["jinja2"].env, translation.get_language(), as_django=True)
    return HttpResponse(draw(env.get_template(partial if fragment else template), values), status=status)


def _shell(request, user) -> dict:
    """What web/layout.html (and the page header in it) reads."""
    return {
        "site_name": settings.SITE_NAME,
        "unread_notifications": unread_count(user),
        "messages": get_messages(request),
        "csrf_token": tags.csrf_token(request),
        "LANG": translation.get_language(),
        "languages": [code for code, _name in settings.LANGUAGES],
        "app_name": getattr(request.resolver_match, "app_name", ""),
        "may": tags._menu_abilities(user),
    }


def draw(template, values: dict) -> str:
    """The template drawn (tests/conftest.py wraps this to give the test client the context)."""
    return template.render(values)
