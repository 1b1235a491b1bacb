"""The org chart, for the README: a person's place on a desktop, a department's tree on a phone.

Against a running demo (manage.py demo_company, then runserver or serve):

    .venv/bin/python scripts/org_screenshots.py --url http://127.0.0.1:8123

signs in as Léa Dubois and writes docs/screenshots/org-chart.png (her place in the chart: her
managers above, her colleague's team opened in place) and org-chart-phone.png (the Production
department's tree, 390 px wide), reduced to a 256-colour palette. It only reads the demo.
"""

import argparse
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "ruche-demo-2026"  # noqa: S105 - the demo company's documented password
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


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


def desktop(browser, url: str, email: str, handle: str) -> None:
    page = browser.new_page(viewport=DESKTOP, locale="fr-FR")
    sign_in(page, url, email)
    # The director's page: the CEO above, the teams below, the first team opened in place.
    page.goto(f"{url}/people/{handle}/org/")
    manager = page.locator(".org-chain li").last.locator("a.org-name")
    manager.click()
    page.wait_for_load_state("networkidle")
    toggle = page.locator(".org-reports a.org-toggle").first
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    small_png(page.screenshot(full_page=True), SHOTS / "org-chart.png")
    page.close()


def phone(browser, url: str, email: str, department: str) -> None:
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    sign_in(page, url, email)
    page.goto(f"{url}/org/")
    page.get_by_role("link", name=department, exact=True).click()
    page.wait_for_load_state("networkidle")
    small_png(page.screenshot(), SHOTS / "org-chart-phone.png")
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--email", default="lea.dubois@ruche.example")
    parser.add_argument("--handle", default="lea.dubois")
    parser.add_argument("--department", default="Production")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        desktop(browser, args.url, args.email, args.handle)
        phone(browser, args.url, args.email, args.department)
        browser.close()


if __name__ == "__main__":
    main()
