"""Which language a page speaks: the company's before sign-in, the person's after."""

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from tests.core.i18n import in_french

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def test_the_log_in_page_speaks_the_company_language_not_the_browsers(client, settings):
    settings.LANGUAGE_CODE = "fr"
    page = client.get("/accounts/login/", headers=ENGLISH_BROWSER)
    assert page["Content-Language"] == "fr" and "Accept-Language" not in page.get("Vary", "")
    assert in_french("Forgot your password?") in page.content.decode()
    settings.LANGUAGE_CODE = "en"
    assert "Forgot your password?" in client.get("/accounts/login/").content.decode()


def test_a_language_chosen_with_the_switch_wins_before_sign_in(client, settings):
    settings.LANGUAGE_CODE = "fr"
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Forgot your password?" in client.get("/accounts/login/").content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "klingon"  # ignored, not an error
    assert client.get("/accounts/login/")["Content-Language"] == "fr"


def test_the_signed_in_persons_language_wins(client, settings, alice):
    settings.LANGUAGE_CODE = "fr"
    client.force_login(alice)  # alice reads English
    assert client.get("/", headers={"Accept-Language": "fr"})["Content-Language"] == "en"


@pytest.mark.parametrize(("company", "person"), [("fr", "en"), ("en", "fr")])
def test_the_signed_in_message_is_in_the_persons_language(client, settings, alice, company, person):
    settings.LANGUAGE_CODE = company
    alice.language = person
    alice.save(update_fields=["language"])
    response = client.post(
        "/accounts/login/", {"login": alice.email, "password": "correct-horse-battery"}, follow=True
    )
    with translation.override(person):
        expected = translation.gettext("Successfully signed in as %(name)s.") % {"name": alice.full_name}
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [expected]


def test_the_signed_out_message_and_next_page_speak_the_company_language(client, settings, alice):
    settings.LANGUAGE_CODE = "fr"
    alice.language = ""
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.post("/accounts/logout/", follow=True, headers=ENGLISH_BROWSER)
    assert [str(m) for m in response.context["messages"]] == [in_french("You have signed out.")]
    assert response["Content-Language"] == "fr"


def test_the_api_still_negotiates_with_accept_language(client, settings):
    settings.LANGUAGE_CODE = "fr"
    response = client.get("/api/ruche/v1/feed/", headers={"Accept-Language": "en"})
    assert response.json()["detail"] == "Sign in, or send an API token."
    assert "Accept-Language" in response["Vary"]


def test_every_ruche_app_has_a_french_name_in_the_admin():
    from django.apps import apps

    ruche_apps = [config for config in apps.get_app_configs() if config.name.startswith("ruche.")]
    with translation.override("fr"):
        names = {config.label: str(config.verbose_name) for config in ruche_apps}
    with translation.override("en"):
        untranslated = [c.label for c in ruche_apps if str(c.verbose_name) == names[c.label]]
    assert untranslated == ["notifications"]  # the same word in both languages


def test_english_dates_are_day_first_and_french_ones_unchanged():
    from datetime import datetime

    from django.utils import formats

    moment = datetime(2026, 10, 25, 14, 30)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "25/10/2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "25 Oct 2026, 14:30"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"  # what <input type=date> reads
    with translation.override("fr"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "25/10/2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "25 octobre 2026 14:30"
