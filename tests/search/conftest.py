import pytest

from ruche.search.services import search_rebuild


@pytest.fixture
def rebuild(db):
    """Index what fixtures wrote straight into the database (services index on their own)."""
    return lambda: search_rebuild()
