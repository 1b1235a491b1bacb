"""Handles and communities typed in a form or an API body go through `ruche.resolvers`: unknown (or
secret to the caller) is a translated error naming the field, a 400 in the API and a form error on
the page; never a 404 or a 500, and nothing changes."""

import pytest

from ruche import resolvers
from ruche.communities.models import Community


@pytest.fixture
def secret(make_community, bruno):
    return make_community("Projet X", visibility=Community.Visibility.SECRET, members=[bruno])


def test_community_by_slug_or_id_and_secret_is_unknown(alice, bruno, secret):
    assert resolvers.community(bruno, "projet-x", field="community")[0] == secret
    assert resolvers.community(bruno, str(secret.pk), field="community")[0] == secret
    for key in ("projet-x", str(secret.pk), "nowhere", "9" * 30):
        with pytest.raises(resolvers.ValidationError) as refused:
            resolvers.community(alice, key, field="community")
        assert refused.value.message_dict == {"community": [f"No community answers to “{key}”."]}


def test_people_by_handle_in_order_once(alice, bruno):
    handles = [f"@{bruno.handle.upper()}", alice.handle, bruno.handle]
    assert resolvers.people(handles, field="people") == [bruno, alice]
    with pytest.raises(resolvers.ValidationError) as refused:
        resolvers.person("@", field="manager")
    assert list(refused.value.message_dict) == ["manager"]


def test_questions_unknown_community_api_400_and_page_error(api_as, client, alice, secret):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    response = api_as(alice).get("/questions/", community="nowhere")
    assert response.status_code == 400
    assert response.json() == {"detail": "Aucune communauté ne répond à « nowhere ».", "field": "community"}
    client.force_login(alice)
    for key in ("nowhere", "projet-x"):
        page = client.get("/questions/", {"community": key})
        assert page.status_code == 400
        assert "Aucune communauté ne répond à" in page.content.decode()
        assert "Projet X" not in page.content.decode()


def test_questions_by_community_id(api_as, bruno, secret):
    assert api_as(bruno).get("/questions/", community=str(secret.pk)).status_code == 200


def test_unknown_manager_or_invited_person_is_a_400(api_as, alice, make_community):
    api = api_as(alice)
    refused = api.patch(f"/people/{alice.handle}", {"manager": "nobody.here", "job_title": "Cheffe"})
    assert refused.status_code == 400 and refused.json()["field"] == "manager"
    alice.profile.refresh_from_db()
    assert alice.profile.job_title == ""
    make_community("Qualité", owner=alice)
    invited = api.post("/communities/qualite/invitations", {"person": "@nobody.here"})
    assert invited.status_code == 400 and invited.json()["field"] == "person"
