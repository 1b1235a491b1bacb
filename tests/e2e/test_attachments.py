"""Attachments in Chromium: pick a photo and a PDF in the composer (each uploads with its
progress), paste a screenshot into a reply, drop a file on a form; the card shows the photo and a
document tile, and a colleague outside a private community cannot open the file by its address."""

import pytest
from playwright.sync_api import expect

from ruche.communities.models import Community
from tests.e2e.pages import loaded_width
from tests.files.conftest import PDF, png
from tests.images import spy_jpeg

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_photo_and_a_pdf_are_attached_to_a_post_and_shown_in_its_card(live_server, login, page, alice):
    login(page, alice)
    composer = page.locator("#composer")
    composer.get_by_role("textbox", name="Share with your colleagues").fill(
        "La nouvelle ligne, et le rapport"
    )
    composer.locator("input[type=file]").set_input_files(
        [
            {"name": "ligne.jpg", "mimeType": "image/jpeg", "buffer": spy_jpeg((2400, 1600))},
            {"name": "Rapport Q3.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    chips = composer.locator(".attach-chip:not(.uploading)")
    expect(chips).to_have_count(2)
    expect(composer.locator(".attach-chip").last).to_contain_text("Rapport Q3.pdf")
    composer.get_by_role("button", name="Publish").click()
    card = page.locator("#feed-items > article.post").first
    expect(card.locator(".post-body")).to_contain_text("La nouvelle ligne")
    photo = card.locator(".attachment-images img")
    expect(photo).to_have_count(1)
    assert loaded_width(photo) == 640  # the thumbnail, served by Ruche
    tile = card.locator(".document-tile")
    expect(tile).to_contain_text("Rapport Q3.pdf")
    expect(tile).to_contain_text("PDF")
    expect(composer.locator(".attach-chip")).to_have_count(0)  # a fresh composer


def test_a_refused_file_says_why_and_can_be_removed(live_server, login, page, alice):
    login(page, alice)
    composer = page.locator("#composer")
    composer.locator("input[type=file]").set_input_files(
        {"name": "page.html", "mimeType": "text/html", "buffer": b"<html><script>alert(1)</script>"}
    )
    failed = composer.locator(".attach-failed")
    expect(failed.get_by_role("alert")).to_contain_text("page.html")
    failed.get_by_role("button").click()
    expect(composer.locator(".attach-chip")).to_have_count(0)


def test_a_pasted_screenshot_goes_with_a_reply(live_server, login, page, alice, bruno):
    from ruche.posts.services import post_create

    post = post_create(author=bruno, body="Quelqu'un a une capture de l'erreur ?")
    login(page, alice)
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    card = page.locator("article.post").first
    reply = card.get_by_role("textbox", name="Your reply")
    reply.fill("La voici")
    reply.focus()
    page.evaluate(
        """([bytes]) => {
            const file = new File([new Uint8Array(bytes)], "capture.png", {type: "image/png"});
            const data = new DataTransfer(); data.items.add(file);
            document.activeElement.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }""",
        [list(png((800, 500), "RGB"))],
    )
    expect(card.locator(".attach-chip:not(.uploading) img")).to_have_count(1)
    card.get_by_role("button", name="Reply").click()
    updated = page.locator("article.post").first
    expect(updated.locator(".reply .attachment-images img")).to_have_count(1)


def test_an_outsider_cannot_open_a_private_communitys_file(
    live_server, login, page, new_page, alice, bruno, make_community
):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[alice])
    login(page, alice)
    page.goto(f"{live_server.url}{private.get_absolute_url()}")
    composer = page.locator("#community-composer")
    composer.get_by_role("textbox", name="Post in Direction").fill("Chiffres confidentiels")
    composer.locator("input[type=file]").set_input_files(
        {"name": "chiffres.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    expect(composer.locator(".attach-chip:not(.uploading)")).to_have_count(1)
    composer.get_by_role("button", name="Publish").click()
    tile = page.locator("article.post .document-tile").first
    expect(tile).to_contain_text("chiffres.pdf")
    address = tile.get_attribute("href")
    outsider = login(new_page(), bruno)
    assert outsider.goto(f"{live_server.url}{address}").status == 404
    member = page.request.get(f"{live_server.url}{address}")  # the same check, with Alice's cookies
    assert member.status == 200 and member.body() == PDF


def test_a_file_dropped_on_the_composer_is_attached(live_server, login, page, alice):
    login(page, alice)
    composer = page.locator("#composer")
    composer.locator("textarea").dispatch_event(
        "dragover", {"dataTransfer": page.evaluate_handle("new DataTransfer()")}
    )
    page.evaluate(
        """([bytes]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "Planning.pdf", {type: "application/pdf"}));
            const target = document.querySelector("#composer textarea");
            target.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        [list(PDF)],
    )
    expect(composer.locator(".attach-chip:not(.uploading)")).to_contain_text("Planning.pdf")
    composer.get_by_role("button", name="Publish").click()
    expect(page.locator("#feed-items > article.post").first.locator(".document-tile")).to_contain_text(
        "Planning.pdf"
    )
