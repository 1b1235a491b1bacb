import pytest

from ruche.accounts.models import Department, Profile, Site
from tests.api.conftest import api_as, queries_of, token_of  # noqa: F401
from tests.communities.conftest import add_member, governance, make_community  # noqa: F401


@pytest.fixture
def announcer(make_user):
    return make_user("Claire", "Comms", is_announcer=True)


@pytest.fixture
def org(db):
    """Two departments and two sites."""
    return {
        "sales": Department.objects.create(name="Ventes"),
        "rd": Department.objects.create(name="R&D"),
        "lyon": Site.objects.create(name="Lyon"),
        "nantes": Site.objects.create(name="Nantes"),
    }


@pytest.fixture
def place(db):
    """place(user, department=..., site=...): set someone's department and site."""

    def do(user, department=None, site=None):
        Profile.objects.filter(user=user).update(department=department, site=site)
        return user

    return do
