"""Markdown for everything people write: markdown-it (raw HTML off), then nh3 as a second wall.

Mentions and hashtags are found in text tokens only (never inside code or links), so that
`#include` in a code block is not a topic and a URL fragment is not a hashtag.

Bare web addresses become links (linkify-it), but only those written as addresses: with http(s)://
or www. in front. "main.py" or "rapport.pdf" stay words, though .py and .pdf look like domains.
"""

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ruche.core.text import HASHTAG_RE, MENTION_RE, fold

_md = MarkdownIt("js-default", {"breaks": True, "typographer": False, "linkify": True}).disable("image")
SHORT_LINK = 48  # characters of a bare address shown in a card; the link keeps all of it

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}


@dataclass
class Parsed:
    tokens: list[Token]
    handles: set[str] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)


def _children_outside_links(block: Token) -> Iterator[tuple[Token, bool]]:
    """Each inline child with whether it is plain text outside a link: the only place where
    @ and # mean something."""
    in_link = 0
    for child in block.children or []:
        in_link += child.type == "link_open"
        in_link -= child.type == "link_close"
        yield child, child.type == "text" and not in_link


def _text_tokens(tokens: list[Token]) -> Iterator[Token]:
    for block in tokens:
        if block.type == "inline":
            yield from (child for child, plain in _children_outside_links(block) if plain)


def _bare_links(block: Token) -> list[Token]:
    """The block's children with bare addresses kept as links (shortened) only when written as
    addresses; a word that merely looks like a domain goes back to text."""
    children, out = block.children or [], []
    index = 0
    while index < len(children):
        child = children[index]
        if child.type == "link_open" and child.markup == "linkify":
            text = children[index + 1].content
            written_as_address = text.lower().startswith(("http://", "https://", "www."))
            if written_as_address or str(child.attrGet("href")).startswith("mailto:"):
                children[index + 1].content = shortened(text)
                if children[index + 1].content != text:
                    child.attrSet("title", text)
                out.extend(children[index : index + 3])
            else:
                out.append(Token("text", "", 0, content=text))
            index += 3
            continue
        out.append(child)
        index += 1
    return out


def shortened(address: str) -> str:
    """An address as a card shows it: without its scheme, cut with an ellipsis past SHORT_LINK."""
    shown = address.split("://", 1)[-1]
    return shown if len(shown) <= SHORT_LINK else shown[: SHORT_LINK - 1] + "…"


def parse(text: str) -> Parsed:
    tokens = _md.parse(text)
    for block in tokens:
        if block.type == "inline" and block.children:
            block.children = _bare_links(block)
    parsed = Parsed(tokens=tokens)
    for token in _text_tokens(tokens):
        parsed.handles.update(match.lower() for match in MENTION_RE.findall(token.content))
        for name in HASHTAG_RE.findall(token.content):
            if not name.isdigit():
                parsed.tags.setdefault(fold(name), name)
    return parsed


def _link(href: str, text: str, css: str, title: str = "") -> list[Token]:
    attrs = {"href": href, "class": css} | ({"title": title} if title else {})
    opening = Token("link_open", "a", 1, attrs=attrs)
    return [opening, Token("text", "", 0, content=text), Token("link_close", "a", -1)]


def _linkify(token: Token, replace: Callable[[str, str], list[Token] | None]) -> list[Token]:
    """Split one text token around @mentions and #hashtags that `replace` turns into links."""
    content = token.content
    pieces: list[Token] = []
    matches = sorted(
        [(m, "@") for m in MENTION_RE.finditer(content)] + [(m, "#") for m in HASHTAG_RE.finditer(content)],
        key=lambda pair: pair[0].start(),
    )
    cursor = 0
    for match, sigil in matches:
        if match.start() < cursor:
            continue
        link = replace(sigil, match.group(1))
        if link is None:
            continue
        if match.start() > cursor:
            pieces.append(Token("text", "", 0, content=content[cursor : match.start()]))
        pieces.extend(link)
        cursor = match.end()
    if not pieces:
        return [token]
    if cursor < len(content):
        pieces.append(Token("text", "", 0, content=content[cursor:]))
    return pieces


def render(
    parsed: Parsed,
    *,
    mention_url: Callable[[str], str | None],
    tag_url: Callable[[str], str | None],
    mention_name: Callable[[str], str] | None = None,
) -> str:
    """HTML for parsed Markdown; `mention_url(handle)` is None for unknown people (left as text),
    `tag_url(key)` None where hashtags are not links. A mention shows `mention_name(handle)` (the
    person's name; the handle stays in the text written, and in the link's title)."""

    def replace(sigil: str, name: str) -> list[Token] | None:
        if sigil == "@":
            url = mention_url(name.lower())
            if not url:
                return None
            shown = mention_name(name.lower()) if mention_name else "@" + name
            return _link(url, shown, "mention", title="@" + name.lower())
        url = None if name.isdigit() else tag_url(fold(name))
        return _link(url, "#" + name, "hashtag") if url else None

    for block in parsed.tokens:
        if block.type == "inline" and block.children:
            block.children = [
                token
                for child, plain in _children_outside_links(block)
                for token in (_linkify(child, replace) if plain else [child])
            ]
    html = _md.renderer.render(parsed.tokens, _md.options, {})
    return sanitize(html)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_plain(text: str) -> str:
    """Markdown without mentions or hashtags (bios, descriptions)."""
    return render(parse(text), mention_url=lambda _handle: None, tag_url=lambda _slug: None)


def plain_text(body_html: str) -> str:
    """The words of rendered Markdown, on one line: no `**`, `#` or link syntax, mentions by name."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(body_html))).strip()


def excerpt(body_html: str, length: int = 160) -> str:
    """A plain-text excerpt of rendered Markdown, cut at a word (notifications, e-mails, digests)."""
    text = plain_text(body_html)
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:  # end on a whole word, unless that loses too much
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
