import pytest
from django.urls import reverse

from ruche.ideas import services
from ruche.ideas.models import Idea, Vote
from tests.fixtures.ideas import stage

# Today's counts, whatever the number of ideas or comments: lower them when a query goes away.
CAMPAIGN_QUERIES = 11
IDEA_QUERIES = 23
RESULTS_QUERIES = 15


def test_pages_render(client, campaign, idea, manager, reviewer, author, voter, side_effects):
    services.idea_move(idea=idea, stage=stage(campaign, "Shortlisted"), by=manager)
    services.review_assign(idea=idea, reviewer=reviewer, by=manager)
    for user in (manager, reviewer, author, voter):
        client.force_login(user)
        for url in (
            reverse("ideas:campaigns"),
            campaign.get_absolute_url(),
            idea.get_absolute_url(),
            reverse("ideas:results", args=[campaign.pk]),
        ):
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(manager)
    assert client.get(reverse("ideas:committee", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("ideas:campaign_new")).status_code == 200
    assert client.get(reverse("ideas:campaign_edit", args=[campaign.pk])).status_code == 200


def test_outsider_gets_404_everywhere(client, campaign, idea, outsider):
    client.force_login(outsider)
    for url in (
        campaign.get_absolute_url(),
        idea.get_absolute_url(),
        reverse("ideas:results", args=[campaign.pk]),
        reverse("ideas:committee", args=[campaign.pk]),
        reverse("ideas:export", args=[campaign.pk]),
        reverse("posts:detail", args=[idea.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("ideas:vote", args=[idea.pk]), {"vote": "1"}).status_code == 404
    assert not Vote.objects.exists()
    assert campaign.title not in client.get(reverse("ideas:campaigns")).content.decode()


def test_submit_vote_and_bad_input(client, campaign, author, voter):
    client.force_login(author)
    response = client.post(
        reverse("ideas:submit", args=[campaign.pk]), {"title": "", "description": "Mon texte à garder"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mon texte à garder" in page and "This field is required" in page
    response = client.post(
        reverse("ideas:submit", args=[campaign.pk]),
        {"title": "Des vélos", "description": "Pour les trajets", "tags": "mobilité"},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response.url == idea.get_absolute_url()
    client.force_login(voter)
    client.post(reverse("ideas:vote", args=[idea.pk]), {"vote": "1"})
    response = client.post(reverse("ideas:vote", args=[idea.pk]), {"vote": "1"}, follow=True)
    assert "already voted" in response.content.decode()
    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_decision_without_rationale_keeps_the_form(client, idea, manager):
    idea.stage = stage(idea.campaign, "Under review")
    idea.save()
    client.force_login(manager)
    approved = stage(idea.campaign, "Approved")
    response = client.post(reverse("ideas:move", args=[idea.pk]), {"stage": approved.pk, "rationale": ""})
    assert response.status_code == 400 and "is a decision" in response.content.decode()
    idea.refresh_from_db()
    assert idea.stage.name == "Under review"
    response = client.post(
        reverse("ideas:move", args=[idea.pk]), {"stage": approved.pk, "rationale": "Rentable"}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.stage == approved


def test_similar_ideas_while_typing(client, campaign, idea, voter):
    client.force_login(voter)
    response = client.get(reverse("ideas:similar", args=[campaign.pk]), {"title": "copeaux d'aluminium"})
    assert idea.title in response.content.decode()
    response = client.get(reverse("ideas:similar", args=[campaign.pk]), {"title": "parking"})
    assert idea.title not in response.content.decode()


def test_export_csv_for_managers_only(client, campaign, idea, manager, voter):
    client.force_login(voter)
    assert client.get(reverse("ideas:export", args=[campaign.pk])).status_code == 403
    client.force_login(manager)
    response = client.get(reverse("ideas:export", args=[campaign.pk]))
    body = b"".join(response.streaming_content).decode()
    header, row = body.splitlines()[:2]
    assert (
        header.startswith("\ufeffid,title,author,stage,votes") and "Impact" in header
    )  # BOM: Excel reads UTF-8
    assert row.startswith(f"{idea.pk},Trier les copeaux,Rémi Test,Submitted,0")
    Idea.objects.filter(pk=idea.pk).update(title='=HYPERLINK("http://x")')
    body = b"".join(client.get(reverse("ideas:export", args=[campaign.pk])).streaming_content).decode()
    assert body.splitlines()[1].startswith(f'{idea.pk},"\'=HYPERLINK(""http://x"")"')  # text, not a formula


def test_home_shows_open_challenges_to_the_population(client, campaign, voter, outsider):
    client.force_login(voter)
    assert campaign.title in client.get("/").content.decode()
    client.force_login(outsider)
    assert campaign.title not in client.get("/").content.decode()


@pytest.mark.parametrize("n", [3, 12])
@pytest.mark.parametrize(("order", "extra"), [("votes", 0), ("newest", 0), ("trending", 2)])
def test_campaign_page_query_count(
    client, campaign, author, voter, django_assert_max_num_queries, n, order, extra
):
    """Trending reads its cached ranking, then the page: two queries more."""
    for i in range(n):
        idea = services.idea_submit(campaign=campaign, author=author, title=f"Idée {i}", description="Texte")
        services.idea_vote(idea=idea, user=voter)
    client.force_login(voter)
    url = campaign.get_absolute_url() + f"?order={order}"
    client.get(url)
    with django_assert_max_num_queries(CAMPAIGN_QUERIES + extra):
        response = client.get(url)
    assert len(response.context["page"].items) == n


def test_trending_puts_recent_votes_first(campaign, author, voter, person, rnd):
    import datetime

    from django.utils import timezone

    from ruche.ideas import selectors
    from ruche.ideas.models import Vote

    old, recent, none = (
        services.idea_submit(campaign=campaign, author=author, title=t, description="Texte")
        for t in ("Ancienne", "Récente", "Sans vote")
    )
    for user in (voter, person("Xavier", rnd), person("Yves", rnd)):
        services.idea_vote(idea=old, user=user)
    services.idea_vote(idea=recent, user=voter)
    Vote.objects.filter(idea=old).update(created=timezone.now() - datetime.timedelta(days=30))
    page = selectors.campaign_ideas(voter, campaign, order="trending")
    assert [i.title for i in page] == ["Récente", "Ancienne", "Sans vote"]


@pytest.mark.parametrize("n", [2, 8])
def test_idea_page_and_results_query_count(
    client, campaign, author, voter, person, rnd, django_assert_max_num_queries, n
):
    idea = services.idea_submit(campaign=campaign, author=author, title="Idée", description="Texte")
    from ruche.posts.services import post_create

    for i in range(n):
        post_create(author=person(f"P{i}", rnd), body=f"Commentaire {i}", parent=idea.post)
    client.force_login(voter)
    client.get(idea.get_absolute_url())
    with django_assert_max_num_queries(IDEA_QUERIES):
        response = client.get(idea.get_absolute_url())
    assert response.content.decode().count("Commentaire") == n
    with django_assert_max_num_queries(RESULTS_QUERIES):
        client.get(reverse("ideas:results", args=[campaign.pk]))


def test_refusals_and_stages_in_french(client, idea, manager):
    from tests.core.i18n import in_french

    manager.language = "fr"
    manager.save()
    idea.stage = stage(idea.campaign, "Under review")
    idea.save()
    client.force_login(manager)
    approved = stage(idea.campaign, "Approved")
    response = client.post(
        reverse("ideas:move", args=[idea.pk]), {"stage": approved.pk}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    page = response.content.decode()
    assert in_french("“%(stage)s” is a decision: explain it.", stage=in_french("Approved")) in page
    assert in_french("History") in page and in_french("Under review") in page


def test_create_a_campaign_with_another_workflow(client, manager, rnd, admin):
    from ruche.ideas.models import Campaign

    other = services.workflow_create(by=admin, name="Circuit court")
    client.force_login(manager)
    assert "Circuit court" in client.get(reverse("ideas:campaign_new")).content.decode()
    response = client.post(
        reverse("ideas:campaign_new"),
        {
            "title": "Défi",
            "brief": "Texte",
            "starts_at": "2026-01-01T09:00",
            "ends_at": "2026-02-01T09:00",
            "departments": [rnd.pk],
            "audience": "population",
            "workflow": other.pk,
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.workflow == other and campaign.opened_at is None
    page = client.get(reverse("ideas:campaign_edit", args=[campaign.pk])).content.decode()
    assert 'name="workflow"' not in page


def test_a_refused_review_keeps_the_scores_chosen_and_a_saved_one_shows_them(
    client, campaign, idea, manager, reviewer
):
    import re

    services.idea_move(idea=idea, stage=stage(campaign, "Shortlisted"), by=manager)
    services.review_assign(idea=idea, reviewer=reviewer, by=manager)
    first, *others = list(campaign.criteria.all())
    client.force_login(reviewer)
    url = reverse("ideas:review", args=[idea.pk])
    response = client.post(url, {f"score_{first.pk}": "4", "comment": "Prometteur"})  # one score missing
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf'name="score_{first.pk}" value="4" required checked', page) and "Prometteur" in page
    assert not re.search(rf'name="score_{others[0].pk}" value="\d" required checked', page)
    scores = {f"score_{c.pk}": "3" for c in others}
    assert client.post(url, {f"score_{first.pk}": "4", **scores, "comment": "OK"}).status_code == 302
    page = client.get(idea.get_absolute_url()).content.decode()
    assert re.search(rf'name="score_{first.pk}" value="4" required checked', page)
    assert re.search(rf'name="score_{others[0].pk}" value="3" required checked', page)
