from ruche.ideas import selectors, services
from ruche.ideas.models import CoAuthor
from tests.fixtures.ideas import stage


def test_results_participation_funnel_and_decisions(campaign, author, voter, person, rnd, manager):
    first = services.idea_submit(campaign=campaign, author=author, title="Une", description="x")
    services.idea_submit(campaign=campaign, author=author, title="Deux", description="x")
    third = services.idea_submit(campaign=campaign, author=voter, title="Trois", description="x")
    CoAuthor.objects.create(idea=third, user=author, status=CoAuthor.Status.ACCEPTED)  # counted once
    quiet = person("Quentin", rnd)
    services.idea_vote(idea=first, user=voter)
    services.idea_vote(idea=third, user=voter)
    services.idea_vote(idea=third, user=quiet)
    services.idea_move(idea=first, stage=stage(campaign, "Rejected"), by=manager, rationale="Non")
    r = selectors.results(campaign)
    assert (r.population, r.contributors, r.voters, r.votes, r.ideas) == (3, 2, 2, 3, 3)
    assert r.contributor_share == 67 and r.voter_share == 67
    funnel = {s.name: (n, width) for s, n, width, _x in r.funnel}
    assert funnel["Submitted"] == (2, 100) and funnel["Rejected"] == (1, 50) and funnel["Approved"] == (0, 0)
    assert [i.title for i in r.top] == ["Trois", "Une", "Deux"]
    assert [(d.idea.title, d.rationale) for d in r.decisions] == [("Une", "Non")]


def test_similar_ideas_share_words_within_the_campaign(make_campaign, campaign, author):
    services.idea_submit(
        campaign=campaign, author=author, title="Récupérer la chaleur des fours", description="x"
    )
    services.idea_submit(campaign=campaign, author=author, title="Un parking à vélos", description="x")
    other = make_campaign(title="Autre")
    services.idea_submit(campaign=other, author=author, title="Chaleur perdue ailleurs", description="x")
    found = selectors.similar_ideas(author, campaign, "chaleur perdue des compresseurs")
    assert [i.title for i in found] == ["Récupérer la chaleur des fours"]
    assert selectors.similar_ideas(author, campaign, "de la") == []
