import os

import pytest

from tests.ldap.slapd import PEOPLE, ROOT_DN, ROOT_PASSWORD, Slapd, available


@pytest.fixture(scope="session")
def slapd_server():
    """One real OpenLDAP server for the session. Required under CI (CI=true): missing, the tests
    fail, never skip. Elsewhere they are skipped, loudly."""
    if not available():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI: /usr/sbin/slapd is missing (apt-get install -y slapd); the LDAP sync tests are required."
            )
        print(f"\n{'#' * 64}\n# /usr/sbin/slapd not installed: SKIPPING THE LDAP SYNC TESTS\n{'#' * 64}")
        pytest.skip(
            "OpenLDAP's slapd is not installed (/usr/sbin/slapd): apt-get install -y slapd ldap-utils"
        )
    server = Slapd().start()
    yield server
    server.stop()


@pytest.fixture
def slapd(slapd_server, settings):
    """The server, emptied of people, and Ruche configured to read it."""
    slapd_server.remove_everyone()
    settings.LDAP_URL = slapd_server.url
    settings.LDAP_BIND_DN = ROOT_DN
    settings.LDAP_BIND_PASSWORD = ROOT_PASSWORD
    settings.LDAP_BASE_DN = PEOPLE
    settings.LDAP_PAGE_SIZE = 2  # several pages even for a handful of people
    yield slapd_server
    slapd_server.remove_everyone()
