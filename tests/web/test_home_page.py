"""The home page is drawn by Jinja2 (ruche/web/jinja2/web/home_page.html): its shell must stay the
Django pages' shell (web/base.html), and every template a template names must exist in its engine."""

import re
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from ruche.web import jinja

pytestmark = pytest.mark.django_db
RUCHE = Path(jinja.__file__).resolve().parents[1]
RANDOM = re.compile(r'(name="(?:csrfmiddlewaretoken|client_token)" value=")[^"]+|("X-CSRFToken": ")[^"]+')


def home_request(user, *, flash: str = ""):
    request = RequestFactory().get("/?filter=all")
    request.user, request.session, request.htmx = user, SessionStore(), False
    request.resolver_match = resolve("/")
    request._messages = FallbackStorage(request)
    if flash:
        messages.success(request, flash)
    return request


@pytest.mark.parametrize(("language", "flash"), [("en", ""), ("fr", "C'est <publié> & lu")])
def test_the_jinja2_layout_draws_the_django_base_shell(alice, bruno, language, flash):
    alice.language = language
    alice.save(update_fields=["language"])
    with translation.override(language):
        django_page = render_to_string("web/base.html", request=home_request(alice, flash=flash))
        jinja_page = jinja.render_page(
            home_request(alice, flash=flash), "web/layout.html", {}
        ).content.decode()
    assert "topbar" in jinja_page and 'id="realtime"' in jinja_page
    assert ("message-success" in jinja_page) == bool(flash)
    assert RANDOM.sub(r"\1\2…", jinja_page) == RANDOM.sub(r"\1\2…", django_page)


def named(folder: str, tags: str) -> set[str]:
    """The template names given to `tags` in the templates of every app's `folder`."""
    pattern = re.compile(rf"{{%-? *(?:{tags}) +[\"']([^\"']+)[\"']")
    return {
        name for file in RUCHE.glob(f"*/{folder}/**/*.html") for name in pattern.findall(file.read_text())
    }


def test_every_template_named_exists_in_its_engine():
    """Deleted templates are named nowhere; Django templates name Jinja2 ones with jinja_include."""
    django_named = named("templates", "include|extends")
    assert "web/base.html" in django_named
    for name in django_named:
        engines["django"].get_template(name)
    bridged = named("templates", "jinja_include")
    assert {
        "accounts/completeness.html",
        "accounts/follow_button.html",
        "announcements/actions.html",
    } <= bridged
    for name in bridged | named("jinja2", "include|extends|import|from"):
        engines["jinja2"].env.get_template(name)


def test_the_home_page_and_its_fragments_are_drawn_by_jinja2(client, alice):
    client.force_login(alice)
    page = client.get("/")
    assert [t.name for t in page.templates] == ["web/home_page.html"]
    assert page.content.decode().startswith("<!doctype html>") and 'id="home-feed"' in page.content.decode()
    feed = client.get("/?filter=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="home-feed")
    assert [t.name for t in feed.templates] == ["web/home_feed.html"]
    assert feed.content.decode().startswith('\n<div class="feed-choices">')
    more = client.get("/?filter=all", HTTP_HX_REQUEST="true")
    assert [t.name for t in more.templates] == ["web/home_feed_page.html"]
    assert "feed-choices" not in more.content.decode() and "<html" not in more.content.decode()
