"""Time search on a generated company with a million posts and replies, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/search.py [--employees 10000] [--posts 1000000] [--database sqlite|postgres|both]

Building: `manage.py demo_company --employees N --weeks 1` (people, profiles, skills, follows,
communities, a week of posts), then `--posts` posts and replies added in bulk (bodies recombined
from the demo's sentences, 90-9-1 authors, a third of the threads placed in communities, a rare
word in a few dozen posts), ANALYZE, then `manage.py search_rebuild`, timed: the index build.
Each database is measured in its own process; JSON goes to benchmarks/results/search-<db>.json.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (
    DATA,
    PG_SERVER,
    PYTHON,
    RESULTS,
    ROOT,
    child_env,
    machine,
    reset_database,
    time_page,
    time_selector,
)  # noqa: E402

PG_DATABASE = "ruche_search_bench"
RARE = "zephyrine"  # appears in RARE_COUNT posts only
RARE_COUNT = 40
TARGETS_MS = {"search_p95": 50, "autocomplete_p95": 20}


def database_url(database: str, employees: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'search-{employees}.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


def manage(env: dict, *args: str) -> float:
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return round(time.monotonic() - started, 1)


def build(database: str, args) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    url = database_url(database, args.employees)
    env = child_env(url)
    reset_database(database, url)
    manage(env, "migrate", "--no-input", "-v0")
    timings = {"demo_company_s": manage(env, "demo_company", f"--employees={args.employees}", "--weeks=1")}
    started = time.monotonic()
    child = [PYTHON, __file__, "--bulk", f"--posts={args.posts}", f"--seed={args.seed}"]
    subprocess.run(child, cwd=ROOT, env=env, check=True)
    timings["bulk_posts_s"] = round(time.monotonic() - started, 1)
    timings["search_rebuild_s"] = manage(env, "search_rebuild")
    return timings


# --- in the child: bulk posts -------------------------------------------------------------------


def bulk_posts(total: int, seed: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.html import escape

    from ruche.communities.models import Placement
    from ruche.posts.models import Post

    rng = random.Random(seed)
    existing = Post.objects.count()
    sentences = sorted(
        {
            s.strip()
            for body in Post.objects.values_list("body", flat=True)[:20000]
            for s in body.replace("!", ".").replace("?", ".").split(".")
            if len(s.strip()) > 12
        }
    )
    authors = list(Post.objects.values_list("author_id", flat=True))  # the demo's 90-9-1 skew
    communities = _communities(rng)
    to_make = max(0, total - existing)
    rare_ids = set(rng.sample(range(to_make), min(RARE_COUNT, to_make)))
    start = (Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    span = timedelta(days=730)
    roots: list[int] = []
    batch, placements = [], []
    print(f"{len(sentences)} sentences, {to_make} posts and replies to add", flush=True)
    for i in range(to_make):
        pk = start + i
        body = ". ".join(rng.sample(sentences, rng.randint(1, 3))) + "."
        if i in rare_ids:
            body += f" {RARE.capitalize()} en test."
        reply = roots and rng.random() < 0.68
        parent = rng.choice(roots[-500:]) if reply else None
        created = now - span + span * (i / to_make)
        batch.append(
            Post(pk=pk, author_id=rng.choice(authors), parent_id=parent, body=body,
                 body_html=f"<p>{escape(body)}</p>", created=created)
        )  # fmt: skip
        if not reply:
            roots.append(pk)
            if communities and rng.random() < 0.33:
                placements.append(Placement(post_id=pk, community_id=rng.choice(communities)))
        if len(batch) >= 10_000:
            with transaction.atomic():
                Post.objects.bulk_create(batch, batch_size=2000)
                Placement.objects.bulk_create(placements, batch_size=2000)
            batch, placements = [], []
            if (i + 1) % 100_000 == 0:
                print(f"  {i + 1} added", flush=True)
    with transaction.atomic():
        Post.objects.bulk_create(batch, batch_size=2000)
        Placement.objects.bulk_create(placements, batch_size=2000)
    with connection.cursor() as cursor:
        from django.core.management.color import no_style

        for sql in connection.ops.sequence_reset_sql(no_style(), [Post, Placement]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")  # autovacuum is off on the benchmark server


def _communities(rng: random.Random, count: int = 300) -> list[int]:
    """Communities (60% public, 30% private, 10% secret), each person a member of a few of them."""
    from django.db import transaction

    from ruche.accounts.models import User
    from ruche.communities.models import Community, Membership

    Visibility = Community.Visibility
    people = list(User.objects.values_list("pk", flat=True))
    with transaction.atomic():
        made = Community.objects.bulk_create(
            [
                Community(
                    name=f"Communauté {i}",
                    slug=f"communaute-{i}",
                    description=f"Espace d'échange numéro {i} sur les métiers et les projets",
                    visibility=rng.choices(
                        [Visibility.PUBLIC, Visibility.PRIVATE, Visibility.SECRET], [6, 3, 1]
                    )[0],
                )
                for i in range(count)
            ]
        )
        ids = [c.pk for c in made] or list(Community.objects.values_list("pk", flat=True))
        rows = {(c, u) for u in people for c in rng.sample(ids, rng.randint(0, 5))}
        Membership.objects.bulk_create(
            [Membership(community_id=c, user_id=u) for c, u in rows], batch_size=5000
        )
    return ids


# --- in the child: measuring --------------------------------------------------------------------


def common_word() -> str:
    """A frequent content word of the generated text (found in a large share of the posts)."""
    from collections import Counter

    from ruche.posts.models import Post

    counts = Counter()
    for body in Post.objects.order_by("-pk").values_list("body", flat=True)[:3000]:
        counts.update({w.strip(".,!?:;()").lower() for w in body.split() if len(w) >= 6 and w.isalpha()})
    return counts.most_common(1)[0][0]


def measure(iterations: int, warmup: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import statistics

    from django.db import connection, transaction
    from django.test import Client

    from ruche.accounts.models import Skill, User
    from ruche.posts.models import Post
    from ruche.posts.services import post_create
    from ruche.search import selectors
    from ruche.search.documents import Kind
    from ruche.search.query import parse
    from ruche.search.services import search_reindex

    viewer = (
        User.objects.filter(is_active=True, is_staff=False, memberships__isnull=False)
        .order_by("-last_seen_at")
        .first()
    )
    client = Client()
    client.force_login(viewer)
    common = common_word()
    skill = (
        Skill.objects.exclude(name__in=["Anglais", "Excel"])
        .filter(profiles__isnull=False)
        .order_by("?")
        .first()
        .name
    )
    topic = skill.split()[0]
    pages = {
        "search_rare_posts": time_page(client, f"/search/?q={RARE}&kind=post", iterations, warmup),
        "search_common_posts": time_page(client, f"/search/?q={common}&kind=post", iterations, warmup),
        "search_common_posts_by_date": time_page(
            client, f"/search/?q={common}&kind=post&order=date", iterations, warmup
        ),
        "search_common_everything": time_page(client, f"/search/?q={common}", iterations, warmup),
        "search_people_by_skill": time_page(client, f"/search/?q={skill}&kind=person", iterations, warmup),
        "experts": time_page(client, f"/search/?q={topic}&kind=experts", iterations, warmup),
        "autocomplete_people": time_page(client, "/autocomplete/people/?q=ma", iterations, warmup),
        "autocomplete_hashtags": time_page(client, "/autocomplete/hashtags/?q=qu", iterations, warmup),
        "autocomplete_skills": time_page(client, "/autocomplete/skills/?q=ge", iterations, warmup),
    }
    filters = selectors.Filters(kind=Kind.POST)
    only = {
        "search_rare_posts": time_selector(
            lambda: selectors.search(viewer=viewer, query=RARE, filters=filters), iterations, warmup
        ),
        "search_common_posts": time_selector(
            lambda: selectors.search(viewer=viewer, query=common, filters=filters), iterations, warmup
        ),
        "experts_for": time_selector(
            lambda: selectors.experts_for(viewer=viewer, topic=topic, limit=10), iterations, warmup
        ),
        "people_prefix": time_selector(lambda: selectors.people_prefix("ma", limit=40), iterations, warmup),
    }
    # Posting: the post itself (tasks deferred, as in production), then the reindex task it enqueues.
    create, reindex = [], []
    with transaction.atomic():
        for run in range(30):
            started = time.perf_counter()
            post = post_create(author=viewer, body=f"Mesure d'indexation n° {run} sur la {common} #bench")
            create.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            search_reindex(kind=Kind.POST, ids=[post.pk])
            reindex.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    window = selectors.search_kind(viewer, Kind.POST, parse(common), filters, size=20)
    return {
        "database": connection.vendor,
        "dataset": {
            "people": User.objects.count(),
            "top_level_posts": Post.objects.filter(parent__isnull=True).count(),
            "replies": Post.objects.filter(parent__isnull=False).count(),
        },
        "terms": {
            "rare": RARE,
            "common": common,
            "common_visible_in_window": window.count_label,
            "skill": skill,
            "experts_topic": topic,
        },  # fmt: skip
        "viewer": viewer.handle,
        "iterations": iterations,
        "pages": pages,
        "selectors_only": only,
        "posting": {
            "post_create_median_ms": round(statistics.median(create), 2),
            "search_reindex_median_ms": round(statistics.median(reindex), 2),
        },
    }


def run_one(database: str, args) -> dict:
    timings = build(database, args) if not args.reuse else {}
    url = database_url(database, args.employees)
    if args.reuse:  # the database built last time, on today's schema
        migrate = [PYTHON, "manage.py", "migrate", "--no-input", "-v0"]
        subprocess.run(migrate, cwd=ROOT, env=child_env(url), check=True)
    command = [PYTHON, __file__, "--measure", f"--iterations={args.iterations}", f"--warmup={args.warmup}"]
    done = subprocess.run(
        command, cwd=ROOT, env=child_env(url), check=True, stdout=subprocess.PIPE, text=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        employees=args.employees,
        build=timings,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=machine(),
        command=f"benchmarks/search.py --employees {args.employees} --posts {args.posts} --database {database}",
    )
    pages = result["pages"]
    result["targets"] = {
        "search_p95_ms<=50": all(
            v["p95_ms"] <= TARGETS_MS["search_p95"] for k, v in pages.items() if k.startswith("search")
        ),
        "autocomplete_p95_ms<=20": all(
            v["p95_ms"] <= TARGETS_MS["autocomplete_p95"]
            for k, v in pages.items()
            if k.startswith("autocomplete")
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"search-{database}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000, help="posts and replies in total")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="measure the database built last time")
    parser.add_argument("--bulk", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bulk:
        bulk_posts(args.posts, args.seed)
        return
    if args.measure:
        print(json.dumps(measure(args.iterations, args.warmup)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {db: run_one(db, args) for db in databases}
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
