"""A small French team at work, rendered in the browser; with RUCHE_SCREENSHOTS=1 it feeds the README.

    RUCHE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py

writes docs/screenshots/home-feed.png, profile.png, phone.png and the others named in shoot() below. Without the variable the scene is
still built and checked, and nothing is written. The emoji need a colour emoji font
(Debian: fonts-noto-color-emoji), or they show as empty boxes.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ruche.accounts import services as accounts
from ruche.communities.models import Community, Membership
from ruche.posts import services as posts
from ruche.posts.models import Post
from ruche.qa import services as qa

pytestmark = [
    pytest.mark.e2e,
    # pytest-base-url (pulled in by pytest-playwright) defines a fixture pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "correct-horse-battery"


def colleague(first, last, *, job, department, site, **profile):
    """Invited from the HR directory, activated, profile filled in: as a real colleague arrives."""
    user = accounts.user_invite(
        email=f"{accounts.unique_handle(f'{first} {last}')}@ruche.example",
        first_name=first,
        last_name=last,
        invited_by=None,
        job_title=job,
        department=department,
        site=site,
        language="fr",
        send=False,
    )
    accounts.user_activate(user=user, password=PASSWORD)
    if profile:
        accounts.profile_update(profile=user.profile, by=user, **profile)
    return user


def fr(text: str) -> str:
    """French typography: a narrow no-break space before ? ! : ; so they never start a line."""
    for mark in "?!:;":
        text = text.replace(f" {mark}", f"\u202f{mark}")
    return text


def say(author, body: str, *, ago: timedelta, parent: Post | None = None) -> Post:
    """Publish through the service, then move the shown date into the past (feeds sort by id)."""
    post = posts.post_create(author=author, body=fr(body), parent=parent)
    Post.objects.filter(pk=post.pk).update(created=timezone.now() - ago)
    return post


def build_scene():
    camille = colleague(
        "Camille",
        "Durand",
        job="Responsable qualité",
        department="Qualité",
        site="Lyon",
        skills=["ISO 9001", "Audit interne", "Amélioration continue", "Lean", "Animation d'ateliers"],
        ask_me_about="Certifications, audits, indicateurs qualité",
        languages="Français, anglais",
        bio="Douze ans dans l'industrie, dont huit à la qualité. J'aime quand les problèmes se voient tôt.",
    )
    karim = colleague(
        "Karim",
        "Benali",
        job="Ingénieur méthodes",
        department="Production",
        site="Saint-Étienne",
        manager=camille,
        skills=["SMED", "Lean", "Excel avancé", "AMDEC", "Conduite du changement", "Python"],
        ask_me_about="Changements de série, temps de cycle, chiffrage des gains",
        languages="Français, arabe, anglais",
        phone="+33 4 77 00 12 34",
        bio="Je passe plus de temps sur la ligne 3 qu'à mon bureau, et c'est très bien ainsi.",
    )
    sophie = colleague(
        "Sophie", "Lambert", job="Directrice des ressources humaines", department="RH", site="Paris"
    )
    theo = colleague("Théo", "Moreau", job="Développeur", department="Systèmes d'information", site="Lyon")
    for followed in (karim, sophie, theo):
        accounts.user_follow(follower=camille, followed=followed)
    accounts.user_follow(follower=karim, followed=camille)

    welcome = say(
        sophie,
        "Bienvenue aux **12 nouveaux arrivants** de septembre ! 🎉 Le parcours d'intégration "
        "commence lundi à 9 h, salle Rhône. #Onboarding",
        ago=timedelta(days=2, hours=3),
    )
    for who, kind in ((camille, "love"), (karim, "like"), (theo, "like")):
        posts.reaction_set(post=welcome, user=who, kind=kind)

    intranet = say(
        theo,
        "La nouvelle recherche de l'annuaire est en ligne : on peut maintenant chercher un collègue "
        "par compétence. Vos retours sont les bienvenus ! #SI",
        ago=timedelta(hours=26),
    )
    say(
        karim,
        "Testée ce matin pour trouver un expert AMDEC : trouvé en 10 secondes.",
        parent=intranet,
        ago=timedelta(hours=25),
    )
    posts.reaction_set(post=intranet, user=camille, kind="insightful")

    smed = say(
        karim,
        "Retour d'expérience ligne 3 : le changement de format passe de **45 à 18 minutes** grâce au "
        "SMED. Merci @camille.durand pour l'animation des ateliers et à toute l'équipe de nuit ! "
        "#Qualité #AméliorationContinue",
        ago=timedelta(hours=3),
    )
    for who, kind in ((camille, "bravo"), (sophie, "bravo"), (theo, "like")):
        posts.reaction_set(post=smed, user=who, kind=kind)
    say(
        camille,
        "Bravo à toute l'équipe ! On présente les résultats au comité de jeudi ?",
        parent=smed,
        ago=timedelta(hours=2, minutes=40),
    )
    say(karim, "Oui, je prépare les chiffres pour mercredi soir.", parent=smed, ago=timedelta(hours=2))

    audit = say(
        camille,
        "Audit de certification ISO 9001 la semaine prochaine : la check-list est à jour sur l'espace "
        "Qualité. Merci de relire vos procédures avant mercredi, @karim.benali je passe te voir "
        "demain pour la ligne 3. #Qualité",
        ago=timedelta(minutes=25),
    )
    posts.reaction_set(post=audit, user=sophie, kind="like")
    return camille, karim, smed, audit


def smed_fan():
    """Someone else who found the answer useful."""
    from ruche.accounts.models import User

    return User.objects.exclude(email__startswith="camille").exclude(email__startswith="karim").first()


def sign_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#composer-body")).to_be_visible()
    page.goto(f"{live_server.url}/")  # again, without the "signed in" message


def shoot(page: Page, name: str) -> None:
    if os.environ.get("RUCHE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / name, animations="disabled", caret="hide")


def test_readme_screenshots(live_server, new_page):
    camille, karim, smed, audit = build_scene()

    page = new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    sign_in(page, live_server, camille)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    cards = page.locator("#feed-items > article.post")
    expect(cards).to_have_count(4)
    expect(cards.first).to_have_attribute("id", f"post-{audit.pk}")
    smed_card = page.locator(f"#post-{smed.pk}")
    expect(smed_card.locator(".reply")).to_have_count(2)
    expect(smed_card.locator('a.mention[title="@camille.durand"]')).to_have_text("Camille Durand")
    expect(page.get_by_role("button", name="Publier")).to_be_visible()
    expect(page.get_by_test_id("unread-badge")).to_be_visible()
    shoot(page, "home-feed.png")

    page.goto(f"{live_server.url}/people/{karim.handle}/")
    expect(page.get_by_role("heading", name="Karim Benali")).to_be_visible()
    for skill in ("SMED", "AMDEC", "Conduite du changement"):
        expect(page.locator(".profile").get_by_role("link", name=skill)).to_be_visible()
    shoot(page, "profile.png")

    # A question answered by the expert, accepted by the asker.
    question = qa.question_ask(
        author=camille, body=fr("Qui sait régler le changement de format rapide sur la presse 2 ? #SMED")
    )
    answer = posts.post_create(
        author=karim,
        parent=question,
        body=fr("Oui : on prépare les outils pendant que la presse tourne, je te montre demain."),
    )
    qa.answer_vote(user=smed_fan(), answer=answer)
    qa.answer_accept(by=camille, answer=answer)
    page.goto(f"{live_server.url}/posts/{question.pk}/")
    expect(page.locator(".accepted-badge")).to_be_visible()
    shoot(page, "question.png")

    page.goto(f"{live_server.url}/search/?q=presse")
    expect(page.locator(".search-group").first).to_be_visible()
    shoot(page, "search.png")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR")
    sign_in(phone, live_server, camille)
    expect(phone.locator("#composer-body")).to_be_in_viewport()
    expect(phone.locator(f"#post-{audit.pk}")).to_be_visible()
    shoot(phone, "phone.png")

    # The home feed in the most relevant order, each card saying why it is there.
    production = Community.objects.create(
        name="Production", slug="production", created_by=karim, member_count=3
    )
    Membership.objects.create(community=production, user=karim, role="owner")
    lea = colleague("Léa", "Dubois", job="Ingénieure méthodes", department="Production", site="Lyon")
    Membership.objects.bulk_create(Membership(community=production, user=u) for u in (camille, lea))
    line2 = posts.post_create(
        author=lea,
        body=fr("Ligne 2 : la nouvelle presse est réceptionnée, premiers essais lundi. #Production"),
        communities=[production],
    )
    for who, kind in ((karim, "bravo"), (camille, "like"), (smed_fan(), "love")):
        posts.reaction_set(post=line2, user=who, kind=kind)
    for who, text in ((karim, "On sera là pour le premier lancement."), (camille, "Super nouvelle !")):
        say(who, text, parent=line2, ago=timedelta(minutes=1))
    Post.objects.filter(pk=line2.pk).update(created=timezone.now() - timedelta(hours=5))
    page.goto(f"{live_server.url}/?filter=all&order=relevant")
    expect(page.locator('.feed-orders a[aria-current="page"][href$="order=relevant"]')).to_be_visible()
    reasons = page.locator("#feed-items > article.post header .reason")
    expect(reasons.first).to_be_visible()
    assert reasons.count() == page.locator("#feed-items > article.post").count() >= 5
    expect(page.locator(f"#post-{line2.pk} .reason")).to_contain_text("Production")
    page.set_viewport_size({"width": 1280, "height": 1500})  # four cards and their reasons
    top_of_feed(page)
    shoot(page, "home-relevant.png")

    # Questions on a phone: the unanswered one first.
    waiting = qa.question_ask(
        author=karim, body=fr("Quelqu'un a la procédure de consignation de la presse 2 ? #Sécurité")
    )
    Post.objects.filter(pk=waiting.pk).update(created=timezone.now() - timedelta(minutes=40))
    phone.goto(f"{live_server.url}/?filter=questions&order=recent")
    cards = phone.locator("#feed-items > article.post")
    expect(cards).to_have_count(2)
    expect(cards.first).to_have_id(f"post-{waiting.pk}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    top_of_feed(phone)
    shoot(phone, "phone-questions.png")


def top_of_feed(page: Page) -> None:
    """Scroll the feed's bar just below the sticky header: the choices and the first cards in view."""
    page.evaluate(
        """() => {
          const bar = document.querySelector(".feed-choices"), header = document.querySelector(".topbar");
          window.scrollTo(0, bar.getBoundingClientRect().top + window.scrollY - header.offsetHeight - 12);
        }"""
    )
