"""The LDAP sync's admin page (/manage/ldap/), for the README: in French on a desktop, in English on
a phone.

    .venv/bin/python scripts/ldap_screenshots.py

Starts its own slapd (tests/ldap/slapd.py) with a small company, a fresh SQLite database in a
temporary folder, syncs once, changes the directory (a new title, a departure, a newcomer, an entry
without mail) and runs a dry run, then serves Ruche (`manage.py runserver`) and photographs the page
with Debian's Chromium: docs/screenshots/ldap-sync.png and ldap-sync-phone.png.
"""

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.ldap.slapd import PEOPLE, ROOT_DN, ROOT_PASSWORD, Slapd  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct-horse-battery"  # noqa: S105 - a throwaway database's administrator
ADMIN = "ada.admin@ruche.example"


def company(slapd) -> None:
    people = [
        ("sophie", "Sophie", "Durand", "Directrice du site", "Direction", "Lyon", None),
        ("marc", "Marc", "Blanc", "Chef d'atelier", "Production", "Lyon", "sophie"),
        ("ines", "Inès", "Roy", "Technicienne", "Production", "Lyon", "marc"),
        ("paul", "Paul", "Henry", "Comptable", "Finance", "Paris", "sophie"),
        ("lea", "Léa", "Morel", "Acheteuse", "Achats", "Lyon", "sophie"),
    ]
    with slapd.connection() as ldap:
        for uid, first, last, title, department, site, manager in people:
            slapd.add(
                ldap,
                uid,
                mail=f"{first.lower().replace('è', 'e').replace('é', 'e')}.{last.lower()}@ruche.example",
                givenName=first,
                sn=last,
                title=title,
                departmentNumber=department,
                l=site,
                manager=slapd.dn(manager) if manager else None,
            )


def changes(slapd) -> None:
    with slapd.connection() as ldap:
        slapd.replace(ldap, "paul", title="Directeur financier")
        ldap.delete(slapd.dn("lea"))
        slapd.add(
            ldap, "zoe", mail="zoe.petit@ruche.example", givenName="Zoé", sn="Petit", title="Alternante"
        )
        slapd.add(ldap, "stagiaire", givenName="Sans", sn="Adresse")


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def main() -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    slapd = Slapd().start()
    folder = Path(tempfile.mkdtemp(prefix="ruche-ldap-shots-"))
    env = dict(
        os.environ,
        RUCHE_DATABASE_URL=f"sqlite:///{folder / 'ruche.sqlite3'}",
        RUCHE_VAR_DIR=str(folder),
        RUCHE_MEDIA_ROOT=str(folder / "media"),
        RUCHE_SECRET_KEY="screenshots-only-" + "x" * 40,
        RUCHE_LDAP_URL=slapd.url,
        RUCHE_LDAP_BIND_DN=ROOT_DN,
        RUCHE_LDAP_BIND_PASSWORD=ROOT_PASSWORD,
        RUCHE_LDAP_BASE_DN=PEOPLE,
        RUCHE_TASKS_EAGER="true",
        RUCHE_DEBUG="true",
    )
    server = None
    try:
        company(slapd)
        manage(env, "migrate", "-v0")
        for language in ("fr", "en"):
            admin = (
                "from django.utils import timezone; from ruche.accounts.models import Profile, User; "
                f"u = User.objects.create_user('{language}.{ADMIN}', {PASSWORD!r}, first_name='Ada', "
                f"last_name='Admin', is_staff=True, activated_at=timezone.now(), language={language!r}); "
                "Profile.objects.create(user=u)"
            )
            manage(env, "shell", "-c", admin)
        manage(env, "ldap_sync")
        changes(slapd)
        manage(env, "ldap_sync", "--dry-run")
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:8765"], cwd=ROOT, env=env
        )
        time.sleep(4)
        SHOTS.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for name, options, language in (
                ("ldap-sync.png", {"viewport": {"width": 1100, "height": 900}}, "fr"),
                ("ldap-sync-phone.png", {"viewport": {"width": 390, "height": 844}, "is_mobile": True}, "en"),
            ):
                page = browser.new_context(**options).new_page()
                page.goto("http://127.0.0.1:8765/accounts/login/")
                page.fill("input[name=login]", f"{language}.{ADMIN}")
                page.fill("input[name=password]", PASSWORD)
                page.locator("form button[type=submit]").last.click()
                page.wait_for_url("http://127.0.0.1:8765/")
                page.goto("http://127.0.0.1:8765/manage/ldap/")
                page.evaluate(
                    "document.querySelectorAll('[data-testid=ldap-runs] > li:first-child details')"
                    ".forEach(d => { d.open = true; })"
                )
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "too wide"
                # The whole page in one viewport: the sticky top bar stays at the top.
                height = page.evaluate("document.documentElement.scrollHeight")
                page.set_viewport_size({"width": options["viewport"]["width"], "height": height})
                png = page.screenshot(animations="disabled", caret="hide")
                image = Image.open(io.BytesIO(png)).convert("RGB")
                image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
                    SHOTS / name, optimize=True
                )
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        slapd.stop()


if __name__ == "__main__":
    main()
