"""Time the innovation pages on a big campaign: 10,000 people targeted, 2,000 ideas, 100,000 votes.

    .venv/bin/python benchmarks/ideas.py [--database sqlite|postgres|both] [--iterations 60]

Builds its own database (benchmarks/data/ideas.sqlite3, or PostgreSQL `ruche_bench_ideas`): 10,000
colleagues in 10 departments plus 300 in an eleventh (outside the campaign); a campaign aimed at the
10 departments, opened through the real view (POST /ideas/campaigns/<id>/open/) with the database
task backend, so the request only enqueues; then the queued notification task is run as the worker
would (`db_worker` runs `task.call()`), and timed. Ideas, their posts and history, and votes (Zipf-
skewed: a few ideas get most of them) are written in bulk, as the services would have left them.
Measured as a population member: the campaign page (most voted, trending, newest, one stage), the
results page, an idea page, and the home page. Wall time and this process's CPU time per request;
one JSON document printed and saved to benchmarks/results/ideas-<database>.json.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

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
)

PEOPLE = 10_000
OUTSIDERS = 300
DEPARTMENTS = 10
IDEAS = 2_000
VOTES = 100_000
SEED = 6


def url_of(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / 'ideas.sqlite3'}"
    return f"{PG_SERVER}/ruche_bench_ideas"


def build() -> dict:
    """The dataset, in bulk. Returns what the measurements need."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from ruche.accounts.models import Department, Profile, User
    from ruche.ideas import services
    from ruche.ideas.models import Idea, IdeaFollow, IdeaTransition, InnovationManager, Vote
    from ruche.posts.models import Post

    rng = random.Random(SEED)
    now = timezone.now()
    departments = [Department.objects.create(name=f"Département {i}") for i in range(DEPARTMENTS + 1)]
    password = make_password("benchmark")
    users = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.example",
                handle=f"p{i}",
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                password=password,
                activated_at=now,
                last_seen_at=now,
                feed_built_at=now,
            )
            for i in range(PEOPLE + OUTSIDERS + 1)
        ],
        batch_size=2000,
    )
    if users[0].pk is None:  # SQLite before RETURNING support: read the ids back
        users = list(User.objects.order_by("pk"))
    manager, people, outsiders = users[0], users[1 : PEOPLE + 1], users[PEOPLE + 1 :]
    Profile.objects.bulk_create(
        [Profile(user=u, department=departments[i % DEPARTMENTS]) for i, u in enumerate([manager, *people])]
        + [Profile(user=u, department=departments[DEPARTMENTS]) for u in outsiders],
        batch_size=2000,
    )
    InnovationManager.objects.create(user=manager)
    campaign = services.campaign_create(
        by=manager,
        title="Réduire notre empreinte carbone",
        brief="Comment réduire **de moitié** nos émissions d'ici 2030 ?",
        starts_at=now - timedelta(days=20),
        ends_at=now + timedelta(days=10),
        departments=departments[:DEPARTMENTS],
        reviewers=people[:5],
    )

    client = Client()
    client.force_login(manager)
    client.get(f"/ideas/campaigns/{campaign.pk}/")  # a warm process, as a server's would be
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.post(f"/ideas/campaigns/{campaign.pk}/open/")
    open_request = {
        "wall_ms": round((time.perf_counter() - started) * 1000, 1),
        "cpu_ms": round((time.process_time() - started_cpu) * 1000, 1),
        "status": response.status_code,
    }
    from ruche.worker.models import Task

    queued = Task.objects.filter(task_path="ruche.ideas.tasks.notify_campaign_opened").get()
    from ruche.ideas.tasks import notify_campaign_opened

    started, started_cpu = time.perf_counter(), time.process_time()
    sent = notify_campaign_opened.call(**queued.args_kwargs["kwargs"])
    worker = {
        "notifications": sent,
        "wall_ms": round((time.perf_counter() - started) * 1000, 1),
        "cpu_ms": round((time.process_time() - started_cpu) * 1000, 1),
    }

    stages = list(campaign.workflow.stages.all())
    # A funnel: most ideas submitted, fewer at each later stage.
    weights = [60, 15, 8, 5, 7, 3, 2]
    with transaction.atomic():
        authors = rng.sample(people, IDEAS)
        posts = Post.objects.bulk_create(
            [
                Post(
                    author=a,
                    body=f"Idée {i} : réduire les trajets, trier, isoler les bâtiments, chauffer moins.",
                    body_html=f"<p>Idée {i} : réduire les trajets, trier, isoler les bâtiments, chauffer moins.</p>",
                    campaign=campaign,
                    created=now - timedelta(minutes=IDEAS - i),
                )
                for i, a in enumerate(authors)
            ],
            batch_size=1000,
        )
        if posts[0].pk is None:
            posts = list(Post.objects.filter(campaign=campaign).order_by("pk"))
        chosen = rng.choices(stages, weights=weights[: len(stages)], k=IDEAS)
        words = ["vélo", "train", "isolation", "tri", "chauffage", "solaire", "covoiturage", "télétravail"]
        ideas = Idea.objects.bulk_create(
            [
                Idea(
                    post=p,
                    campaign=campaign,
                    title=f"{rng.choice(words).capitalize()} {rng.choice(words)} n°{i}",
                    title_key=f"idee {i}",
                    author=p.author,
                    stage=chosen[i],
                    created=p.created,
                    moved_at=p.created,
                    follower_count=1,
                )
                for i, p in enumerate(posts)
            ],
            batch_size=1000,
        )
        IdeaFollow.objects.bulk_create([IdeaFollow(idea=i, user=i.author) for i in ideas], batch_size=2000)
        IdeaTransition.objects.bulk_create(
            [IdeaTransition(idea=i, source=None, target=stages[0], by=i.author, at=i.created) for i in ideas]
            + [
                IdeaTransition(
                    idea=i, source=stages[0], target=i.stage, by=manager, rationale="Décision", at=now
                )
                for i in ideas
                if i.stage != stages[0]
            ],
            batch_size=2000,
        )
        # Zipf-skewed votes, one per (idea, person).
        rank_weights = [1 / (r + 1) ** 0.8 for r in range(IDEAS)]
        pairs = set()
        while len(pairs) < VOTES:
            for idea_index in rng.choices(range(IDEAS), weights=rank_weights, k=VOTES - len(pairs)):
                pairs.add((idea_index, rng.randrange(PEOPLE)))
        Vote.objects.bulk_create(
            [
                Vote(
                    idea=ideas[i],
                    user=people[u],
                    campaign=campaign,
                    created=now - timedelta(minutes=rng.randrange(20 * 24 * 60)),
                )
                for i, u in pairs
            ],
            batch_size=5000,
        )
        counts = {}
        for i, _u in pairs:
            counts[i] = counts.get(i, 0) + 1
        for index, idea in enumerate(ideas):
            idea.vote_count = counts.get(index, 0)
        Idea.objects.bulk_update(ideas, ["vote_count"], batch_size=1000)
        campaign.idea_count = IDEAS
        campaign.save(update_fields=["idea_count"])
    return {
        "campaign": campaign,
        "viewer": people[1],
        "idea": ideas[0],
        "stage": stages[1],
        "open_request": open_request,
        "open_worker": worker,
    }


