"""The one door for server-side HTTP: link previews, news sources, and whatever fetches a URL later.

A URL typed by a colleague must never become a way into the company's own network (SSRF). So this
module resolves the name itself, refuses any address that is not public (loopback, private,
link-local, shared CGNAT space, multicast, reserved, and the IPv6 forms that embed such an IPv4
address), then connects to the very address it checked: no second DNS lookup for an attacker's name
server to answer differently. Every redirect hop goes through the same checks. Only http and https,
only the ports the administrator allows, a few seconds and a few megabytes at most, an honest
User-Agent, and never a cookie or a credential.

`RUCHE_FETCH_ALLOWED_HOSTS` lets named intranet hosts through ("wiki.intranet" on the allowed ports,
"wiki.intranet:8080" on that port too); the tests' local servers come in the same way.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
# Headers that would hand someone's identity to another site: a caller passing one is a bug.
FORBIDDEN_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization", "host"})


class FetchError(Exception):
    """Nothing was fetched; `str(error)` is a translated sentence fit to show an administrator."""


class Refused(FetchError):
    """The URL, an address it resolves to, a redirect, or the answer's size broke a rule."""


class Unreachable(FetchError):
    """The site did not answer in time, refused the connection, or spoke broken TLS or HTTP."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: urllib3.HTTPHeaderDict
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Target:
    """Where one request goes: the URL's parts, and the checked addresses to connect to."""

    scheme: str
    host: str  # ASCII (IDNA), lowercase, without brackets
    port: int
    path: str  # with the query string
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        default = {"http": 80, "https": 443}[self.scheme]
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


def fetch(
    url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None, truncate: bool = False
) -> Response:
    """GET `url` through the door. Any status comes back as a Response (callers decide what a 404
    means to them); a FetchError says why there is no answer at all. A body past `max_bytes` is
    refused, or with `truncate` cut there (a page's head is all a preview needs)."""
    extra = dict(headers or {})
    if FORBIDDEN_HEADERS & {name.lower() for name in extra}:
        raise ValueError("The outbound door never sends cookies, credentials or a chosen Host header.")
    limit = max_bytes or settings.FETCH_MAX_BYTES
    deadline = time.monotonic() + settings.FETCH_TIMEOUT_SECONDS
    for _hop in range(settings.FETCH_MAX_REDIRECTS + 1):
        target = checked_target(url)
        status, response_headers, body = _request(target, extra, limit, deadline, truncate)
        location = response_headers.get("location")
        if status in REDIRECT_STATUSES and location:
            url = urljoin(url, location)
            continue
        return Response(url=url, status=status, headers=response_headers, body=body)
    raise Refused(_("The address redirects too many times."))


def post(
    url: str, *, body: bytes, headers: dict[str, str] | None = None, max_bytes: int = 64 * 1024
) -> Response:
    """POST `body` to `url` through the same checks as `fetch` (webhooks). A redirect is not followed:
    it comes back as the answer, so a receiver cannot bounce the request into the network. The
    answer's body is cut at `max_bytes` (callers keep an excerpt)."""
    extra = dict(headers or {})
    if FORBIDDEN_HEADERS & {name.lower() for name in extra}:
        raise ValueError("The outbound door never sends cookies, credentials or a chosen Host header.")
    deadline = time.monotonic() + settings.FETCH_TIMEOUT_SECONDS
    target = checked_target(url)
    status, response_headers, data = _request(
        target, extra, max_bytes, deadline, True, method="POST", body=body
    )
    return Response(url=url, status=status, headers=response_headers, body=data)


