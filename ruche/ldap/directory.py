"""Reading people from the directory with ldap3: one bind, one paged search (Active Directory
answers at most 1,000 entries a page), the mapped attributes only. Nothing here writes."""

import contextlib
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException, LDAPInvalidCredentialsResult

# Attributes that hold bytes, not text.
BINARY = {"jpegphoto", "thumbnailphoto", "objectguid"}


class DirectoryError(Exception):
    """The directory could not be read: unreachable, refused the bind, or the search failed."""


@dataclass(frozen=True)
class Config:
    url: str
    bind_dn: str
    bind_password: str
    base_dn: str
    filter: str
    start_tls: bool
    attributes: dict[str, str]
    page_size: int
    timeout: int

    @classmethod
    def from_settings(cls) -> "Config":
        return cls(
            url=settings.LDAP_URL,
            bind_dn=settings.LDAP_BIND_DN,
            bind_password=settings.LDAP_BIND_PASSWORD,
            base_dn=settings.LDAP_BASE_DN,
            filter=settings.LDAP_FILTER,
            start_tls=settings.LDAP_START_TLS,
            attributes={key: value for key, value in settings.LDAP_ATTRIBUTES.items() if value},
            page_size=max(1, min(settings.LDAP_PAGE_SIZE, 1000)),
            timeout=settings.LDAP_TIMEOUT_SECONDS,
        )


def configured() -> bool:
    return bool(settings.LDAP_URL and settings.LDAP_BASE_DN)


@dataclass(frozen=True)
class Entry:
    """One entry as the directory gave it: its DN and its mapped attributes' values, by our key."""

    dn: str
    values: dict[str, list[str | bytes]]

    def text(self, key: str) -> str | None:
        """The first value as text; None when the mapping has no such attribute."""
        if key not in self.values:
            return None
        values = self.values[key]
        value = values[0] if values else ""
        return value if isinstance(value, str) else value.hex()

    def raw(self, key: str) -> bytes | None:
        values = self.values.get(key) or []
        value = values[0] if values else None
        return value.encode() if isinstance(value, str) else value


def _decoded(attribute: str, raw: bytes) -> str | bytes:
    name = attribute.lower()
    if name == "objectguid" and len(raw) == 16:
        return str(uuid.UUID(bytes_le=raw))  # Active Directory's byte order
    if name in BINARY:
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.hex()


def _connection(config: Config) -> Connection:
    tls = Tls(validate=ssl.CERT_REQUIRED, version=ssl.PROTOCOL_TLS_CLIENT)
    use_ssl = config.url.lower().startswith("ldaps://")
    server = Server(config.url, use_ssl=use_ssl, tls=tls, get_info=NONE, connect_timeout=config.timeout)
    return Connection(
        server,
        user=config.bind_dn or None,
        password=config.bind_password or None,
        read_only=True,
        receive_timeout=config.timeout,
        raise_exceptions=True,
        auto_referrals=False,
    )


def read_people(config: Config) -> Iterator[Entry]:
    """Every entry the filter finds under the base DN, page by page. Raises DirectoryError."""
    connection = _connection(config)
    by_attribute = {attribute.lower(): key for key, attribute in config.attributes.items()}
    try:
        connection.open()
        if config.start_tls:
            connection.start_tls()
        connection.bind()
        results = connection.extend.standard.paged_search(
            search_base=config.base_dn,
            search_filter=config.filter,
            search_scope=SUBTREE,
            attributes=sorted(set(config.attributes.values())),
            paged_size=config.page_size,
            generator=True,
        )
        for result in results:
            if result.get("type") != "searchResEntry":
                continue  # referrals: people are read from this directory only
            values = {}
            for attribute, raws in result["raw_attributes"].items():
                if (key := by_attribute.get(attribute.lower())) is not None:
                    values[key] = [_decoded(attribute, raw) for raw in raws]
            for key in config.attributes:
                values.setdefault(key, [])  # asked but absent: the directory says "nothing"
            yield Entry(dn=result["dn"], values=values)
    except LDAPInvalidCredentialsResult as error:
        raise DirectoryError(_("The directory refused the bind DN or its password.")) from error
    except LDAPException as error:
        raise DirectoryError(_("The directory could not be read: %(error)s") % {"error": error}) from error
    finally:
        with contextlib.suppress(LDAPException):  # the search's outcome is what matters
            connection.unbind()
