"""Adoption analytics, for the README, in French, from the demo company's launch history.

Against a running demo (manage.py demo_company, then serve):

    .venv/bin/python scripts/analytics_screenshots.py --url http://127.0.0.1:8123

signs in as the administrator and takes: the dashboard's activation and active people
(docs/screenshots/analytics-activation.png), the participation pyramid and the departments
(analytics-participation.png), the dashboard filtered on a department on a phone
(analytics-phone.png), a community's figures (analytics-community.png); each reduced to a
256-colour palette. It only reads.
"""

import argparse
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "ruche-demo-2026"  # noqa: S105 - the demo company's documented password
ADMIN = "admin@ruche.example"


def small_png(png: bytes, path: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )


def section(page, selector: str, path: Path) -> None:
    page.evaluate("document.querySelector('.topbar').style.position = 'static'")  # not over the section
    small_png(page.locator(selector).screenshot(), path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    url = parser.parse_args().url.rstrip("/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for width, height in ((1280, 900), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height}, locale="fr-FR")
            page.goto(f"{url}/accounts/login/")
            page.fill("input[name=login]", ADMIN)
            page.fill("input[name=password]", PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state()
            if width > 800:
                page.goto(f"{url}/analytics/?period=90")
                section(page, "#activation", SHOTS / "analytics-activation.png")
                section(page, "#actives", SHOTS / "analytics-actives.png")
                section(page, "#pyramid", SHOTS / "analytics-participation.png")
                slug = page.locator("#communities table a").first.get_attribute("href")
                page.goto(f"{url}{slug}?period=90")
                small_png(page.screenshot(full_page=False), SHOTS / "analytics-community.png")
            else:
                page.goto(f"{url}/analytics/")
                page.get_by_label("Service", exact=True).select_option(label="Production")
                page.get_by_role("button", name="Afficher").click()
                page.locator("#actives").scroll_into_view_if_needed()
                small_png(page.screenshot(full_page=False), SHOTS / "analytics-phone.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
