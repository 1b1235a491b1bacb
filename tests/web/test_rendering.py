"""The shortcuts taken to draw a feed page cheaply say exactly what the plain Django way says."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext

from ruche.accounts.models import Profile, User
from ruche.communities.services import community_create
from ruche.posts.services import post_create, post_edit, reaction_set
from ruche.qa.services import answer_accept, answer_vote, question_ask
from ruche.web import jinja
from ruche.web.templatetags import ruche as tags

TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|client_token)" value=")[^"]+|("X-CSRFToken": ")[^"]+')


def normalised(response) -> str:
    assert response.status_code == 200
    return TOKENS.sub(r"\1\2…", response.content.decode())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_cards_compiled_with_their_translations_match_cards_translated_at_run_time(
    client, alice, bruno, make_user, monkeypatch, language
):
    alice.language = language
    alice.save(update_fields=["language"])
    carla = make_user("Carla", "D'Arcy")
    community = community_create(by=bruno, name="Qualité & sécurité")
    question = question_ask(author=bruno, body="Qui connaît l'*ISO 9001* ?", communities=[community])
    answer = post_create(author=carla, body="Moi, c'est <b>simple</b>", parent=question)
    post_create(author=alice, body="Moi aussi", parent=question)
    answer_vote(user=alice, answer=answer)
    answer_accept(by=bruno, answer=answer)
    post = post_create(author=alice, body="Bonjour #qualite")
    post_edit(post=post, by=alice, body="Bonjour à tous #qualite")
    for person, kind in [(bruno, "bravo"), (carla, "love")]:
        reaction_set(post=post, user=person, kind=kind)
    reaction_set(post=question, user=alice, kind="insightful")
    client.force_login(alice)
    pages = ["/company/", f"/posts/{question.pk}/", f"/posts/{post.pk}/"]
    compiled = [normalised(client.get(path)) for path in pages]
    assert ("Répondre" if language == "fr" else "Reply") in compiled[0]

    compiled_for = jinja.for_language  # now the environments whose `_()` translates at run time:
    monkeypatch.setattr(jinja, "for_language", lambda env, language, **kw: compiled_for(env, None, **kw))
    assert [normalised(client.get(path)) for path in pages] == compiled


def test_a_languages_environment_has_translated_the_literals_in_the_compiled_card():
    from django.template import engines

    env = jinja.for_language(engines["jinja2"].env, "fr")
    assert jinja.for_language(engines["jinja2"].env, "fr") is env
    source = env.loader.get_source(env, "posts/card.html")[0]
    code = env.compile(source, raw=True)
    with translation.override("fr"):
        assert gettext("Choose a reaction") in code  # merged into the markup around it
    assert "resolve('_')" not in code


def reference_avatar(user, size=40):
    """The avatar as it was drawn with format_html."""
    label = user.full_name
    photo = getattr(getattr(user, "profile", None), "photo", None)
    if photo:
        return format_html(
            '<img class="avatar" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
            photo.url, label, size, size,
        )  # fmt: skip
    return format_html(
        '<span class="avatar avatar-initials avatar-{} avatar-c{}" role="img" aria-label="{}">{}</span>',
        size, (user.pk or 0) % tags.AVATAR_COLOURS, label, user.initials,
    )  # fmt: skip


@pytest.mark.parametrize("photo", ["", "photos/l'été & <co>.jpg"])
@pytest.mark.parametrize(("first", "last"), [("Zoé", "D'Arcy"), ('"Jo"', "<b>&amp;</b>"), ("", "")])
def test_avatar_is_what_format_html_drew(photo, first, last):
    user = User(pk=13, first_name=first, last_name=last, email="x'y@example.com")
    user.profile = Profile(user=user, photo=photo)
    for size in (32, 44):
        assert tags.avatar(user, size) == reference_avatar(user, size)
    no_profile = User(first_name="Ana", last_name="Bo")
    assert tags.avatar(no_profile) == reference_avatar(no_profile)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_ago_says_what_timesince_says(monkeypatch, language):
    current = timezone.now().replace(microsecond=123456)
    monkeypatch.setattr(tags, "now", lambda: current)
    seconds = [60, 61, 119, 120, 3599, 3600, 3601, 86399, 86400, 6 * 86400 + 86399, 7 * 86400, 20 * 86400]
    seconds += [28 * 86400 - 1, 28 * 86400, 31 * 86400, 45 * 86400, 400 * 86400, 800 * 86400]
    moments = [current - timedelta(seconds=s, microseconds=m) for s in seconds for m in (0, 500000, 999999)]
    moments += [current - timedelta(days=d, hours=h) for d in range(0, 70, 3) for h in (0, 5, 23)]
    with translation.override(language):
        for moment in moments:
            if (current - moment).total_seconds() < 60:
                continue
            expected = gettext("%(time)s ago") % {"time": timesince(moment, current, depth=1)}
            assert tags.ago(moment) == expected, current - moment
        assert tags.ago(current - timedelta(seconds=59)) == gettext("just now")


@pytest.mark.parametrize("slug", ["qualite", "r-d_2", "Qualite-2026"])
def test_a_communitys_url_is_what_reverse_gives(slug):
    from django.urls import reverse

    from ruche.communities.models import Community

    assert Community(slug=slug).get_absolute_url() == reverse("communities:detail", args=[slug])


def test_the_header_escapes_as_django_does_and_marks_the_current_section(client, alice, admin, settings):
    settings.SITE_NAME = "L'Atelier"
    client.force_login(alice)
    page = client.get("/company/?x=it's").content.decode()
    assert 'width="28" height="28"> L&#x27;Atelier</a>' in page
    assert (
        '<a href="/company/" title="Company" aria-current="page">' in page
        and '<a href="/" title="Home" >' in page
    )
    assert 'name="next" value="/company/?x=it&#x27;s"' in page
    assert 'lang="fr">Français</button>' in page and "/people/admin/" not in page
    page = client.get("/search/", {"q": 'l\'usine "x" <b>'}).content.decode()
    assert 'maxlength="1000" value="l&#x27;usine &quot;x&quot; &lt;b&gt;">' in page

    admin.language = "fr"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    page = client.get("/").content.decode()
    assert "Inviter et gérer les utilisateurs" in page and 'aria-label="Menu principal"' in page
    assert 'lang="en">English</button>' in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_localised_is_what_a_django_template_shows(language):
    from zoneinfo import ZoneInfo

    from django.template import Context, Template

    django_template = Template("{{ moment }}")
    moments = [
        timezone.now(),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ]
    moments += [datetime(2026, month, 1 + month, 11 + month, 4 * month, tzinfo=UTC) for month in range(1, 13)]
    with translation.override(language):
        for zone in ["Europe/Paris", "America/New_York", "UTC"]:
            with timezone.override(ZoneInfo(zone)):
                for moment in moments:
                    assert jinja.localised(moment) == django_template.render(Context({"moment": moment}))


def test_the_composer_keeps_what_was_typed_and_escapes_as_django_does(client, alice, bruno):
    community = community_create(by=alice, name='L\'atelier "<b>"', visibility="private")
    community_create(by=alice, name="Qualité")
    client.force_login(alice)
    page = client.get(f"/questions/?community={community.slug}").content.decode()
    assert '<input type="radio" name="kind" value="question" checked>' in page
    assert (
        f'value="{community.pk}"\n      checked> L&#x27;atelier &quot;&lt;b&gt;&quot; <span class="pill">private</span>'
        in page
    )
    assert "\n      > Qualité</label>" in page
    response = client.post("/posts/new/", {"body": "a" * 20_001, "kind": "question"})
    page = response.content.decode()
    assert (
        response.status_code == 400 and 'aria-invalid="true"' in page and "a" * 20_001 + "</textarea>" in page
    )
    assert '<p id="composer-error" class="form-error" role="alert">Ensure this value has at most' in page
    response = client.post("/posts/new/", {"body": "<i>l'été</i>", "communities": ["x"]})
    assert "&lt;i&gt;l&#x27;été&lt;/i&gt;</textarea>" in response.content.decode()


def test_a_changed_catalogue_is_read_again_in_development(tmp_path):
    from pathlib import Path

    from django.template import engines
    from django.utils.autoreload import file_changed

    env = engines["jinja2"].env
    french = jinja.for_language(env, "fr")
    file_changed.send(sender=None, file_path=Path(tmp_path / "django.po"))
    assert jinja.for_language(env, "fr") is french
    file_changed.send(sender=None, file_path=Path(tmp_path / "django.mo"))
    assert jinja.for_language(env, "fr") is not french
