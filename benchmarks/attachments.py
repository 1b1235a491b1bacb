"""The home page with attachments and link previews, against the same page without them, in one run.

    .venv/bin/python benchmarks/attachments.py [--employees 2000] [--database sqlite|postgres|both]
                                               [--iterations 60] [--rounds 3]

A generated company (`manage.py demo_company --employees N`, made once under benchmarks/data/ and
reused, as run.py does) and its typical viewer (`run.typical_viewer`). Every post of the viewer's
first home page is then given a photo and a PDF (`attachment_upload`, then `post_edit` by its author)
and a link whose preview was fetched from a local site through the outbound door (`preview_fetch`):
the real services, inside a transaction rolled back at the end, so that the company is left as it
was (the stored files are deleted too). Rounds alternate the bare page and the same page with its
files (a savepoint, rolled back after each round), so that both see the same machine: on these
shared cores, compare the ratios, not the milliseconds. One JSON document is printed and saved to
benchmarks/results/attachments-<database>.json.
"""

import argparse
import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime

from run import (
    DATA,
    PG_SERVER,
    PYTHON,
    RESULTS,
    ROOT,
    child_env,
    ensure_company,
    machine,
    time_page,
    time_selector,
    typical_viewer,
)


def url_of(database: str, employees: int, seed: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'attachments-{employees}-s{seed}.sqlite3'}"
    return f"{PG_SERVER}/ruche_bench_attachments"


def article(n: int) -> tuple[int, dict, bytes]:
    html = f"""<html><head><meta property="og:title" content="La nouvelle ligne, épisode {n}">
    <meta property="og:description" content="Ce que change la ligne 3 pour l'atelier de Lyon : cadence,
    sécurité, formation des équipes."><meta property="og:site_name" content="L'Usine nouvelle">
    <meta property="og:image" content="/cover.jpg"></head></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


def prepare(viewer, site) -> tuple[list, dict, list[str]]:
    """Upload a photo and a PDF for each post of the first page (as its author) and fetch one
    preview per post: all kept out of the page until `dress` attaches them. Returns the page's
    posts, the ids to attach to each, and the stored files' names (to delete afterwards)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ruche.demo.files import DOCUMENTS, picture
    from ruche.feed.selectors import home_feed
    from ruche.files.services import attachment_upload
    from ruche.links.services import preview_fetch, preview_for

    posts = home_feed(viewer).items
    uploads, stored = {}, []
    name, pdf = DOCUMENTS["cse"]
    for n, post in enumerate(posts):
        files = [
            attachment_upload(
                uploader=post.author, upload=SimpleUploadedFile(f"Ligne {n}.jpg", picture("ligne", n % 3))
            ),
            attachment_upload(uploader=post.author, upload=SimpleUploadedFile(name, pdf())),
        ]
        uploads[post.pk] = [f.pk for f in files]
        stored += [f.file.name for f in files] + [f.thumbnail.name for f in files if f.thumbnail]
        preview = preview_for(site.url(f"/article/{n}"))
        assert preview_fetch(preview.pk) == "ready", "the local site's page gave no preview"
        preview.refresh_from_db()
        stored.append(preview.image.name)
    return posts, uploads, stored


def dress(posts, uploads, site) -> None:
    """Each post gains its photo, its PDF and its link, through the author's own edit."""
    from ruche.posts.models import Post
    from ruche.posts.services import post_edit

    for n, shown in enumerate(posts):
        post = Post.objects.select_related("author").get(pk=shown.pk)
        body = f"{post.body}\n\nÀ lire : {site.url(f'/article/{n}')}"
        post_edit(post=post, by=post.author, body=body, attachments=uploads[post.pk])