def checked_target(url: str) -> Target:
    """The Target for `url`, or Refused: scheme, credentials, port, then every address the name
    resolves to must be public (unless the administrator allowed the host)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii").lower()
    except (ValueError, UnicodeError):
        raise Refused(_("This is not a valid web address.")) from None
    if parts.scheme not in ("http", "https") or not host:
        raise Refused(_("Only http and https addresses can be fetched."))
    if parts.username is not None or parts.password is not None:
        raise Refused(_("Addresses with a user name or password are not fetched."))
    port = port or {"http": 80, "https": 443}[parts.scheme]
    allowed = host_allowed(host, port)
    if not allowed and port not in settings.FETCH_ALLOWED_PORTS:
        raise Refused(_("Port %(port)s is not allowed for outbound requests.") % {"port": port})
    addresses = resolve(host, port)
    if not allowed and not all(is_public_address(address) for address in addresses):
        raise Refused(_("This address points inside a private network; it is not fetched."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=tuple(addresses))


def host_allowed(host: str, port: int) -> bool:
    """Whether the administrator let `host` through: "host" on the allowed ports, "host:port" there."""
    for entry in settings.FETCH_ALLOWED_HOSTS:
        parts = urlsplit(f"//{entry.strip()}")  # "host", "host:port", "[v6]:port"
        on_port = parts.port == port or (parts.port is None and port in settings.FETCH_ALLOWED_PORTS)
        if (parts.hostname or "").lower() == host and on_port:
            return True
    return False


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unreachable(_("The site's name could not be resolved.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Unreachable(_("The site's name could not be resolved."))
    return addresses


def is_public_address(address: str) -> bool:
    """Whether `address` is one the Internet routes to someone else, not to us or our network."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])  # drop an IPv6 zone: fe80::1%eth0
    except ValueError:
        return False
    if ip.version == 6:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(str(embedded))
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_reserved
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_unspecified
    )


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo), which is where it leads."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    return None


def _request(
    target: Target,
    extra: dict[str, str],
    limit: int,
    deadline: float,
    truncate: bool,
    *,
    method="GET",
    body=None,
):
    """One request (a GET, or a webhook's POST) to the first checked address that answers:
    (status, headers, body); a redirect's body is not read."""
    for address in target.addresses:
        try:
            return _request_at(address, target, extra, limit, deadline, truncate, method, body)
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError):
            continue  # a dual-stack name whose IPv6 does not answer: try the next checked address
    raise Unreachable(_("The site could not be reached."))


def _request_at(
    address: str,
    target: Target,
    extra: dict[str, str],
    limit: int,
    deadline: float,
    truncate: bool,
    method,
    body,
):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Unreachable(_("The site took too long to answer."))
    pool = _pool(address, target, urllib3.Timeout(connect=min(remaining, 5.0), read=remaining))
    headers = {
        "Host": target.host_header,
        "User-Agent": user_agent(),
        "Accept-Encoding": "gzip, deflate",
        **extra,
    }
    try:
        response = pool.urlopen(
            method,
            target.path,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
        )
        try:
            if response.status in REDIRECT_STATUSES and response.headers.get("location"):
                return response.status, response.headers, b""
            return response.status, response.headers, _read_capped(response, limit, deadline, truncate)
        finally:
            response.release_conn()
    except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError):
        raise
    except urllib3.exceptions.HTTPError:
        raise Unreachable(_("The site could not be reached.")) from None
    finally:
        pool.close()


def user_agent() -> str:
    """Who is asking, and where to find out more: sites see a Ruche, not a disguised browser."""
    return f"Ruche/{VERSION} (+{settings.SITE_URL})"


try:
    VERSION = package_version("ruche")
except PackageNotFoundError:  # run from a checkout that was never installed
    VERSION = "dev"


def _pool(address: str, target: Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        # Connect to the checked address, but verify the certificate (and send SNI) for the name.
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, maxsize=1)


def _read_capped(response, limit: int, deadline: float, truncate: bool) -> bytes:
    """The (decompressed) body, refused past `limit` bytes or `deadline`: a page that never ends and
    a small gzip that inflates to gigabytes are both cut off."""
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise Refused(_("The answer is too large."))
    chunks, size = [], 0
    # read1 returns what one read gives, so a page sent a byte at a time still meets the deadline.
    while chunk := response.read1(CHUNK_BYTES, decode_content=True):
        size += len(chunk)
        if size > limit and truncate:
            chunks.append(chunk[: len(chunk) - (size - limit)])
            break
        if size > limit:
            raise Refused(_("The answer is too large."))
        if time.monotonic() > deadline:
            raise Unreachable(_("The site took too long to answer."))
        chunks.append(chunk)
    return b"".join(chunks)
