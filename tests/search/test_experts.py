import pytest

from ruche.accounts.services import profile_update, user_deactivate
from ruche.communities.models import Community
from ruche.posts.services import post_create
from ruche.qa.services import answer_accept, question_ask
from ruche.search.selectors import (
    ACCEPTED_ANSWER_WEIGHT,
    POST_WEIGHT,
    REPLY_WEIGHT,
    SKILL_WEIGHT,
    experts_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user, make_community, side_effects):
    people = {name: make_user(name, "Expert") for name in ("Sam", "Rita", "Paul", "Vera", "Zoe")}
    private = make_community("Labo", visibility=Community.Visibility.PRIVATE, owner=people["Vera"])
    with side_effects():
        profile_update(profile=people["Sam"].profile, by=people["Sam"], skills=["Hydraulique", "Pneumatique"])
        root = post_create(author=people["Paul"], body="Qui connaît l'hydraulique des presses ?")
        for i in range(3):
            post_create(author=people["Rita"], body=f"Réponse hydraulique {i}", parent=root)
        post_create(author=people["Rita"], body="Mon guide hydraulique")
        for i in range(5):  # in a private community: counts only for those who can read it
            post_create(author=people["Vera"], body=f"Essai hydraulique {i}", communities=[private])
    return people


def test_ranks_skills_then_what_people_wrote(team, bruno):
    experts = experts_for(viewer=bruno, topic="hydraulique", limit=5)
    assert [e.person.first_name for e in experts] == ["Rita", "Sam", "Paul"]
    rita, sam, paul = experts
    assert (
        rita.score == 3 * REPLY_WEIGHT + POST_WEIGHT and rita.explanation == "3 replies, 1 post on the topic"
    )
    assert sam.score == SKILL_WEIGHT and sam.explanation == "1 skill on the topic"
    assert [s.name for s in sam.skills] == ["Hydraulique"]
    assert paul.explanation == "1 post on the topic"


def test_content_counts_only_what_the_viewer_can_read(team, bruno):
    vera = team["Vera"]
    [seen] = [e for e in experts_for(viewer=vera, topic="hydraulique", limit=5) if e.person == vera]
    assert seen.posts == 5 and seen.explanation == "5 posts on the topic"
    assert vera not in [e.person for e in experts_for(viewer=bruno, topic="hydraulique", limit=5)]


def test_accents_limit_exclude_and_former_colleagues(team, bruno, admin, side_effects):
    assert [e.person.first_name for e in experts_for(viewer=bruno, topic="HYDRAULIQUE", limit=1)] == ["Rita"]
    excluded = experts_for(viewer=bruno, topic="hydraulique", limit=5, exclude=[team["Rita"]])
    assert "Rita" not in [e.person.first_name for e in excluded]
    with side_effects():
        user_deactivate(user=team["Sam"], by=admin)
    assert "Sam" not in [e.person.first_name for e in experts_for(viewer=bruno, topic="hydraulique")]


@pytest.mark.parametrize("topic", ["", '"', "x" * 10_000, "NEAR AND *"])
def test_bad_topics_are_harmless(team, bruno, topic):
    assert isinstance(experts_for(viewer=bruno, topic=topic), list)


def test_accepted_answers_count_for_who_gave_them(team, bruno, side_effects):
    zoe, paul = team["Zoe"], team["Paul"]
    with side_effects():
        for machine in ("presse", "plieuse"):
            question = question_ask(author=paul, body=f"Pourquoi la {machine} perd-elle son huile ?")
            answer = post_create(author=zoe, body="Le joint hydraulique est usé.", parent=question)
            answer_accept(by=paul, answer=answer)
        post_create(author=zoe, body="Et un avis hydraulique non retenu.", parent=question)
    [expert] = [e for e in experts_for(viewer=bruno, topic="hydraulique") if e.person == zoe]
    assert (expert.accepted_answers, expert.replies) == (2, 3)
    assert expert.score == 2 * ACCEPTED_ANSWER_WEIGHT + 3 * REPLY_WEIGHT
    assert expert.explanation == "2 accepted answers, 3 replies on the topic"


def test_query_count_is_fixed(team, bruno, django_assert_max_num_queries):
    from django.db import connection

    pg = 8 if connection.vendor == "postgresql" else 0  # SAVEPOINT, SET, RESET, RELEASE per kind
    with django_assert_max_num_queries(8 + pg):
        experts_for(viewer=bruno, topic="hydraulique", limit=10)
