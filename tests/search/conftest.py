import pytest

from ruche.search.services import search_rebuild
from tests.communities.conftest import add_member, governance, make_community  # noqa: F401


@pytest.fixture
def rebuild(db):
    """Index what fixtures wrote straight into the database (services index on their own)."""
    return lambda: search_rebuild()
