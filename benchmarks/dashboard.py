"""The analytics dashboard on a 10,000-person company with a year of daily facts, against the home
page in the same run.

    .venv/bin/python benchmarks/dashboard.py [--employees 10000] [--database sqlite|postgres]
        [--rounds 5] [--iterations 10] [--rebuild]

The company is the large generator's (`manage.py demo_company --employees N`, as run.py makes it),
in a database of this benchmark's own (benchmarks/data/dashboard-*), with a year of facts written
directly in bulk once (`synthesise_year`): a launch a year ago, people coming on board over the
first months, a realistic active share (a few contributors, more participants, many readers, some
who hardly come), 200 communities with their members and daily figures, and the day's searches.
Then, signed in as the administrator, rounds of: the home page, `/analytics/` (default period),
`?period=90`, `?department=<the largest>`, and a community's analytics page; each round's medians,
the median of the rounds' ratios to the home page (a page whose URL does not exist yet is listed
under "not_yet_available"). Last, `facts_compute` on the busiest day of posts, rolled back. One
JSON document, printed and saved to benchmarks/results/dashboard-<database>-<employees>.json.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DATA, PG_SERVER, RESULTS, ROOT, child_env, ensure_company, machine, time_page  # noqa: E402

sys.path.insert(0, str(ROOT))  # this checkout's ruche, whatever the environment installed

DAYS = 365
COMMUNITIES = 200
# Who people are on the network: (share, chance of coming on a working day once on board).
HABITS = {"contributor": (0.03, 0.8), "participant": (0.12, 0.55), "reader": (0.6, 0.3), "rare": (0.25, 0.04)}
WEEKEND = 0.08  # of a working day's chance
ROWS = 5000  # rows per executemany


def database_url(database: str, employees: int, seed: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'dashboard-{employees}-s{seed}.sqlite3'}"
    return f"{PG_SERVER}/ruche_bench_dashboard"


# --- a year of facts, written directly ------------------------------------------------------------


def synthesise_year(seed: int, today: date, log=print) -> dict:
    """Communities (if the company has none but the company-wide one) and a year of PersonDay,
    CommunityPersonDay, CommunityDay and SearchDay rows, once. Returns the row counts."""
    from django.db import transaction

    from ruche.accounts.models import User
    from ruche.analytics.models import PersonDay

    if PersonDay.objects.exists():
        log("facts already there")
        _roll_up(today, log)
        return counts()
    rng = random.Random(seed)
    people = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        started = time.monotonic()
        memberships = _communities(rng, people, today)
        log(f"{len(memberships)} communities ({time.monotonic() - started:.1f} s)")
        started = time.monotonic()
        person_rows, community_rows = _people_days(rng, people, memberships, today)
        _insert("analytics_personday", person_rows)
        _insert("analytics_communitypersonday", community_rows)
        _insert("analytics_communityday", _community_days(memberships, community_rows, today))
        _insert("analytics_searchday", _search_days(rng, person_rows))
        log(f"a year of facts ({time.monotonic() - started:.1f} s)")
    _roll_up(today, log)
    _analyze()
    return counts()


def _roll_up(today: date, log) -> None:
    """Weeks and months rolled up from the days, as the backfill and the refresh do (once)."""
    from ruche.analytics.models import PersonWeek
    from ruche.analytics.services import rollups_backfill

    if PersonWeek.objects.exists():
        return
    started = time.monotonic()
    rollups_backfill(since=today - timedelta(days=366), today=today)
    log(f"weeks and months rolled up ({time.monotonic() - started:.1f} s)")


def counts() -> dict:
    from ruche.analytics.models import (
        CommunityDay,
        CommunityPersonDay,
        PersonDay,
        PersonMonth,
        PersonWeek,
        SearchDay,
    )

    models = (PersonDay, CommunityPersonDay, CommunityDay, SearchDay, PersonWeek, PersonMonth)
    return {m.__name__: m.objects.count() for m in models}


def _communities(rng: random.Random, people: list[int], today: date) -> dict[int, list[int]]:
    """COMMUNITIES public communities, sizes from a dozen to a few thousand (heavy-tailed)."""
    from django.utils import timezone

    from ruche.communities.models import Community, Membership

    existing = Community.objects.filter(is_company_wide=False)
    if not existing.exists():
        opened = timezone.now() - timedelta(days=DAYS)
        made = Community.objects.bulk_create(
            Community(
                name=f"Communauté {n:03d}",
                slug=f"communaute-{n:03d}",
                created=opened,
                last_activity_at=opened,
            )
            for n in range(1, COMMUNITIES + 1)
        )
        rows = []
        for community in made:
            size = min(len(people), int(12 * rng.paretovariate(0.9)))
            members = rng.sample(people, size)
            rows += [Membership(community=community, user_id=u, created=opened) for u in members]
            community.member_count = size
        Membership.objects.bulk_create(rows, batch_size=ROWS)
        Community.objects.bulk_update(made, ["member_count"], batch_size=ROWS)
    members: dict[int, list[int]] = defaultdict(list)
    for community_id, user_id in Membership.objects.filter(community__is_company_wide=False).values_list(
        "community_id", "user_id"
    ):
        members[community_id].append(user_id)
    return dict(members)


def _people_days(rng: random.Random, people: list[int], members: dict, today: date) -> tuple[list, list]:
    """PersonDay rows (user, day, visits, pages, searches, posts, replies, reactions, shares,
    answers, accepted_answers, ideas, votes) and CommunityPersonDay rows (community, user, day,
    posts, replies, reactions, shares, answers, votes): each person from their first day (most
    within the first three months), coming on a day with their habit's chance."""
    communities_of: dict[int, list[int]] = defaultdict(list)
    for community_id, user_ids in members.items():
        for user_id in user_ids:
            communities_of[user_id].append(community_id)
    kinds = list(HABITS)
    launch = today - timedelta(days=DAYS - 1)
    person_rows, community_rows = [], []
    for user_id in people:
        kind = rng.choices(kinds, [HABITS[k][0] for k in kinds])[0]
        chance = HABITS[kind][1] * rng.uniform(0.6, 1.2)
        first = min(int(rng.expovariate(1 / 45)), DAYS - 1)
        for offset in range(first, DAYS):
            day = launch + timedelta(days=offset)
            if rng.random() >= chance * (WEEKEND if day.weekday() >= 5 else 1):
                continue
            did = _did(rng, kind)
            visits = 1 + (rng.random() < chance)
            searches = rng.randint(1, 3) if rng.random() < 0.2 else 0
            pages = visits * rng.randint(2, 8) + searches + sum(did)
            person_rows.append((user_id, day, visits, pages, searches, *did))
            theirs = communities_of.get(user_id)
            posts, replies, reactions, _shares, answers, _accepted, _ideas, votes = did
            if theirs and posts + replies + reactions + answers + votes:
                community_rows.append(
                    (rng.choice(theirs), user_id, day, posts, replies, reactions, 0, answers, votes)
                )
    return person_rows, community_rows


