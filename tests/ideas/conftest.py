import datetime

import pytest
from django.utils import timezone

from ruche.accounts.models import Department, Site
from ruche.ideas import services
from ruche.ideas.models import InnovationManager, Stage
from tests.communities.conftest import add_member, governance, make_community  # noqa: F401


@pytest.fixture
def rnd(db):
    return Department.objects.create(name="R&D")


@pytest.fixture
def sales(db):
    return Department.objects.create(name="Sales")


@pytest.fixture
def person(make_user):
    """A colleague in a department (and a site)."""

    def make(first_name, department=None, site=None, **fields):
        user = make_user(first_name, "Test", **fields)
        user.profile.department, user.profile.site = department, site
        user.profile.save()
        return user

    return make


@pytest.fixture
def manager(person):
    user = person("Manon")
    InnovationManager.objects.create(user=user)
    return user


@pytest.fixture
def author(person, rnd):
    return person("Rémi", rnd)


@pytest.fixture
def voter(person, rnd):
    return person("Vera", rnd)


@pytest.fixture
def outsider(person, sales):
    return person("Sam", sales)


@pytest.fixture
def reviewer(person, sales):
    """On the committee, though not in the target population."""
    return person("Rita", sales)


@pytest.fixture
def make_campaign(manager, rnd, reviewer, side_effects):
    def make(*, open=True, by=None, departments=None, **fields):
        now = timezone.now()
        values = {
            "title": "Réduire nos déchets",
            "brief": "Comment réduire les déchets de **l'atelier** ?",
            "starts_at": now - datetime.timedelta(days=1),
            "ends_at": now + datetime.timedelta(days=10),
            "departments": [rnd] if departments is None else departments,
            "reviewers": [reviewer],
            **fields,
        }
        with side_effects():
            campaign = services.campaign_create(by=by or manager, **values)
            if open:
                campaign = services.campaign_open(campaign=campaign, by=by or manager)
        return campaign

    return make


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


@pytest.fixture
def idea(campaign, author):
    return services.idea_submit(
        campaign=campaign, author=author, title="Trier les copeaux", description="Un bac par **métal**."
    )


def stage(campaign, name) -> Stage:
    return campaign.workflow.stages.get(name=name)


@pytest.fixture
def site_lyon(db):
    return Site.objects.create(name="Lyon")
