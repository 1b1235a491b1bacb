"""/me/apps/: the apps a person allowed, and revoking one."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from ruche.mastodon.services import app_register

pytestmark = pytest.mark.django_db


def _allowed(user, name="Phone app", scope="read write"):
    application, _secret = app_register(
        name=name, redirect_uris="https://app.example/cb", scopes="read write", website="https://app.example"
    )
    AccessToken.objects.create(
        user=user, application=application, token=f"t-{name}-{user.pk}", scope=scope,
        expires=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    return application


def test_the_page_lists_my_apps_in_plain_words_and_revokes_one(client, alice, bruno):
    mine = _allowed(alice)
    _allowed(bruno, name="Bruno's tool")
    client.force_login(alice)
    page = client.get("/me/apps/").content.decode()
    assert "Phone app" in page and "Bruno" not in page
    assert "Post, reply, react, share and change things in your name" in page
    response = client.post(f"/me/apps/{mine.pk}/revoke/")
    assert response.status_code == 302
    assert not AccessToken.objects.filter(user=alice).exists()
    assert AccessToken.objects.filter(user=bruno).exists()


def test_revoking_someone_elses_app_is_a_404_and_changes_nothing(client, alice, bruno):
    theirs = _allowed(bruno)
    client.force_login(alice)
    assert client.post(f"/me/apps/{theirs.pk}/revoke/").status_code == 404
    assert AccessToken.objects.filter(user=bruno).exists()


def test_the_consent_page_speaks_french(client, alice):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    application, _secret = app_register(
        name="Tusky", redirect_uris="https://app.example/cb", scopes="read write"
    )
    client.force_login(alice)
    page = client.get(
        "/oauth/authorize",
        {"response_type": "code", "client_id": application.client_id, "redirect_uri": "https://app.example/cb",
         "scope": "read write"},
    ).content.decode()  # fmt: skip
    assert "Autoriser « Tusky » à utiliser votre compte ?" in page
    assert "Voir tout ce que vous voyez" in page and "Refuser" in page
