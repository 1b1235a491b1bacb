"""Communities in a real browser: a private, pre-moderated community from its creation to its first
published post, and what stays hidden from a colleague who is not a member.

With RUCHE_SCREENSHOTS=1, test_community_screenshot also writes docs/screenshots/community.png.
"""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ruche.accounts.services import user_follow
from ruche.communities import health
from ruche.communities import services as communities
from ruche.communities.models import Community, Placement
from ruche.posts import services as posts
from ruche.posts.models import Post
from tests.e2e.pages import badge, card
from tests.e2e.test_screenshots import SHOTS, colleague, fr, shoot, sign_in

pytestmark = [
    pytest.mark.e2e,
    # pytest-base-url (pulled in by pytest-playwright) defines a fixture pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

ABOUT = "Le projet Atlas : refonte de la logistique du site de Lyon. Réservé à l'équipe projet."
POST_BODY = "Premier jalon d'Atlas validé : le nouveau quai ouvre le 12. #Atlas"


def flash(page: Page):
    return page.locator(".messages")


def open_notification(page: Page, text: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    notification = page.get_by_role("button", name=re.compile(re.escape(text)))
    expect(notification).to_contain_text("(unread)")
    notification.click()


def assert_no_sideways_scroll(page: Page, width: int = 390) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways ({scroll}px for a {width}px screen)"


def test_private_premoderated_community_from_creation_to_published_post(
    live_server, login, page, new_page, alice, bruno, chloe
):
    # Chloé follows Bruno: whatever Bruno posts for everyone reaches her; what he posts in Atlas must not.
    user_follow(follower=chloe, followed=bruno)
    public = posts.post_create(author=bruno, body="Bonne semaine à toutes et à tous !")

    # 1. Alice creates a private community whose posts wait for a moderator.
    login(page, alice)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Create a community").click()
    expect(page.get_by_role("heading", name="Create a community")).to_be_visible()
    page.get_by_label("Name").fill("Projet Atlas")
    page.get_by_label("Description").fill(ABOUT)
    page.get_by_label("Private: listed, members only, join on request").check()
    page.get_by_label("Posts wait for a moderator's approval").check()
    page.get_by_role("button", name="Create the community").click()
    expect(page).to_have_url(f"{live_server.url}/communities/projet-atlas/")
    expect(flash(page)).to_contain_text("“Projet Atlas” is created: invite colleagues to join it.")
    head = page.locator("header.community-head")
    expect(head.get_by_role("heading", name="Projet Atlas")).to_be_visible()
    expect(head).to_contain_text("Private")
    expect(head).to_contain_text("1 member")
    expect(head).to_contain_text("You: Owner")
    expect(page.get_by_role("textbox", name="Post in Projet Atlas")).to_be_visible()
    page.get_by_role("link", name="About").click()
    expect(page.locator("section.about")).to_contain_text("Posts wait for a moderator's approval.")
    atlas = Community.objects.get(slug="projet-atlas")
    assert atlas.visibility == Community.Visibility.PRIVATE and atlas.premoderate_posts

    # 2. Bruno finds it in the directory; he reads what it is about, not what is posted; he asks to join.
    bruno_page = login(new_page(), bruno)
    bruno_page.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    listing = bruno_page.locator("li.community-card", has_text="Projet Atlas")
    expect(listing).to_contain_text("Private")
    expect(listing).to_contain_text("1 member")
    expect(listing).to_contain_text("refonte de la logistique")
    listing.get_by_role("link", name="Projet Atlas").click()
    expect(bruno_page).to_have_url(f"{live_server.url}/communities/projet-atlas/")
    expect(bruno_page.locator("section.about")).to_contain_text(ABOUT)
    expect(bruno_page.get_by_text("What is posted here is for members only.")).to_be_visible()
    expect(bruno_page.locator("article.post")).to_have_count(0)
    expect(bruno_page.get_by_role("textbox", name="Post in Projet Atlas")).to_have_count(0)
    expect(bruno_page.get_by_role("navigation", name="Sections of the community")).to_have_count(0)

    bruno_page.locator("summary", has_text="Request to join").click()
    bruno_page.get_by_label("A word for the animators (optional)").fill(
        "Je pilote le transport amont, je peux aider sur les quais."
    )
    bruno_page.get_by_role("button", name="Send the request").click()
    expect(flash(bruno_page)).to_contain_text("Your request is sent: the animators will answer it soon.")
    expect(bruno_page.locator(".community-head").get_by_text("Request pending")).to_be_visible()
    expect(bruno_page.get_by_text("Your request to join waits for the animators.")).to_be_visible()
    expect(bruno_page.locator("summary", has_text="Request to join")).to_have_count(0)
    bruno_page.reload()  # still pending on a fresh load, not just a message
    expect(bruno_page.locator(".community-head").get_by_text("Request pending")).to_be_visible()

    # 3. Alice is told, reads the message on the members page and approves.
    page.goto(f"{live_server.url}/")
    expect(badge(page)).to_have_text(re.compile(r"^\s*1\b"))
    open_notification(page, "Bruno Lefèvre asks to join Projet Atlas")
    expect(page).to_have_url(f"{live_server.url}/communities/projet-atlas/members/")
    expect(page.get_by_role("heading", name="Members of Projet Atlas")).to_be_visible()
    request = page.locator("li.request", has_text="Bruno Lefèvre")
    expect(request).to_contain_text("Je pilote le transport amont, je peux aider sur les quais.")
    request.get_by_role("button", name="Approve Bruno Lefèvre").click()
    expect(flash(page)).to_contain_text("Bruno Lefèvre is now a member.")
    expect(page.get_by_text("No request waiting.")).to_be_visible()
    expect(page.get_by_role("heading", name="2 members")).to_be_visible()
    expect(page.locator("table.members-table")).to_contain_text("Bruno Lefèvre")

    # Bruno is told he is in, and now finds the composer on the community page.
    bruno_page.goto(f"{live_server.url}/")
    expect(badge(bruno_page)).to_have_text(re.compile(r"^\s*2\b"))  # Chloé's follow, and this
    open_notification(bruno_page, "Welcome to Projet Atlas: your request was approved")
    expect(bruno_page).to_have_url(f"{live_server.url}/communities/projet-atlas/")
    expect(bruno_page.locator(".community-head")).to_contain_text("You: Member")
    composer = bruno_page.get_by_role("textbox", name="Post in Projet Atlas")
    expect(composer).to_be_visible()
    expect(bruno_page.locator("#community-composer")).to_contain_text(
        "A moderator approves posts before they appear here."
    )
    expect(bruno_page.get_by_text("Nothing posted here yet.")).to_be_visible()

    # 4. Bruno posts; the post waits for a moderator, and he is shown that it does.
    composer.fill(POST_BODY)
    bruno_page.locator("#community-composer").get_by_role("button", name="Publish").click()
    expect(bruno_page).to_have_url(f"{live_server.url}/communities/projet-atlas/")
    expect(flash(bruno_page)).to_contain_text("Your post awaits a moderator's approval.")
    post = Post.objects.get(author=bruno, body=POST_BODY)
    assert post.placements.get().status == Placement.Status.PENDING
    expect(card(bruno_page, post)).to_have_count(0)  # not published in the community yet
    bruno_page.goto(f"{live_server.url}/")
    expect(card(bruno_page, post)).to_contain_text(POST_BODY)
    expect(card(bruno_page, post).get_by_role("status")).to_have_text(
        "Awaiting a moderator's approval in Projet Atlas."
    )

    # Alice opens the moderation queue from the community page and publishes it.
    page.goto(f"{live_server.url}/communities/projet-atlas/")
    expect(card(page, post)).to_have_count(0)
    page.locator(".community-head").get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation of Projet Atlas")).to_be_visible()
    waiting = page.locator("article.queue-item", has_text=POST_BODY)
    expect(waiting).to_contain_text("Bruno Lefèvre")
    waiting.get_by_role("button", name="Publish").click()
    expect(flash(page)).to_contain_text("Post published.")
    expect(page.get_by_text("No post waiting.")).to_be_visible()

    page.goto(f"{live_server.url}/communities/projet-atlas/")
    expect(card(page, post)).to_contain_text(POST_BODY)
    expect(card(page, post)).to_contain_text("Bruno Lefèvre")
    expect(card(page, post).locator(".post-communities")).to_contain_text("in Projet Atlas")

    # Bruno is told; the post is on the community page for him too, without the waiting notice.
    bruno_page.goto(f"{live_server.url}/")
    expect(badge(bruno_page)).to_have_text(re.compile(r"^\s*2\b"))  # Chloé's follow, and this
    open_notification(bruno_page, "Your post in Projet Atlas was approved")
    expect(bruno_page).to_have_url(f"{live_server.url}/posts/{post.pk}/")
    expect(card(bruno_page, post)).to_contain_text(POST_BODY)
    expect(card(bruno_page, post).get_by_text("Awaiting a moderator's approval")).to_have_count(0)
    bruno_page.goto(f"{live_server.url}/communities/projet-atlas/")
    expect(card(bruno_page, post)).to_contain_text(POST_BODY)

    # 5. Chloé, not a member, never sees it: not on the community page, nor in any feed, nor by its URL.
    chloe_page = login(new_page(), chloe)
    expect(card(chloe_page, public)).to_contain_text("Bonne semaine")  # she does get Bruno's posts
    expect(card(chloe_page, post)).to_have_count(0)
    expect(chloe_page.get_by_text("Premier jalon d'Atlas")).to_have_count(0)

    chloe_page.goto(f"{live_server.url}/communities/projet-atlas/")
    expect(chloe_page.locator("section.about")).to_contain_text(ABOUT)
    expect(chloe_page.get_by_text("What is posted here is for members only.")).to_be_visible()
    expect(chloe_page.locator("article.post")).to_have_count(0)
    chloe_page.goto(f"{live_server.url}/communities/projet-atlas/?tab=feed")  # asking for the posts
    expect(chloe_page.locator("article.post")).to_have_count(0)

    chloe_page.goto(f"{live_server.url}{bruno.get_absolute_url()}")
    expect(chloe_page.get_by_role("heading", name="Bruno Lefèvre")).to_be_visible()
    expect(card(chloe_page, public)).to_be_visible()
    expect(card(chloe_page, post)).to_have_count(0)
    expect(chloe_page.get_by_text("Premier jalon d'Atlas")).to_have_count(0)

    chloe_page.goto(f"{live_server.url}/company/")
    expect(card(chloe_page, public)).to_be_visible()
    expect(card(chloe_page, post)).to_have_count(0)

    response = chloe_page.goto(f"{live_server.url}/posts/{post.pk}/")
    assert response.status == 404
    expect(chloe_page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    expect(chloe_page.get_by_text("Premier jalon d'Atlas")).to_have_count(0)
    expect(badge(chloe_page)).to_have_count(0)  # nothing about it reached her notifications either


def test_a_guessed_secret_community_url_is_not_found(live_server, login, page, new_page, alice, chloe):
    secret = communities.community_create(
        by=alice,
        name="Comité de direction",
        description="Ordres du jour du comité.",
        visibility=Community.Visibility.SECRET,
    )
    url = f"{live_server.url}{secret.get_absolute_url()}"

    login(page, alice)  # a member reaches it: the URL is the right one
    page.goto(url)
    expect(page.get_by_role("heading", name="Comité de direction")).to_be_visible()

    chloe_page = login(new_page(), chloe)
    response = chloe_page.goto(url)
    assert response.status == 404
    expect(chloe_page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    expect(chloe_page.get_by_text("Comité de direction")).to_have_count(0)
    response = chloe_page.goto(f"{url}members/")
    assert response.status == 404
    chloe_page.goto(f"{live_server.url}/communities/")
    expect(chloe_page.get_by_text("Comité de direction")).to_have_count(0)


def test_community_page_on_a_phone(live_server, login, new_phone, alice, bruno, chloe, tmp_path):
    atlas = communities.community_create(
        by=alice,
        name="Projet Atlas",
        description=ABOUT,
        visibility=Community.Visibility.PRIVATE,
        premoderate_posts=True,
    )
    communities.join_request_decide(
        request=communities.join_request_create(community=atlas, user=bruno), by=alice, approve=True
    )
    posts.post_create(
        author=alice,
        body="Planning des essais de quai : https://intranet.example/atlas/planning-des-essais-2025 #Atlas",
        communities=[atlas],
    )

    page = login(new_phone(), bruno)
    page.goto(f"{live_server.url}{atlas.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Projet Atlas")).to_be_in_viewport()
    expect(page.locator("article.post")).to_have_count(1)
    assert_no_sideways_scroll(page)
    page.screenshot(path=tmp_path / "community-phone.png", full_page=True)
    composer = page.get_by_role("textbox", name="Post in Projet Atlas")
    composer.scroll_into_view_if_needed()
    box = composer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    publish = page.locator("#community-composer").get_by_role("button", name="Publish")
    publish.scroll_into_view_if_needed()
    expect(publish).to_be_in_viewport()
    box = publish.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    composer.tap()
    composer.fill("Envoyé depuis le quai 3")
    publish.tap()
    expect(page.locator(".messages")).to_contain_text("Your post awaits a moderator's approval.")
    assert_no_sideways_scroll(page)

    # A colleague who is not a member asks to join from a phone.
    outsider = login(new_phone(), chloe)
    outsider.goto(f"{live_server.url}{atlas.get_absolute_url()}")
    outsider.locator("summary", has_text="Request to join").tap()
    message = outsider.get_by_label("A word for the animators (optional)")
    expect(message).to_be_in_viewport()
    assert_no_sideways_scroll(outsider)
    outsider.screenshot(path=tmp_path / "request-phone.png")
    message.fill("Je suis au service achats, je peux aider.")
    outsider.get_by_role("button", name="Send the request").tap()
    expect(outsider.locator(".community-head").get_by_text("Request pending")).to_be_in_viewport()
    assert_no_sideways_scroll(outsider)

    # Alice manages members and moderation from her phone.
    owner = login(new_phone(), alice)
    for where in ("members/", "moderation/"):
        owner.goto(f"{live_server.url}{atlas.get_absolute_url()}{where}")
        expect(owner.locator("h1")).to_be_visible()
        assert_no_sideways_scroll(owner)


def say(author, body: str, community: Community, *, ago: timedelta, parent: Post | None = None) -> Post:
    """Publish through the service (placed in the community), then date it in the past."""
    post = posts.post_create(
        author=author, body=fr(body), parent=parent, communities=[] if parent else [community]
    )
    Post.objects.filter(pk=post.pk).update(created=timezone.now() - ago)
    return post


def test_community_screenshot(live_server, new_page):
    """A lively French community page; written to docs/screenshots/community.png with RUCHE_SCREENSHOTS=1."""
    camille = colleague("Camille", "Durand", job="Responsable qualité", department="Qualité", site="Lyon")
    karim = colleague(
        "Karim", "Benali", job="Ingénieur méthodes", department="Production", site="Saint-Étienne"
    )
    ines = colleague("Inès", "Roux", job="Technicienne qualité", department="Qualité", site="Lyon")
    theo = colleague("Théo", "Moreau", job="Développeur", department="Systèmes d'information", site="Lyon")
    lean = communities.community_create(
        by=camille,
        name="Amélioration continue",
        description=fr(
            "Partager nos chantiers Lean, nos retours d'expérience SMED et nos idées d'amélioration : "
            "toutes les équipes de production sont les bienvenues !"
        ),
    )
    for member in (karim, ines, theo):
        communities.community_join(community=lean, user=member)

    kaizen = say(
        karim,
        "Chantier 5S terminé sur la ligne 2 : **30 % de déplacements en moins** pour les régleurs. "
        "Photos et standard au tableau d'équipe. #Lean",
        lean,
        ago=timedelta(days=2, hours=4),
    )
    for who, kind in ((camille, "bravo"), (ines, "like"), (theo, "like")):
        posts.reaction_set(post=kaizen, user=who, kind=kind)
    question = say(
        ines,
        "Quelqu'un a déjà mis en place des cartes de contrôle sur les couples de serrage ? "
        "Je cherche un modèle simple pour l'atelier.",
        lean,
        ago=timedelta(hours=20),
    )
    say(
        camille,
        "Oui, sur la ligne 1 : je te partage le fichier, on en parle jeudi ?",
        lean,
        parent=question,
        ago=timedelta(hours=18),
    )
    smed = say(
        karim,
        "Retour d'expérience ligne 3 : le changement de format passe de **45 à 18 minutes** grâce au SMED. "
        "Merci @camille.durand pour l'animation des ateliers ! #SMED",
        lean,
        ago=timedelta(hours=3),
    )
    for who, kind in ((camille, "bravo"), (ines, "bravo"), (theo, "insightful")):
        posts.reaction_set(post=smed, user=who, kind=kind)
    say(camille, "Bravo à toute l'équipe de nuit !", lean, parent=smed, ago=timedelta(hours=2))
    stats = health.refresh(lean)
    assert stats.is_active and stats.members == 4

    page = new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    sign_in(page, live_server, camille)
    page.goto(f"{live_server.url}{lean.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Amélioration continue")).to_be_visible()
    expect(page.locator(".community-head .health")).to_be_visible()
    expect(page.locator("#feed-items article.post")).to_have_count(3)
    expect(page.locator("#feed-items article.post").first).to_have_attribute("id", f"post-{smed.pk}")
    expect(page.locator(f"#post-{smed.pk} .reply")).to_have_count(1)
    assert_no_sideways_scroll(page, 1280)
    shoot(page, "community.png")
    if os.environ.get("RUCHE_SCREENSHOTS") == "1":
        assert (SHOTS / "community.png").stat().st_size > 10_000
