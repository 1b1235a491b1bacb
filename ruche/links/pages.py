"""What a web page says about itself: OpenGraph, Twitter cards, oEmbed discovery, then `<title>` and
the description meta tag. Read with BeautifulSoup, never with regular expressions."""

import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
SITE_MAX = 200


@dataclass(frozen=True)
class Summary:
    title: str = ""
    description: str = ""
    site_name: str = ""  # the host's name when the page does not say
    image_url: str = ""  # absolute, http(s) only
    oembed_url: str = ""  # where the page says a JSON oEmbed answer lives


def html_summary(body: bytes, url: str, charset: str | None = None) -> Summary:
    soup = BeautifulSoup(body, "html.parser", from_encoding=charset)
    title = _meta(soup, "og:title", "twitter:title") or (soup.title.get_text() if soup.title else "")
    oembed = soup.find("link", attrs={"type": "application/json+oembed", "href": True})
    return Summary(
        title=clean(title, TITLE_MAX),
        description=clean(
            _meta(soup, "og:description", "twitter:description", "description"), DESCRIPTION_MAX
        ),
        site_name=clean(_meta(soup, "og:site_name", "application-name"), SITE_MAX),
        image_url=web_address(
            _meta(
                soup, "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
            ),
            url,
        ),
        oembed_url=web_address(oembed["href"] if oembed else "", url),
    )


def oembed_summary(data: object, page: Summary) -> Summary:
    """The page's summary completed by its oEmbed answer (a dict), which wins only where the page
    said nothing."""
    if not isinstance(data, dict):
        return page

    def text(key: str, limit: int) -> str:
        value = data.get(key)
        return clean(value, limit) if isinstance(value, str) else ""

    thumbnail = data.get("thumbnail_url")
    return Summary(
        title=page.title or text("title", TITLE_MAX),
        description=page.description or text("author_name", DESCRIPTION_MAX),
        site_name=page.site_name or text("provider_name", SITE_MAX),
        image_url=page.image_url
        or web_address(thumbnail if isinstance(thumbnail, str) else "", page.oembed_url),
        oembed_url=page.oembed_url,
    )


def _meta(soup: BeautifulSoup, *names: str) -> str:
    for name in names:
        for attribute in ("property", "name"):
            tag = soup.find("meta", attrs={attribute: name, "content": True})
            if tag and str(tag["content"]).strip():
                return str(tag["content"])
    return ""


def clean(text: str, limit: int) -> str:
    """One line of printable text: control characters out, white space folded, cut at `limit`."""
    printable = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    folded = " ".join(printable.split())
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"


def web_address(href: str, base: str) -> str:
    """`href` made absolute against `base`, if it is an http(s) address; "" otherwise."""
    if not href.strip():
        return ""
    absolute = urljoin(base, href.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else ""


def host_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
