"""What the sync makes of one entry's values, without a directory (Active Directory's included)."""

import uuid

import pytest

from ruche.ldap.directory import Entry, _decoded
from ruche.ldap.services import _active


@pytest.mark.parametrize(
    ("value", "active"),
    [
        (None, True),  # the mapping reads no such attribute: everyone listed is active
        ("512", True),  # Active Directory: a normal account
        ("514", False),  # ... with ACCOUNTDISABLE (bit 2)
        ("66050", False),  # ... disabled, password never expires
        ("66048", True),
        ("TRUE", True),
        ("disabled", False),
        ("FALSE", False),
    ],
)
def test_an_entry_is_active_unless_its_active_attribute_says_otherwise(value, active):
    values = {} if value is None else {"active": [value]}
    assert _active(Entry(dn="cn=x", values=values)) is active


def test_active_directory_object_guid_reads_as_the_uuid_its_tools_show():
    guid = uuid.UUID("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
    assert _decoded("objectGUID", guid.bytes_le) == "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    assert _decoded("jpegPhoto", b"\xff\xd8\xff") == b"\xff\xd8\xff"
    assert _decoded("mail", "zoé@example.com".encode()) == "zoé@example.com"