def measure(iterations: int, warmup: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client

    from ruche.ideas.models import Vote

    started = time.monotonic()
    data = build()
    built = round(time.monotonic() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    campaign, viewer = data["campaign"], data["viewer"]
    client = Client()
    client.force_login(viewer)
    base = f"/ideas/campaigns/{campaign.pk}/"
    pages = {
        "campaign_most_voted": time_page(client, base, iterations, warmup),
        "campaign_trending": time_page(client, base + "?order=trending", iterations, warmup),
        "campaign_newest": time_page(client, base + "?order=newest", iterations, warmup),
        "campaign_one_stage": time_page(client, base + f"?stage={data['stage'].pk}", iterations, warmup),
        "results": time_page(client, base + "results/", iterations, warmup),
        "idea": time_page(client, f"/ideas/{data['idea'].pk}/", iterations, warmup),
        "home": time_page(client, "/", iterations, warmup),
    }
    from django.core.cache import cache

    from ruche.ideas import selectors

    def ranking_uncached():
        cache.delete(f"ideas:trending:{campaign.pk}")
        return selectors.trending_ids(campaign)

    selectors_only = {
        # What a trending page costs once a minute, when its cached ranking has expired.
        "trending_ranking_uncached": time_selector(ranking_uncached, iterations, warmup),
        "results": time_selector(lambda: selectors.results(campaign), iterations, warmup),
    }
    return {
        "database": connection.vendor,
        "selectors_only": selectors_only,
        "dataset": {
            "population": PEOPLE,
            "outsiders": OUTSIDERS,
            "ideas": IDEAS,
            "votes": Vote.objects.count(),
            "build_seconds": built,
        },
        "open_request": data["open_request"],
        "open_worker": data["open_worker"],
        "iterations": iterations,
        "pages": pages,
    }


def run_one(database: str, args) -> dict:
    url = url_of(database)
    DATA.mkdir(parents=True, exist_ok=True)
    reset_database(database, url)
    env = child_env(url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    child = subprocess.run(
        [PYTHON, __file__, "--child", f"--iterations={args.iterations}", f"--warmup={args.warmup}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    result.update(
        machine=machine(),
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        command=f"benchmarks/ideas.py --database {database} --iterations {args.iterations}",
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"ideas-{database}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.iterations, args.warmup)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(json.dumps({db: run_one(db, args) for db in databases}, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "benchmarks"))
    main()
