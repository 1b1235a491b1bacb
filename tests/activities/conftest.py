import pytest

from ruche.activities.models import Activity
from ruche.communities.models import Community

Visibility = Community.Visibility


@pytest.fixture
def recorded():
    """The activities recorded so far, oldest first, as (type, actor, object kind, object id)."""

    def rows():
        return [(a.type, a.actor_id, a.object_kind, a.object_id) for a in Activity.objects.order_by("pk")]

    return rows


@pytest.fixture
def secret(make_community, make_user):
    owner = make_user("Sophie", "Secret")
    return make_community("Projet X", visibility=Visibility.SECRET, owner=owner)


@pytest.fixture
def private(make_community, make_user):
    owner = make_user("Paul", "Private")
    return make_community("Direction", visibility=Visibility.PRIVATE, owner=owner)
