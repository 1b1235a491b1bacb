"""Questions through the API: lists by state, asking, votes, the accepted answer, experts."""

import pytest

from ruche.communities.models import Community, Placement
from ruche.posts.models import Post
from ruche.posts.services import post_create
from ruche.qa.models import AnswerVote, ExpertRequest, Question
from ruche.qa.services import answer_accept, question_ask

pytestmark = pytest.mark.django_db

LIST_QUERIES = 12


@pytest.fixture
def question(alice):
    return question_ask(author=alice, body="Comment régler la presse hydraulique ?")


@pytest.fixture
def answer(question, bruno):
    return post_create(author=bruno, body="Purger le circuit.", parent=question)


def test_ask_a_question(alice, api_as, make_community):
    atelier = make_community("Atelier", members=[alice])
    response = api_as(alice).post(
        "/questions/", {"body": "Qui connaît la presse 2 ?", "communities": [atelier.pk]}
    )
    assert response.status_code == 201
    data = response.json()
    assert data["question"]["state"] == "unanswered" and data["communities"][0]["slug"] == "atelier"
    assert Question.objects.filter(pk=data["id"]).exists()


def test_an_empty_question_writes_nothing(alice, api_as):
    response = api_as(alice).post("/questions/", {"body": ""})
    assert response.status_code == 400 and response.json()["field"] == "body"
    assert not Post.objects.exists() and not Question.objects.exists()


def test_questions_by_state(alice, bruno, question, api_as):
    answered = question_ask(author=alice, body="Où est le classeur ?")
    reply = post_create(author=bruno, body="Armoire B.", parent=answered)
    resolved = question_ask(author=alice, body="Quel est le code du portail ?")
    solution = post_create(author=bruno, body="1234", parent=resolved)
    answer_accept(by=alice, answer=solution)
    api = api_as(bruno)

    def ids(state):
        return [p["id"] for p in api.get("/questions/", state=state).json()["items"]]

    assert ids("unanswered") == [question.pk]
    assert ids("open") == [answered.pk]
    assert ids("resolved") == [resolved.pk]
    assert ids("all") == [resolved.pk, answered.pk, question.pk]
    assert api.get("/questions/").json()["items"][0]["id"] == question.pk  # unanswered by default
    data = api.get(f"/posts/{resolved.pk}").json()
    assert data["question"]["accepted_answer_id"] == solution.pk
    assert data["replies"][0]["is_accepted"] is True
    assert reply.pk
    response = api.get("/questions/", state="closed")
    assert response.status_code == 422 and response.json()["field"] == "state"


def test_a_private_communitys_questions_never_reach_outsiders(alice, bruno, make_community, api_as):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[bruno])
    secret = make_community("Projet X", visibility=Community.Visibility.SECRET, members=[bruno])
    hidden = question_ask(author=bruno, body="Budget ?", communities=[private])
    question_ask(author=bruno, body="Secret ?", communities=[secret])
    api = api_as(alice)
    assert api.get("/questions/", state="all").json()["items"] == []
    assert api.get("/questions/", community="direction").status_code == 403
    # A secret community is as unknown as a made-up one: the same 400, naming the field.
    secret_answer = api.get("/questions/", community="projet-x")
    assert secret_answer.status_code == 400 and secret_answer.json()["field"] == "community"
    made_up = api.get("/questions/", community="made-up").json()["detail"]
    assert secret_answer.json()["detail"] == made_up.replace("made-up", "projet-x")
    member = api_as(bruno).get("/questions/", community="direction").json()["items"]
    assert [p["id"] for p in member] == [hidden.pk]


def test_questions_query_count_does_not_grow(alice, bruno, make_community, api_as, queries_of):
    atelier = make_community("Atelier", members=[alice, bruno])

    def ask(n):
        for i in range(n):
            q = question_ask(author=bruno, body=f"Question {i} ?", communities=[atelier])
            for j in range(4):
                post_create(author=alice, body=f"Réponse {j}", parent=q)

    api = api_as(alice)
    ask(5)
    few, response = queries_of(lambda: api.get("/questions/", state="open", community="atelier", limit=5))
    assert len(response.json()["items"]) == 5
    ask(15)
    many, response = queries_of(lambda: api.get("/questions/", state="open", community="atelier", limit=20))
    assert len(response.json()["items"]) == 20
    assert few == many <= LIST_QUERIES
    assert Placement.objects.count() == 20


