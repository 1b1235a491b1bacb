import pytest

from ruche.communities.models import Community
from ruche.posts.models import Post
from ruche.posts.services import post_create
from ruche.qa import services
from ruche.qa.models import Question
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db


def test_asking_from_the_composer_leads_to_the_question(as_alice, alice):
    response = as_alice.post("/posts/new/", {"body": "Qui connaît la norme ISO 9001 ?", "kind": "question"})
    post = Post.objects.get()
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    assert Question.objects.filter(post=post).exists()
    page = as_alice.get(response.url).content.decode()
    assert "Awaiting an answer" in page and "Write an answer…" in page


def test_asking_with_htmx_navigates_to_the_question(as_alice):
    response = as_alice.post(
        "/posts/new/", {"body": "Une question ?", "kind": "question"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Redirect"] == Post.objects.get().get_absolute_url()


def test_an_empty_question_is_refused_and_nothing_is_created(as_alice):
    response = as_alice.post("/posts/new/", {"body": "  ", "kind": "question"})
    assert response.status_code == 400 and not Question.objects.exists() and not Post.objects.exists()


def test_question_lists_by_state(as_alice, alice, bruno):
    services.question_ask(author=bruno, body="Question sans réponse")
    answered = services.question_ask(author=alice, body="Question avec réponse")
    post_create(author=bruno, body="Voici", parent=answered)
    resolved = services.question_ask(author=alice, body="Question résolue")
    services.answer_accept(by=alice, answer=post_create(author=bruno, body="Ceci", parent=resolved))
    post_create(author=alice, body="Un simple message")

    def shown(state):
        page = as_alice.get(f"/questions/?state={state}").content.decode()
        return {p.body for p in Post.objects.filter(parent=None) if p.body in page}

    assert shown("unanswered") == {"Question sans réponse"}
    assert shown("open") == {"Question avec réponse"}
    assert shown("resolved") == {"Question résolue"}
    assert shown("all") == {"Question sans réponse", "Question avec réponse", "Question résolue"}
    assert shown("nonsense") == {"Question sans réponse"}  # an unknown state falls back to the default


def test_private_community_questions_stay_inside(client, make_community, make_user, alice, bruno):
    outsider = make_user("Oscar", "Outsider")
    private = make_community(
        "Projet X", visibility=Community.Visibility.PRIVATE, owner=alice, members=[bruno]
    )
    services.question_ask(author=alice, body="Question confidentielle", communities=[private])
    client.force_login(outsider)
    assert "Question confidentielle" not in client.get("/questions/?state=all").content.decode()
    assert client.get(f"/questions/?community={private.slug}").status_code in (200, 404)
    assert (
        "Question confidentielle" not in client.get(f"/questions/?community={private.slug}").content.decode()
    )
    client.force_login(bruno)
    assert "Question confidentielle" in client.get(f"/questions/?community={private.slug}").content.decode()


def test_vote_and_accept_through_htmx_return_the_card(client, alice, bruno, question):
    answer = post_create(author=bruno, body="Purger le circuit.", parent=question)
    client.force_login(alice)
    response = client.post(f"/answers/{answer.pk}/vote/", {"vote": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="post-{question.pk}"' in response.content.decode()
    assert Post.objects.get(pk=answer.pk).vote_count == 1
    response = client.post(f"/answers/{answer.pk}/vote/", {"vote": "1"}, HTTP_HX_REQUEST="true")
    assert "already voted" in response.content.decode() and Post.objects.get(pk=answer.pk).vote_count == 1
    response = client.post(f"/answers/{answer.pk}/accept/", {"accept": "1"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Accepted answer" in page and "Resolved" in page


def test_accepting_someone_elses_question_is_refused(client, alice, bruno, make_user, question):
    answer = post_create(author=bruno, body="Purger le circuit.", parent=question)
    client.force_login(make_user("Carla", "Curieuse"))
    response = client.post(f"/answers/{answer.pk}/accept/", {"accept": "1"})
    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).accepted_answer is None
    page = client.get(response.url).content.decode()
    assert "Only the person who asked" in page


def test_vote_on_a_plain_reply_is_404(client, alice, bruno):
    post = post_create(author=alice, body="Annonce")
    reply = post_create(author=bruno, body="Bravo", parent=post)
    client.force_login(alice)
    assert client.post(f"/answers/{reply.pk}/vote/", {"vote": "1"}).status_code == 404
    assert client.post(f"/answers/{post.pk}/accept/", {"accept": "1"}).status_code == 404


def test_questions_page_query_count_does_not_grow(client, make_user, alice, django_assert_max_num_queries):
    others = [make_user(f"P{i}", "Test") for i in range(4)]
    client.force_login(alice)

    def ask(n):
        for post in busy_posts([alice], others, n, body="Question {i} ?"):
            Question.objects.create(post=post)

    ask(3)
    with django_assert_max_num_queries(20) as small:
        client.get("/questions/?state=all")
    ask(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/questions/?state=all").status_code == 200
