"""The outbound door refuses every way into the company's network, and proves it with a real
listener that sees no connection; what it lets through is capped in time and size."""

import gzip
import time

import pytest

from ruche.core import outbound
from tests.local_sites import LocalSite


@pytest.fixture
def site():
    with LocalSite({"/": (200, {"Content-Type": "text/html; charset=utf-8"}, b"<title>Hello</title>")}) as s:
        yield s


@pytest.fixture
def other_site():
    with LocalSite({"/": (200, {}, b"inside")}) as s:
        yield s


@pytest.fixture
def door(settings):
    """The door with short limits; tests add hosts to `door.FETCH_ALLOWED_HOSTS`."""
    settings.FETCH_ALLOWED_HOSTS = []
    settings.FETCH_ALLOWED_PORTS = [80, 443]
    settings.FETCH_TIMEOUT_SECONDS = 2
    settings.FETCH_MAX_BYTES = 256 * 1024
    settings.FETCH_MAX_REDIRECTS = 3
    return settings


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "127.8.9.10",
        "10.1.2.3",  # private
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # link-local: cloud metadata
        "100.64.0.1",  # shared (CGNAT)
        "0.0.0.0",  # noqa: S104 (unspecified: reaches this machine)
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "192.0.0.8",  # IETF protocol assignments
        "198.18.0.1",  # benchmarking
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",  # unique local
        "ff02::1",  # multicast
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",  # NAT64 to 10.0.0.1
        "2002:a00:1::1",  # 6to4 around 10.0.0.1
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo around 10.0.0.1
        "not an address",
    ],
)
def test_addresses_that_are_not_public_are_refused(address):
    assert not outbound.is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert outbound.is_public_address(address)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "0.0.0.0", "127.1"])  # noqa: S104
def test_loopback_in_any_spelling_is_refused_before_connecting(door, site, host):
    door.FETCH_ALLOWED_PORTS = [site.port]
    with pytest.raises(outbound.Refused, match="private network"):
        outbound.fetch(site.url(host=host))
    assert site.connections == 0


def test_an_allowed_host_is_fetched_honestly(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    response = outbound.fetch(site.url(), headers={"Accept": "text/html"})
    assert (response.status, response.body, response.content_type) == (
        200,
        b"<title>Hello</title>",
        "text/html",
    )
    sent = site.requests[0]["headers"]
    assert sent["User-Agent"].startswith("Ruche/") and "Cookie" not in sent and "Authorization" not in sent
    assert sent["Host"] == f"127.0.0.1:{site.port}"


def test_an_allowed_host_without_port_stays_on_the_allowed_ports(door, site):
    door.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    with pytest.raises(outbound.Refused, match=f"Port {site.port}"):
        outbound.fetch(site.url())
    assert site.connections == 0


def test_a_redirect_into_the_network_is_refused_at_that_hop(door, site, other_site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    door.FETCH_ALLOWED_PORTS = [80, 443, other_site.port]
    for path, location in [("/a", other_site.url()), ("/b", other_site.url(host="localhost"))]:
        site.routes[path] = (302, {"Location": location}, b"")
        with pytest.raises(outbound.Refused, match="private network"):
            outbound.fetch(site.url(path))
    assert other_site.connections == 0


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "gopher://127.0.0.1/", "http://user:pw@example.org/"]
)
def test_a_redirect_to_another_scheme_or_with_credentials_is_refused(door, site, location):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.routes["/go"] = (301, {"Location": location}, b"")
    with pytest.raises(outbound.Refused):
        outbound.fetch(site.url("/go"))


def test_a_redirect_loop_stops_after_a_few_hops(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(outbound.Refused, match="redirects too many times"):
        outbound.fetch(site.url("/loop"))
    assert len(site.requests) == door.FETCH_MAX_REDIRECTS + 1


def test_relative_redirects_are_followed_on_the_same_checked_site(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.routes["/old"] = (308, {"Location": "/"}, b"")
    response = outbound.fetch(site.url("/old"))
    assert (response.status, response.url) == (200, site.url("/"))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "http://exa mple.org:99999/",
    ],
)
def test_what_is_not_an_http_address_is_refused(door, url):
    with pytest.raises(outbound.Refused):
        outbound.fetch(url)


def test_ports_other_than_the_allowed_ones_are_refused_without_a_lookup(door, site):
    with pytest.raises(outbound.Refused, match="Port 8081"):
        outbound.fetch("http://name-that-does-not-resolve.invalid:8081/")


def test_credentials_in_the_address_are_refused(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    with pytest.raises(outbound.Refused, match="user name or password"):
        outbound.fetch(site.url().replace("http://", "http://me:secret@"))
    assert site.connections == 0


def test_callers_cannot_send_cookies_or_credentials():
    for header in ("Cookie", "authorization", "Host"):
        with pytest.raises(ValueError, match="never sends"):
            outbound.fetch("https://example.org/", headers={header: "x"})


def test_a_name_that_does_not_resolve_is_unreachable(door):
    with pytest.raises(outbound.Unreachable):
        outbound.fetch("http://name-that-does-not-resolve.invalid/")


def test_a_closed_port_is_unreachable(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.__exit__()
    with pytest.raises(outbound.Unreachable):
        outbound.fetch(site.url())


def _endless(handler):
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b"x" * 65536)
    except OSError:  # the door hung up
        pass


def _drip(handler):
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def test_a_page_that_never_ends_is_cut_off_at_the_size_cap(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.routes["/endless"] = _endless
    with pytest.raises(outbound.Refused, match="too large"):
        outbound.fetch(site.url("/endless"))


def test_a_declared_size_over_the_cap_is_refused_before_reading(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.routes["/big"] = (200, {}, b"x" * (door.FETCH_MAX_BYTES + 1))
    with pytest.raises(outbound.Refused, match="too large"):
        outbound.fetch(site.url("/big"))


def test_a_small_gzip_that_inflates_past_the_cap_is_cut_off(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    bomb = gzip.compress(b"\0" * (4 * door.FETCH_MAX_BYTES))
    assert len(bomb) < door.FETCH_MAX_BYTES
    site.routes["/bomb"] = (200, {"Content-Encoding": "gzip"}, bomb)
    with pytest.raises(outbound.Refused, match="too large"):
        outbound.fetch(site.url("/bomb"))


def test_a_page_that_drips_is_cut_off_at_the_deadline(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    door.FETCH_TIMEOUT_SECONDS = 1
    site.routes["/drip"] = _drip
    started = time.monotonic()
    with pytest.raises(outbound.Unreachable, match="too long"):
        outbound.fetch(site.url("/drip"))
    assert time.monotonic() - started < 5


def test_an_allowed_name_is_reached_at_its_checked_address_with_its_own_host_header(door, site):
    door.FETCH_ALLOWED_HOSTS = [
        f"localhost:{site.port}"
    ]  # localhost may answer ::1 first: tried, then 127.0.0.1
    response = outbound.fetch(site.url(host="localhost"))
    assert response.status == 200
    assert site.requests[0]["headers"]["Host"] == f"localhost:{site.port}"


def test_truncate_keeps_the_beginning_of_a_page_that_never_ends(door, site):
    door.FETCH_ALLOWED_HOSTS = [site.allowed]
    site.routes["/endless"] = _endless
    response = outbound.fetch(site.url("/endless"), max_bytes=100_000, truncate=True)
    assert response.body == b"x" * 100_000