def test_vote_and_unvote(alice, answer, api_as):
    api = api_as(alice)
    assert api.post(f"/questions/answers/{answer.pk}/vote").json() == {"voted": True, "vote_count": 1}
    again = api.post(f"/questions/answers/{answer.pk}/vote")
    assert again.status_code == 400 and again.json()["detail"]
    assert AnswerVote.objects.count() == 1
    assert api.delete(f"/questions/answers/{answer.pk}/vote").json() == {"voted": False, "vote_count": 0}
    assert api.delete(f"/questions/answers/{answer.pk}/vote").status_code == 400


def test_no_vote_on_ones_own_answer(bruno, answer, api_as):
    response = api_as(bruno).post(f"/questions/answers/{answer.pk}/vote")
    assert response.status_code == 400
    assert not AnswerVote.objects.exists()


def test_a_post_that_is_not_an_answer_is_a_404(alice, bruno, question, api_as):
    post = post_create(author=bruno, body="Rien à voir")
    assert api_as(alice).post(f"/questions/answers/{post.pk}/vote").status_code == 404
    assert api_as(alice).post(f"/questions/answers/{question.pk}/accept").status_code == 404
    assert api_as(alice).post(f"/questions/{post.pk}/experts", {"user_ids": [bruno.pk]}).status_code == 404


def test_accept_and_unaccept(alice, question, answer, api_as):
    api = api_as(alice)
    response = api.post(f"/questions/answers/{answer.pk}/accept")
    assert response.json() == {"question_id": question.pk, "accepted_answer_id": answer.pk}
    assert Question.objects.get(pk=question.pk).accepted_answer_id == answer.pk
    response = api.delete(f"/questions/answers/{answer.pk}/accept")
    assert response.json() == {"question_id": question.pk, "accepted_answer_id": None}


def test_only_the_asker_accepts(bruno, make_user, question, answer, api_as):
    before = Question.objects.get(pk=question.pk).accepted_answer_id
    response = api_as(make_user("Chloé", "Petit")).post(f"/questions/answers/{answer.pk}/accept")
    assert response.status_code == 403
    assert Question.objects.get(pk=question.pk).accepted_answer_id == before


def test_ask_experts(alice, bruno, question, make_user, api_as, side_effects):
    chloe = make_user("Chloé", "Petit")
    with side_effects():
        response = api_as(alice).post(f"/questions/{question.pk}/experts", {"user_ids": [bruno.pk, chloe.pk]})
    assert response.status_code == 200
    assert {p["handle"] for p in response.json()["asked"]} == {bruno.handle, chloe.handle}
    assert ExpertRequest.objects.count() == 2


@pytest.mark.parametrize("payload", [{"user_ids": []}, {"user_ids": [999999]}, {}, {"user_ids": ["x"]}])
def test_ask_experts_bad_input_names_the_field(alice, question, api_as, payload):
    response = api_as(alice).post(f"/questions/{question.pk}/experts", payload)
    assert response.status_code in {400, 422}
    assert response.json()["field"] == "user_ids"
    assert not ExpertRequest.objects.exists()


def test_only_the_asker_asks_experts(bruno, make_user, question, api_as):
    response = api_as(bruno).post(
        f"/questions/{question.pk}/experts", {"user_ids": [make_user("Chloé", "Petit").pk]}
    )
    assert response.status_code == 403
    assert not ExpertRequest.objects.exists()


def test_an_expert_who_cannot_read_the_question_is_refused(alice, bruno, make_community, make_user, api_as):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[alice])
    question = question_ask(author=alice, body="Budget ?", communities=[private])
    response = api_as(alice).post(f"/questions/{question.pk}/experts", {"user_ids": [bruno.pk]})
    assert response.status_code == 400 and response.json()["field"] == "user_ids"
    assert not ExpertRequest.objects.exists()