def _did(rng: random.Random, kind: str) -> tuple[int, ...]:
    """posts, replies, reactions, shares, answers, accepted answers, ideas, votes on a day they came."""
    if kind == "contributor":
        return (rng.random() < 0.5, rng.randint(0, 3), rng.randint(0, 5), rng.random() < 0.05,
                rng.random() < 0.15, rng.random() < 0.03, rng.random() < 0.02, rng.random() < 0.1)  # fmt: skip
    if kind == "participant":
        return (0, rng.random() < 0.3, rng.randint(0, 4), 0, rng.random() < 0.03, 0, 0, rng.random() < 0.1)
    return (0, 0, rng.random() < 0.1, 0, 0, 0, 0, 0)


def _community_days(members: dict, community_rows: list, today: date) -> list:
    """Every community every day: the sums of its people's rows, how many, and its member count."""
    sums: dict[tuple, Counter] = defaultdict(Counter)
    for community_id, _user_id, day, *figures in community_rows:
        row = sums[community_id, day]
        for name, n in zip(
            ("posts", "replies", "reactions", "shares", "answers", "votes"), figures, strict=True
        ):
            row[name] += n
        row["active_people"] += 1
        row["active_members"] += 1  # they act where they belong
    launch = today - timedelta(days=DAYS - 1)
    rows = []
    for community_id, user_ids in members.items():
        for offset in range(DAYS):
            day = launch + timedelta(days=offset)
            s = sums.get((community_id, day), Counter())
            rows.append((community_id, day, s["posts"], s["replies"], s["reactions"], s["shares"], s["answers"],
                         s["votes"], s["active_people"], s["active_members"], len(user_ids)))  # fmt: skip
    return rows


def _search_days(rng: random.Random, person_rows: list) -> list:
    """Each day's searches (as many as the people's rows say) over a few hundred texts, heavy-tailed;
    one in six finds nothing."""
    from ruche.analytics.services import normalised_query
    from ruche.demo.history import SEARCHES

    topics = [text for text, *_rest in SEARCHES] + [
        f"{what} {where}"
        for what in (
            "planning",
            "cantine",
            "parking",
            "badge",
            "formation",
            "réunion",
            "procédure",
            "contact",
        )
        for where in ("Lyon", "Paris", "Nantes", "Grenoble", "Lille", "Toulouse", "Bordeaux", "Strasbourg")
    ]
    topics += [f"référence K{n}" for n in range(40, 340)]
    texts = [normalised_query(t) for t in dict.fromkeys(topics)]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(texts))]
    empty = {t for n, t in enumerate(texts) if n % 6 == 5}
    per_day: Counter = Counter()
    for _user, day, _visits, _pages, searches, *_rest in person_rows:
        per_day[day] += searches
    rows = []
    for day, total in sorted(per_day.items()):
        for text, n in sorted(Counter(rng.choices(texts, weights, k=total)).items()):
            rows.append((day, text, n, n if text in empty else 0))
    return rows


