import pytest

from ruche.accounts.models import Skill
from ruche.communities.models import Community
from ruche.posts.services import post_create
from ruche.qa import selectors, services
from ruche.qa.models import ExpertRequest

pytestmark = pytest.mark.django_db(transaction=True)


def test_topics_are_hashtags_then_meaningful_words(alice):
    question = services.question_ask(
        author=alice, body="Comment purger le circuit de la presse #Hydraulique ?"
    )
    assert selectors.question_topics(question) == ["hydraulique", "circuit", "purger", "presse"]


def test_experts_know_the_subject_can_read_it_and_are_not_the_asker(make_community, make_user, alice, bruno):
    carla, dan = make_user("Carla", "Test"), make_user("Dan", "Test")
    bruno.profile.skills.add(Skill.objects.create(name="Hydraulique"))
    dan.profile.skills.add(Skill.objects.get(name="Hydraulique"))
    alice.profile.skills.add(Skill.objects.get(name="Hydraulique"))
    post_create(author=carla, body="Retour d'expérience : le circuit hydraulique de la presse 3")
    question = services.question_ask(author=alice, body="Qui sait purger un circuit #hydraulique ?")
    experts = selectors.suggested_experts(alice, question)
    assert {e.person for e in experts} == {bruno, dan, carla}
    assert experts[-1].person == carla  # wrote about it, declared nothing: last
    assert "skill" in experts[0].explanation

    # Asked once: no longer suggested, listed as asked instead.
    services.question_ask_experts(by=alice, question=question, experts=[bruno])
    assert bruno not in {e.person for e in selectors.suggested_experts(alice, question)}
    assert ExpertRequest.objects.filter(expert=bruno).exists()

    # In a private community, only its members are suggested.
    private = make_community("Projet X", visibility=Community.Visibility.PRIVATE, owner=alice, members=[dan])
    secret_q = services.question_ask(
        author=alice, body="Circuit #hydraulique du prototype ?", communities=[private]
    )
    assert {e.person for e in selectors.suggested_experts(alice, secret_q)} == {dan}


def test_accepted_answers_of_a_person_only_what_the_viewer_may_read(make_community, make_user, alice, bruno):
    outsider = make_user("Oscar", "Outsider")
    private = make_community(
        "Projet X", visibility=Community.Visibility.PRIVATE, owner=alice, members=[bruno]
    )
    public_q = services.question_ask(author=alice, body="Question publique ?")
    private_q = services.question_ask(author=alice, body="Question privée ?", communities=[private])
    for q in (public_q, private_q):
        services.answer_accept(by=alice, answer=post_create(author=bruno, body="Réponse", parent=q))
    assert [a.parent for a in selectors.accepted_answers_of(alice, bruno)] == [private_q, public_q]
    assert [a.parent for a in selectors.accepted_answers_of(outsider, bruno)] == [public_q]


def test_answer_times(alice, bruno):
    question = services.question_ask(author=alice, body="Question ?")
    post_create(author=bruno, body="Réponse", parent=question)
    times = selectors.answer_times(alice)
    assert times["asked"] == 1 and times["answered"] == 1 and times["resolved"] == 0
    assert times["hours_to_first_answer"] is not None and times["hours_to_accepted"] is None
