import pytest

from ruche.accounts.models import Skill
from ruche.communities.models import Community
from ruche.posts.services import post_create
from ruche.qa.services import answer_accept, question_ask

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_groups_kinds_and_marks_the_words(api_as, alice, bruno):
    question = question_ask(author=alice, body="Qui connaît le réseau <b>pneumatique</b> ?")
    answer = post_create(author=bruno, body="Le réseau pneumatique est documenté", parent=question)
    response = api_as(bruno).get("/search/", q="reseau")
    assert response.status_code == 200
    groups = {g["kind"]: g for g in response.json()["groups"]}
    assert [h["id"] for h in groups["question"]["hits"]] == [question.pk]
    assert [h["id"] for h in groups["reply"]["hits"]] == [answer.pk]
    snippet = groups["question"]["hits"][0]["snippet_html"]
    assert "<mark>réseau</mark>" in snippet and "&lt;b&gt;" in snippet  # what people wrote stays text
    only = api_as(bruno).get("/search/", q="reseau", kind="reply").json()["groups"]
    assert [g["kind"] for g in only] == ["reply"]


@pytest.mark.parametrize("query", ["", "   ", "x" * 1001])
def test_empty_or_too_long_queries_are_a_clear_400_or_422(api_as, alice, query):
    response = api_as(alice).get("/search/", q=query)
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "q" and response.json()["detail"]


@pytest.mark.parametrize("query", ['"', "NEAR(a b)", "a AND OR b", "*", "'; DROP TABLE posts_post; --"])
def test_operators_are_just_words(api_as, alice, query):
    post_create(author=alice, body="Rien à voir")
    assert api_as(alice).get("/search/", q=query).status_code in (200, 400)


def test_a_private_communitys_post_is_never_found_by_outsiders(
    api_as, make_community, make_user, alice, bruno
):
    outsider = make_user("Oscar", "Outsider")
    private = make_community(
        "Projet X", visibility=Community.Visibility.PRIVATE, owner=alice, members=[bruno]
    )
    post_create(author=alice, body="Prototype confidentiel", communities=[private])
    assert api_as(outsider).get("/search/", q="prototype").json()["groups"] == []
    assert api_as(bruno).get("/search/", q="prototype").json()["groups"][0]["kind"] == "post"


def test_experts_with_why(api_as, alice, bruno, make_user):
    bruno.profile.skills.add(Skill.objects.create(name="Hydraulique"))
    carla = make_user("Carla", "Test")
    question = question_ask(author=alice, body="Le circuit hydraulique fuit ?")
    answer_accept(
        by=alice, answer=post_create(author=carla, body="Changer le joint hydraulique", parent=question)
    )
    experts = api_as(alice).get("/search/experts", topic="hydraulique").json()
    by_handle = {e["person"]["handle"]: e for e in experts}
    assert by_handle[bruno.handle]["skills"] == ["Hydraulique"]
    assert by_handle[carla.handle]["accepted_answers"] == 1 and by_handle[carla.handle]["replies"] == 1
    assert alice.handle not in by_handle  # asking about it does not make one an expert

    assert api_as(alice).get("/search/experts", topic="").status_code == 400


def test_anonymous_callers_are_refused(anonymous_api):
    assert anonymous_api.get("/search/", q="reseau").status_code == 401
