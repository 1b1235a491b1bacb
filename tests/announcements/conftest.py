import pytest

from ruche.accounts.models import Department, Profile, Site


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
