"""The one spelling of a shared address, so that the same article shared with tracking tags, a
fragment or an upper-case host gets one preview."""

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ruche.core.markdown import Parsed

TRACKING = ("utm_", "mc_", "fbclid", "gclid", "msclkid", "yclid", "_hsenc", "_hsmi", "igshid")


def normalised(url: str) -> str | None:
    """The address without fragment, tracking parameters or default port, scheme and host in
    lower case; None for what is not an http(s) address."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").encode("idna").decode("ascii").lower()
        port = parts.port
    except (ValueError, UnicodeError):
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, {"http": 80, "https": 443}[scheme]) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def address_hash(normal: str) -> str:
    return hashlib.sha256(normal.encode()).hexdigest()


def first_link(parsed: Parsed) -> str | None:
    """The first web address linked in a text (written bare or as [text](address)), normalised."""
    for block in parsed.tokens:
        for child in block.children or []:
            if child.type == "link_open":
                normal = normalised(str(child.attrGet("href") or ""))
                if normal:
                    return normal
    return None
