"""My data in Chromium: ask for the export, watch it being prepared (the page polls), be notified,
download the ZIP and find one's own data in it, and nothing of a colleague's."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from ruche.communities.models import Community
from ruche.posts.services import post_create
from ruche.privacy.models import DataExport
from ruche.privacy.services.export import export_build

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

SECRET = "Bruno's secret: the Ducros merger"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def held_tasks(settings):
    """The worker is away: the export waits in the task table until the test builds it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_a_person_asks_is_told_and_downloads_their_data(
    live_server, login, page, alice, bruno, make_community, held_tasks
):
    board = make_community("Board", visibility=Community.Visibility.SECRET, owner=bruno)
    post_create(author=bruno, body=SECRET, communities=[board])
    post_create(author=alice, body="Alice's own words")
    login(page, alice)
    page.locator("details.menu summary").first.click()
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="My data", exact=True)).to_be_visible()
    expect(page.locator("table.signins tbody tr")).to_have_count(1)  # this very sign-in

    page.get_by_role("button", name="Prepare my export").click()
    expect(page.get_by_text("Your export is being prepared; we'll tell you when it's ready.")).to_be_visible()
    expect(page.locator('[data-state="pending"]')).to_be_visible()
    expect(page.get_by_role("button", name="Prepare a new export")).to_have_count(0)  # nothing to ask twice

    export = DataExport.objects.get(user=alice)
    export_build(export_id=export.pk)  # the worker's turn
    expect(page.locator('[data-state="ready"]')).to_be_visible(timeout=10_000)  # the page polled

    page.goto(f"{live_server.url}/notifications/")
    told = page.get_by_text("Your data export is ready to download")
    expect(told).to_be_visible()
    told.click()
    expect(page).to_have_url(f"{live_server.url}/me/data/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename == f"ruche-data-{alice.handle}.zip"
    with open(download.value.path(), "rb") as saved:
        files = zipfile.ZipFile(io.BytesIO(saved.read()))
    profile = json.loads(files.read("profile.json"))
    assert profile["email"] == alice.email
    assert [p["text"] for p in json.loads(files.read("posts.json"))] == ["Alice's own words"]
    assert "README.txt" in files.namelist()
    everything = b"".join(files.read(name) for name in files.namelist()).decode("utf-8", errors="replace")
    assert SECRET not in everything and bruno.email not in everything


def test_my_data_fits_a_phone(live_server, login, new_phone, alice):
    phone = login(new_phone(), alice)
    phone.goto(f"{live_server.url}/me/data/")
    expect(phone.get_by_role("button", name="Prepare my export")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
