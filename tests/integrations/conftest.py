import pytest

from ruche.communities.models import Community
from ruche.integrations.services import integration_create


@pytest.fixture
def owner(make_user):
    return make_user("Olivia", "Owner")


@pytest.fixture
def community(make_community, owner, alice):
    return make_community("Usine", owner=owner, members=[alice])


@pytest.fixture
def hook(community, owner):
    """An integration of the community, and its secret."""
    return integration_create(community=community, by=owner, name="CI Jenkins")


@pytest.fixture
def post_to(client):
    """POST `body` to the hook, the secret in the path (or in `headers`)."""

    def send(made, body, content_type="text/markdown", *, secret=None, in_path=True, **headers):
        secret = made.secret if secret is None else secret
        public = made.integration.public_id
        path = f"/hooks/in/{public}/{secret}/" if in_path else f"/hooks/in/{public}/"
        return client.post(path, body, content_type=content_type, headers=headers)

    return send


@pytest.fixture
def private_community(make_community, owner, alice):
    return make_community("Comité", owner=owner, members=[alice], visibility=Community.Visibility.PRIVATE)


@pytest.fixture(autouse=True)
def _english(english_company):
    """Refusals are answered in the company's language: English here, as the tests read them."""
