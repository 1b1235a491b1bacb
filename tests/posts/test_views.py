import uuid

import pytest

from ruche.feed.models import FeedEntry
from ruche.posts.models import Hashtag, HashtagFollow, Post, Reaction
from ruche.posts.services import hashtag_follow, post_create, post_delete
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db


def test_composer_post_publishes_and_redirects(as_alice, alice):
    response = as_alice.post("/posts/new/", {"body": "Bonjour **tout le monde** #Qualité"})
    assert response.status_code == 302 and response.url == "/"
    post = Post.objects.get()
    assert post.author == alice and "<strong>tout le monde</strong>" in post.body_html
    assert FeedEntry.objects.filter(user=alice, post=post, reason="own").exists()
    assert "Bonjour <strong>tout le monde</strong>" in as_alice.get("/").content.decode()


def test_composer_with_htmx_returns_the_card_and_a_fresh_composer(as_alice):
    response = as_alice.post("/posts/new/", {"body": "Par htmx"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    post = Post.objects.get()
    assert f'id="post-{post.pk}"' in page and "Par htmx" in page
    assert 'hx-swap-oob="outerHTML:#composer"' in page and 'id="composer"' in page
    assert "<html" not in page
    oob = page[page.index("hx-swap-oob") :]
    assert "Par htmx" not in oob  # the new composer is empty


@pytest.mark.parametrize("body", ["", "   "])
def test_empty_post_is_a_400_and_nothing_is_kept(as_alice, body):
    response = as_alice.post("/posts/new/", {"body": body})
    assert response.status_code == 400
    assert "Write something before publishing." in response.content.decode()
    assert not Post.objects.exists()


def test_too_long_post_keeps_the_text(as_alice, settings):
    body = "x" * (settings.POST_MAX_LENGTH + 1)
    response = as_alice.post("/posts/new/", {"body": body})
    assert response.status_code == 400
    assert body in response.content.decode()  # what was typed is not lost
    assert not Post.objects.exists()


def test_empty_post_with_htmx_retargets_the_composer(as_alice):
    response = as_alice.post("/posts/new/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == "#composer" and response["HX-Reswap"] == "outerHTML"
    assert "Write something before publishing." in response.content.decode()
    assert not Post.objects.exists()


def test_double_post_with_the_same_token_creates_one_post(as_alice):
    token = str(uuid.uuid4())
    as_alice.post("/posts/new/", {"body": "Une fois", "client_token": token})
    as_alice.post("/posts/new/", {"body": "Une fois", "client_token": token}, HTTP_HX_REQUEST="true")
    assert Post.objects.count() == 1
    as_alice.post("/posts/new/", {"body": "Une fois", "client_token": str(uuid.uuid4())})
    assert Post.objects.count() == 2


def test_composer_redirects_only_inside(as_alice):
    response = as_alice.post("/posts/new/", {"body": "x", "next": "https://evil.example/"})
    assert response.url == "/"
    response = as_alice.post("/posts/new/", {"body": "y", "next": "/company/"})
    assert response.url == "/company/"


def test_reply(as_alice, bruno):
    post = post_create(author=bruno, body="Question ?")
    response = as_alice.post(f"/posts/{post.pk}/reply/", {"body": "Ma réponse"})
    assert response.status_code == 302 and response.url == f"/posts/{post.pk}/"
    reply = Post.objects.get(parent=post)
    assert reply.body == "Ma réponse"
    post.refresh_from_db()
    assert post.reply_count == 1
    response = as_alice.post(f"/posts/{post.pk}/reply/", {"body": "Par htmx"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert f'id="post-{post.pk}"' in page and "Ma réponse" in page and "Par htmx" in page
    empty = as_alice.post(f"/posts/{post.pk}/reply/", {"body": ""})
    assert empty.status_code == 400 and Post.objects.filter(parent=post).count() == 2


def test_react_toggles(as_alice, alice, bruno):
    post = post_create(author=bruno, body="Hello")
    as_alice.post(f"/posts/{post.pk}/react/", {"kind": "like"})
    assert Reaction.objects.get(user=alice).kind == "like"
    as_alice.post(f"/posts/{post.pk}/react/", {"kind": "bravo"})
    assert Reaction.objects.get(user=alice).kind == "bravo"
    response = as_alice.post(f"/posts/{post.pk}/react/", {"kind": "bravo"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="post-{post.pk}"' in response.content.decode()
    assert not Reaction.objects.exists()
    post.refresh_from_db()
    assert post.reaction_count == 0
    assert as_alice.post(f"/posts/{post.pk}/react/", {"kind": "angry"}).status_code == 400
    assert not Reaction.objects.exists()


def test_editing_someone_elses_post_is_403_and_changes_nothing(as_alice, bruno):
    post = post_create(author=bruno, body="À moi")
    assert as_alice.get(f"/posts/{post.pk}/edit/").status_code == 403
    assert as_alice.post(f"/posts/{post.pk}/edit/", {"body": "Piraté"}).status_code == 403
    assert as_alice.post(f"/posts/{post.pk}/delete/").status_code == 403
    post.refresh_from_db()
    assert post.body == "À moi" and post.deleted_at is None and not post.revisions.exists()


def test_edit_own_post(as_alice, alice):
    post = post_create(author=alice, body="Première")
    response = as_alice.post(f"/posts/{post.pk}/edit/", {"body": "Seconde"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Seconde" and post.edited_at
    assert "Première" in as_alice.get(f"/posts/{post.pk}/edit/").content.decode()  # the history


def test_delete_confirm_then_post(as_alice, alice, side_effects):
    post = post_create(author=alice, body="À supprimer")
    response = as_alice.get(f"/posts/{post.pk}/delete/")
    assert response.status_code == 200 and "Delete this post?" in response.content.decode()
    post.refresh_from_db()
    assert post.deleted_at is None
    with side_effects():
        response = as_alice.post(f"/posts/{post.pk}/delete/")
    assert response.status_code == 302 and response.url == "/"
    post.refresh_from_db()
    assert post.deleted_at is not None and not FeedEntry.objects.filter(post=post).exists()
    assert as_alice.get(f"/posts/{post.pk}/").status_code == 404


def test_delete_a_reply_returns_to_the_post(as_alice, alice, bruno):
    post = post_create(author=bruno, body="Q")
    reply = post_create(author=alice, body="R", parent=post)
    response = as_alice.post(f"/posts/{reply.pk}/delete/")
    assert response.url == f"/posts/{post.pk}/"
    post.refresh_from_db()
    assert post.reply_count == 0


@pytest.mark.parametrize(
    "path", ["/posts/{pk}/", "/posts/{pk}/edit/", "/posts/{pk}/delete/", "/posts/{pk}/reactions/"]
)
def test_a_deleted_or_unknown_post_is_404(as_alice, alice, path):
    post = post_create(author=alice, body="Parti")
    post_delete(post=post, by=alice)
    assert as_alice.get(path.format(pk=post.pk)).status_code == 404
    assert as_alice.get(path.format(pk=post.pk + 1000)).status_code == 404
    assert as_alice.post(f"/posts/{post.pk}/reply/", {"body": "Trop tard"}).status_code == 404
    assert as_alice.post(f"/posts/{post.pk}/react/", {"kind": "like"}).status_code == 404
    assert Post.objects.count() == 1 and not Reaction.objects.exists()


def test_tag_page_and_follow(as_alice, alice, bruno):
    post_create(author=bruno, body="Audit #Qualité")
    post_create(author=bruno, body="Autre #sujet")
    response = as_alice.get("/tags/qualite/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Audit" in page and "Autre" not in page and "Follow this hashtag" in page
    response = as_alice.post("/tags/qualite/follow/", {"follow": "1"})
    assert response.status_code == 302 and response.url == "/tags/qualite/"
    as_alice.post("/tags/qualite/follow/", {"follow": "1"})
    tag = Hashtag.objects.get(key="qualite")
    assert HashtagFollow.objects.filter(user=alice, hashtag=tag).count() == 1 and tag.follower_count == 1
    assert "Following ✓" in as_alice.get("/tags/qualite/").content.decode()
    as_alice.post("/tags/qualite/follow/", {"follow": "0"})
    tag.refresh_from_db()
    assert not HashtagFollow.objects.exists() and tag.follower_count == 0
    assert as_alice.get("/tags/inconnu/").status_code == 404


def test_hashtag_autocomplete(as_alice, alice):
    post_create(author=alice, body="#Qualité #qualif #Lean")
    hashtag_follow(user=alice, hashtag=Hashtag.objects.get(key="qualif"))
    response = as_alice.get("/autocomplete/hashtags/", {"q": "#QUA"})
    assert response.json()["results"] == [
        {"value": "qualif", "label": "#qualif"},
        {"value": "Qualité", "label": "#Qualité"},
    ]
    assert as_alice.get("/autocomplete/hashtags/", {"q": "#"}).json()["results"] == []


def test_anonymous_people_are_sent_to_login(client, alice):
    post = post_create(author=alice, body="Interne")
    for path in [f"/posts/{post.pk}/", "/tags/x/", "/company/", "/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    response = client.post("/posts/new/", {"body": "Anonyme"})
    assert response.status_code == 302 and Post.objects.count() == 1


TAG_QUERIES = 12  # with the attachments of the cards (one query for the page)


@pytest.mark.parametrize("n", [5, 20])
def test_tag_page_query_count(as_alice, alice, bruno, make_user, django_assert_max_num_queries, n):
    others = [bruno] + [make_user("Personne", f"N{i}") for i in range(4)]
    busy_posts(others, [alice, *others], n)
    as_alice.get("/")
    with django_assert_max_num_queries(TAG_QUERIES):
        response = as_alice.get("/tags/qualite/")
    assert len(response.context["page"].items) == n


def test_the_card_speaks_the_readers_language_and_escapes_what_people_wrote(client, make_user):
    from django.utils import timezone

    author = make_user("Zoé", "<script>x</script>")
    author.language = "fr"
    author.save(update_fields=["language"])
    post = post_create(author=author, body="Bonjour")
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now(), hidden_reason="<b>hors sujet</b>")
    client.force_login(author)
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert "Répondre" in page and "Masquée par un modérateur" in page
    assert "<b>hors sujet</b>" not in page and "&lt;b&gt;hors sujet&lt;/b&gt;" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