COLUMNS = {
    "analytics_personday": "user_id, day, visits, pages, searches, posts, replies, reactions, shares, answers, "
    "accepted_answers, ideas, votes",
    "analytics_communitypersonday": "community_id, user_id, day, posts, replies, reactions, shares, answers, votes",
    "analytics_communityday": "community_id, day, posts, replies, reactions, shares, answers, votes, "
    "active_people, active_members, members",
    "analytics_searchday": "day, query, searches, empty",
}


def _insert(table: str, rows: list) -> None:
    from django.db import connection

    adapt = connection.ops.adapt_datefield_value
    columns = COLUMNS[table]
    placeholders = ", ".join(["%s"] * len(columns.split(",")))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for at in range(0, len(rows), ROWS):
            cursor.executemany(sql, [tuple(adapt(v) if isinstance(v, date) else int(v) if isinstance(v, bool) else v
                                           for v in row) for row in rows[at : at + ROWS]])  # fmt: skip


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- measuring ------------------------------------------------------------------------------------


def measure(rounds: int, iterations: int) -> dict:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import Resolver404, resolve

    from ruche.accounts.models import Department, User
    from ruche.communities.models import Community

    admin = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    department = Department.objects.annotate(n=Count("profiles")).order_by("-n").first()
    community = Community.objects.filter(is_company_wide=False).order_by("-member_count")[COMMUNITIES // 10]
    pages = {
        "home": "/",
        "dashboard": "/analytics/",
        "dashboard_90_days": "/analytics/?period=90",
        "dashboard_department": f"/analytics/?department={department.pk}",
        "community": f"/analytics/communities/{community.slug}/",
    }
    missing = []
    for name, url in list(pages.items()):
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            missing.append(url)
            del pages[name]
    client = Client()
    client.force_login(admin)
    medians: dict[str, list[float]] = {name: [] for name in pages}
    details = {}
    for _round in range(rounds):
        for name, url in pages.items():  # the same order each round: the home page first
            timed = time_page(client, url, iterations, warmup=1)
            medians[name].append(timed["p50_ms"])
            details[name] = {k: timed[k] for k in ("url", "queries", "bytes")}
    home = medians.pop("home")
    results = {
        "home": {**details["home"], "p50_ms": round(statistics.median(home), 1), "rounds_p50_ms": home},
    }
    for name, values in medians.items():
        results[name] = {
            **details[name],
            "p50_ms": round(statistics.median(values), 1),
            "rounds_p50_ms": values,
            "ratio_to_home": round(statistics.median(v / h for v, h in zip(values, home, strict=True)), 2),
        }
    return {
        "database": connection.vendor,
        "viewer": admin.handle,
        "department": {"name": department.name, "people": department.n},
        "community": {"slug": community.slug, "members": community.member_count},
        "pages": results,
        "not_yet_available": missing,
    }


def time_facts_compute(runs: int = 3) -> dict:
    """Milliseconds of `facts_compute` (what the refresh runs every 15 minutes, twice) on the
    company's busiest recent day, rolled back: the synthesised facts stay as they were."""
    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from ruche.analytics.services import facts_compute
    from ruche.posts.models import Post

    busiest = (
        Post.objects.annotate(day=TruncDate("created"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    samples = []
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            people = facts_compute(day=busiest["day"])
            samples.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return {"day": busiest["day"].isoformat(), "posts_that_day": busiest["n"], "active_people": people,
            "p50_ms": round(statistics.median(samples), 1), "runs_ms": [round(v, 1) for v in samples]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=10, help="requests per page and round")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = database_url(args.database, args.employees, args.seed)
    started = time.monotonic()
    generation = ensure_company(
        args.database, args.employees, args.seed, args.rebuild, url=url, name=f"dashboard-{args.database}"
    )
    os.environ.update(child_env(url), DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.utils import timezone

    facts_started = time.monotonic()
    rows = synthesise_year(args.seed, timezone.localdate(), log=lambda m: print(m, file=sys.stderr))
    facts_seconds = round(time.monotonic() - facts_started, 1)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": os.getloadavg(),
        "employees": args.employees,
        "company_generation_seconds": generation,
        "facts_seconds": facts_seconds,
        "facts_rows": rows,
        "rounds": args.rounds,
        "iterations_per_round": args.iterations,
        **measure(args.rounds, args.iterations),
        "facts_compute": time_facts_compute(),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"dashboard-{args.database}-{args.employees}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
