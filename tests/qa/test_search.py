import pytest

from ruche.communities.models import Community
from ruche.posts.services import post_create
from ruche.qa import services
from ruche.search.selectors import Filters, search

pytestmark = pytest.mark.django_db(transaction=True)


def kinds_found(viewer, query, **filters):
    return {
        g.kind: [h.object.pk for h in g.hits]
        for g in search(viewer=viewer, query=query, filters=Filters(**filters)).groups
    }


def test_questions_are_found_as_questions_and_their_answers_as_replies(alice, bruno):
    question = services.question_ask(author=alice, body="Comment calibrer le réseau de capteurs ?")
    post = post_create(author=alice, body="Le réseau de capteurs est calibré")
    answer = post_create(author=bruno, body="Avec le banc d'étalonnage du réseau", parent=question)
    found = kinds_found(bruno, "reseau")
    assert found["question"] == [question.pk] and found["post"] == [post.pk] and found["reply"] == [answer.pk]
    assert kinds_found(bruno, "reseau", kind="question") == {"question": [question.pk]}


def test_a_private_communitys_question_is_never_found_by_outsiders(make_community, make_user, alice, bruno):
    outsider = make_user("Oscar", "Outsider")
    private = make_community(
        "Projet X", visibility=Community.Visibility.PRIVATE, owner=alice, members=[bruno]
    )
    services.question_ask(author=alice, body="Budget confidentiel du prototype ?", communities=[private])
    assert kinds_found(outsider, "prototype") == {}
    assert "question" in kinds_found(bruno, "prototype")


def test_an_edited_or_deleted_question_is_reindexed_in_the_questions_index(alice, bruno):
    from ruche.posts.services import post_delete, post_edit

    question = services.question_ask(author=alice, body="Qui connaît le tour numérique ?")
    post_edit(post=question, by=alice, body="Qui connaît la fraiseuse numérique ?")
    assert kinds_found(bruno, "fraiseuse") == {"question": [question.pk]}
    assert kinds_found(bruno, "tour") == {}
    post_delete(post=question, by=alice)
    assert kinds_found(bruno, "fraiseuse") == {}
