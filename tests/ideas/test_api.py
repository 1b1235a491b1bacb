from ruche.ideas.models import Idea, Vote
from tests.fixtures.ideas import stage


def test_submit_vote_move_over_the_api(api_as, campaign, author, voter, manager):
    api = api_as(author)
    response = api.post(
        f"/ideas/campaigns/{campaign.pk}/ideas",
        {"title": "Covoiturage", "description": "Une appli **interne**", "tags": ["mobilité"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"]["name"] == "Submitted" and body["tags"] == ["mobilité"]
    idea_id = body["id"]
    assert [h["target"]["name"] for h in body["history"]] == ["Submitted"]

    voting = api_as(voter)
    assert voting.put(f"/ideas/{idea_id}/vote").json() == {"voted": True, "vote_count": 1}
    again = voting.put(f"/ideas/{idea_id}/vote")
    assert again.status_code == 400 and "already voted" in again.json()["detail"]
    listed = voting.get(f"/ideas/campaigns/{campaign.pk}/ideas", order="newest").json()
    assert listed["items"][0]["voted"] is True

    managing = api_as(manager)
    rejected = stage(campaign, "Rejected")
    refused = managing.post(f"/ideas/{idea_id}/moves", {"stage": rejected.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "rationale"
    moved = managing.post(f"/ideas/{idea_id}/moves", {"stage": rejected.pk, "rationale": "Déjà fait"})
    assert moved.status_code == 201 and moved.json()["target"]["name"] == "Rejected"
    assert api.post(f"/ideas/{idea_id}/moves", {"stage": rejected.pk}).status_code == 403


def test_bad_input_names_the_field(api_as, campaign, author):
    response = api_as(author).post(
        f"/ideas/campaigns/{campaign.pk}/ideas",
        {"title": "  ", "description": "x", "coauthors": ["personne"]},
    )
    assert response.status_code == 400 and response.json()["field"] in {"title", "coauthors"}
    assert not Idea.objects.exists()


def test_outsider_gets_404(api_as, campaign, idea, outsider):
    api = api_as(outsider)
    assert api.get(f"/ideas/campaigns/{campaign.pk}").status_code == 404
    assert api.get(f"/ideas/{idea.pk}").status_code == 404
    assert api.put(f"/ideas/{idea.pk}/vote").status_code == 404
    assert api.get("/ideas/campaigns").json() == {"items": []}
    assert not Vote.objects.exists()


def test_results_and_detail(api_as, campaign, idea, voter, django_assert_max_num_queries):
    api = api_as(voter)
    detail = api.get(f"/ideas/campaigns/{campaign.pk}").json()
    assert detail["can_submit"] and [s["ideas"] for s in detail["stages"]][0] == 1
    results = api.get(f"/ideas/campaigns/{campaign.pk}/results").json()
    assert results["population"] == 2 and results["ideas"] == 1 and results["top"][0]["id"] == idea.pk
