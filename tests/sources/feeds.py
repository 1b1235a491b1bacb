"""RSS feeds served by a local site, as the news-sources tests read them."""

from datetime import timedelta
from email.utils import format_datetime

from django.utils import timezone

START = timezone.now() - timedelta(days=10)


def rss(*items: tuple[str, str], title: str = "Veille Airbus") -> bytes:
    """An RSS 2.0 feed of (guid, title) items, the first the oldest."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{text}</title><link>https://news.example.org/{guid}</link>"
        f"<description>&lt;p&gt;Résumé de {text}&lt;/p&gt;</description>"
        f"<pubDate>{format_datetime(START + timedelta(hours=n))}</pubDate></item>"
        for n, (guid, text) in enumerate(items)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'.encode()


class Feed:
    """A feed route that answers 304 to a matching If-None-Match, as polite servers do."""

    def __init__(self, body: bytes):
        self.body, self.etag = body, '"v1"'

    def update(self, body: bytes):
        self.body, self.etag = body, f'"v{int(self.etag.strip(chr(34))[1:]) + 1}"'

    def __call__(self, handler):
        if handler.headers.get("If-None-Match") == self.etag:
            handler.send_response(304)
            handler.send_header("ETag", self.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        for name, value in {"Content-Type": "application/rss+xml", "ETag": self.etag}.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)
