"""The home feed in French and English, on a desktop and on a phone, for the README.

Against a running demo (manage.py demo_company, then runserver or serve):

    .venv/bin/python scripts/home_screenshots.py --url http://127.0.0.1:8123

writes docs/screenshots/home-{fr,en}-{desktop,phone}.png and home-en-phone-suggestions.png (the side
column, below the feed on a phone), reduced to a 256-colour palette.
The person shown reads each language in turn: their own preference is what the page follows.
"""

import argparse
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PASSWORD = "ruche-demo-2026"  # noqa: S105 - the demo company's documented password


def small_png(png: bytes, path: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )


def sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{url}/")


def choose_language(page, url: str, language: str) -> None:
    """The topbar's language switch, as the person would use it."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    page.request.post(f"{url}/me/language/", form={"csrfmiddlewaretoken": token, "language": language},
                      headers={"Referer": f"{url}/"})  # fmt: skip


def clear_announcements(page) -> None:
    """Confirm or dismiss the pinned announcements once, so that the shots show the feed itself."""
    buttons = page.locator(".announcement-actions button")
    while buttons.count():
        buttons.first.click()
        page.wait_for_load_state("networkidle")
        page.reload()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--email", default="lea.dubois@ruche.example")
    args = parser.parse_args()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, viewport in VIEWPORTS.items():
            phone = name == "phone"
            context = browser.new_context(
                viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone, locale="en-GB"
            )
            page = context.new_page()
            sign_in(page, args.url, args.email)
            clear_announcements(page)
            for language in ("fr", "en"):
                choose_language(page, args.url, language)
                page.goto(f"{args.url}/")
                page.wait_for_load_state("networkidle")
                path = SHOTS / f"home-{language}-{name}.png"
                small_png(page.screenshot(), path)
                print(path.relative_to(SHOTS.parent.parent), f"{path.stat().st_size // 1024} KB")
            if phone:  # the side column sits below the feed there, reached by the link at the top
                page.get_by_role("link", name="Suggestions for you").click()
                path = SHOTS / "home-en-phone-suggestions.png"
                small_png(page.screenshot(), path)
                print(path.relative_to(SHOTS.parent.parent), f"{path.stat().st_size // 1024} KB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