def measure(iterations: int, warmup: int, rounds: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.storage import default_storage
    from django.db import connection, transaction
    from django.test import Client

    from ruche.demo.files import picture
    from ruche.feed.selectors import home_feed
    from tests.local_sites import LocalSite

    viewer = typical_viewer()
    client = Client()
    client.force_login(viewer)
    routes = {f"/article/{n}": article(n) for n in range(settings.FEED_PAGE_SIZE + 1)}
    routes["/cover.jpg"] = (200, {"Content-Type": "image/jpeg"}, picture("equipe", 0))
    results: dict[str, list] = {"bare": [], "with_files": []}
    stored: list[str] = []
    try:
        with LocalSite(routes) as site, transaction.atomic():
            settings.FETCH_ALLOWED_HOSTS = [site.allowed]
            posts, uploads, stored = prepare(viewer, site)
            for _round in range(rounds):
                results["bare"].append(one_state(client, viewer, home_feed, iterations, warmup))
                point = transaction.savepoint()
                dress(posts, uploads, site)
                state = one_state(client, viewer, home_feed, iterations, warmup)
                state["cards_with_files"] = sum(bool(p.files) for p in home_feed(viewer).items)
                state["thumbnail_bytes"] = page_images(home_feed(viewer).items, default_storage)
                results["with_files"].append(state)
                transaction.savepoint_rollback(point)
            transaction.set_rollback(True)
    finally:
        for name in stored:
            default_storage.delete(name)
    return {
        "database": connection.vendor,
        "viewer": {"handle": viewer.handle, "follows": viewer.follows},
        "page_size": settings.FEED_PAGE_SIZE,
        "iterations": iterations,
        "rounds": results,
        "summary": summarise(results),
    }


def one_state(client, viewer, home_feed, iterations: int, warmup: int) -> dict:
    return {
        "home_feed": time_selector(lambda: home_feed(viewer), iterations, warmup),
        "home_page": time_page(client, "/", iterations, warmup),
    }


def page_images(posts, storage) -> int:
    """What the browser fetches besides the page for its files: the thumbnails and preview images."""
    names = [f.thumbnail.name for p in posts for f in p.files if f.thumbnail]
    names += [p.link_preview.image.name for p in posts if p.link_preview_id and p.link_preview.image]
    return sum(storage.size(name) for name in names)


def summarise(results: dict) -> dict:
    """Medians over the rounds; the ratio is taken round by round (both states saw the same load)."""

    def median(state: str, what: str, key: str) -> float:
        return round(statistics.median(r[what][key] for r in results[state]), 2)

    def ratio(what: str, key: str) -> float:
        pairs = zip(results["bare"], results["with_files"], strict=True)
        return round(statistics.median(w[what][key] / b[what][key] for b, w in pairs), 3)

    summary = {}
    for what, key in (("home_feed", "p50_ms"), ("home_page", "p50_ms"), ("home_page", "cpu_p50_ms")):
        summary[f"{what}_{key}"] = {
            "bare": median("bare", what, key),
            "with_files": median("with_files", what, key),
            "ratio": ratio(what, key),
        }
    last = {state: results[state][-1] for state in results}
    summary["queries"] = {
        "home_feed": {s: last[s]["home_feed"]["queries"] for s in last},
        "home_page": {s: last[s]["home_page"]["queries"] for s in last},
    }
    summary["page_bytes"] = {s: last[s]["home_page"]["bytes"] for s in last}
    summary["thumbnail_bytes"] = last["with_files"]["thumbnail_bytes"]
    summary["cards_with_files"] = last["with_files"]["cards_with_files"]
    return summary


def run_one(database: str, args) -> dict:
    url = url_of(database, args.employees, args.seed)
    generation = ensure_company(
        database, args.employees, args.seed, args.rebuild, url=url, name=f"attachments-{database}"
    )
    command = [PYTHON, __file__, "--measure", f"--iterations={args.iterations}", f"--warmup={args.warmup}",
               f"--rounds={args.rounds}"]  # fmt: skip
    env = child_env(url) | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        employees=args.employees,
        seed=args.seed,
        generation_seconds=generation,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=machine(),
        command=" ".join(sys.argv),
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"attachments-{database}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=2_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="generate the company again even if present")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.iterations, args.warmup, args.rounds)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {db: run_one(db, args) for db in databases}
    print(json.dumps({db: r["summary"] for db, r in results.items()}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "benchmarks"))
    main()
