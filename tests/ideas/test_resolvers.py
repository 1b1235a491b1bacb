"""Handles and workflow stages typed in the innovation pages and API go through `ruche.resolvers`:
an unknown one is a translated error naming the field (a form error, an API 400), never a 404."""

import pytest
from django.urls import reverse

from ruche import resolvers
from ruche.ideas.models import Idea
from tests.fixtures.api import Api
from tests.fixtures.ideas import stage


@pytest.fixture
def api_as(client):
    from ruche.api.services import api_token_create

    return lambda user, **kw: Api(client, api_token_create(user=user, name="script")[1], **kw)


def test_stage_by_id_or_name_and_only_of_its_workflow(campaign, make_campaign):
    shortlisted = stage(campaign, "Shortlisted")
    assert resolvers.stage(campaign.workflow_id, str(shortlisted.pk), field="stage") == shortlisted
    assert resolvers.stage(campaign.workflow_id, "shortlisted", field="stage") == shortlisted
    for key in ("Nowhere", "0", "9" * 30):
        with pytest.raises(resolvers.ValidationError) as refused:
            resolvers.stage(campaign.workflow_id, key, field="stage")
        assert list(refused.value.message_dict) == ["stage"]


def test_api_unknown_stage_is_a_400_naming_stage(api_as, campaign, idea, manager):
    manager.language = "fr"  # the API speaks the caller's language
    manager.save(update_fields=["language"])
    api = api_as(manager)
    for path, call in (
        (f"/ideas/{idea.pk}/moves", lambda p: api.post(p, {"stage": 999_999, "rationale": "x"})),
        (f"/ideas/{idea.pk}/moves", lambda p: api.post(p, {"stage": "Nulle part"})),
        (f"/ideas/campaigns/{campaign.pk}/ideas", lambda p: api._call("get", p, stage="Nulle part")),
    ):
        response = call(path)
        assert response.status_code == 400, response.content
        assert response.json() == {
            "detail": "Le circuit de cette campagne n'a pas cette étape.",
            "field": "stage",
        }
    idea.refresh_from_db()
    assert idea.stage.name == "Submitted"


def test_api_moves_by_stage_name(api_as, campaign, idea, manager):
    moved = api_as(manager).post(f"/ideas/{idea.pk}/moves", {"stage": "Shortlisted"})
    assert moved.status_code == 201 and moved.json()["target"]["name"] == "Shortlisted"
    listed = api_as(manager).get(f"/ideas/campaigns/{campaign.pk}/ideas", stage="Shortlisted").json()
    assert [i["id"] for i in listed["items"]] == [idea.pk]


def test_html_unknown_stage_is_a_form_error(client, campaign, idea, manager):
    client.force_login(manager)
    response = client.post(reverse("ideas:move", args=[idea.pk]), {"stage": "999999", "rationale": "x"})
    assert response.status_code == 400
    assert "This campaign&#x27;s workflow has no such stage." in response.content.decode()
    listing = client.get(reverse("ideas:campaign", args=[campaign.pk]), {"stage": "Nowhere"})
    assert listing.status_code == 400
    assert "This campaign&#x27;s workflow has no such stage." in listing.content.decode()
    idea.refresh_from_db()
    assert idea.stage.name == "Submitted"


def test_unknown_handles_api_and_html(api_as, client, campaign, author, idea, manager):
    refused = api_as(author).post(
        f"/ideas/campaigns/{campaign.pk}/ideas",
        {"title": "Covoiturage", "description": "Une appli", "coauthors": ["@nobody.here"]},
    )
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Nobody answers to: nobody.here.", "field": "coauthors"}
    reviewer = api_as(manager).post(f"/ideas/{idea.pk}/reviewers", {"reviewer": "nobody.here"})
    assert reviewer.status_code == 400 and reviewer.json()["field"] == "reviewer"
    client.force_login(author)
    form = client.post(
        reverse("ideas:submit", args=[campaign.pk]),
        {"title": "Covoiturage", "description": "Une appli", "coauthors": "@nobody.here"},
    )
    assert form.status_code == 400 and "Nobody answers to: nobody.here." in form.content.decode()
    assert Idea.objects.count() == 1
