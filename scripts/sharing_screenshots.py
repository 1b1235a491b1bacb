"""Attachments and shares, for the README, in French on a desktop.

Against a running demo (manage.py demo_company, then serve):

    .venv/bin/python scripts/sharing_screenshots.py --url http://127.0.0.1:8123

signs in as Léa Dubois, attaches a photo and a PDF to a new post (docs/screenshots/attachments.png:
the composer with its chips, then the card), and shares that post into a community with a comment
(docs/screenshots/share.png), reduced to a 256-colour palette. It writes to the demo as a person would.
"""

import argparse
import io
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import expect, sync_playwright

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "ruche-demo-2026"  # noqa: S105 - the demo company's documented password
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo() -> bytes:
    """The new assembly line, as a child would draw it: conveyor, robots, lamps."""
    image = Image.new("RGB", (1600, 1000), (226, 232, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 760, 1600, 1000], fill=(96, 100, 108))
    draw.rectangle([80, 640, 1520, 700], fill=(48, 52, 60))
    for i in range(5):
        x = 180 + i * 290
        draw.rectangle([x, 430, x + 70, 640], fill=(232, 140, 20))
        draw.line([x + 35, 430, x + 120, 330], fill=(232, 140, 20), width=26)
        draw.ellipse([x + 100, 300, x + 150, 350], fill=(60, 60, 70))
        draw.rectangle([x + 150, 590, x + 230, 640], fill=(70, 120, 190))
        draw.ellipse([x + 20, 60, x + 90, 130], fill=(255, 238, 170))
    return _jpeg(image)


def _jpeg(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def small_png(png: bytes, path: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )


def side_by_side(left: bytes, right: bytes) -> bytes:
    a, b = Image.open(io.BytesIO(left)), Image.open(io.BytesIO(right))
    both = Image.new("RGB", (a.width + b.width + 24, max(a.height, b.height)), (244, 242, 238))
    both.paste(a, (0, 0))
    both.paste(b, (a.width + 24, 0))
    out = io.BytesIO()
    both.save(out, "PNG")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--email", default="lea.dubois@ruche.example")
    args = parser.parse_args()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_context(viewport={"width": 1100, "height": 1000}, locale="fr-FR").new_page()
        page.goto(f"{args.url}/accounts/login/")
        page.fill("input[name=login]", args.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(f"{args.url}/")
        composer = page.locator("#composer")
        composer.locator("textarea").fill(
            "La nouvelle ligne d'assemblage tourne depuis ce matin à Lyon. Le rapport de mise en service est joint."
        )
        composer.locator("input[type=file]").set_input_files(
            [
                {"name": "ligne-3-lyon.jpg", "mimeType": "image/jpeg", "buffer": photo()},
                {"name": "Mise en service ligne 3.pdf", "mimeType": "application/pdf", "buffer": PDF},
            ]
        )
        expect(composer.locator(".attach-chip:not(.uploading)")).to_have_count(2)
        before = composer.screenshot()
        composer.get_by_role("button", name="Publier").click()
        card = page.locator("#feed-items > article.post").first
        expect(card.locator(".document-tile")).to_be_visible()
        page.wait_for_timeout(300)  # the thumbnail is drawn
        small_png(side_by_side(before, card.screenshot()), SHOTS / "attachments.png")

        card.get_by_role("link", name="Partager cette publication").click()
        page.locator("textarea").first.fill(
            "À voir : 18 mois de travail de l'équipe méthodes. Bravo à tous ! 👏"
        )
        destination = page.get_by_label("Partager avec")
        destination.select_option(index=destination.locator("option").count() - 1)
        page.get_by_role("button", name="Partager").last.click()
        share = page.locator("article.post").first
        expect(share.locator(".document-tile")).to_be_visible()
        page.wait_for_timeout(300)
        small_png(share.screenshot(), SHOTS / "share.png")
        browser.close()


if __name__ == "__main__":
    main()
