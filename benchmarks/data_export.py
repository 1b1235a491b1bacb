"""How long a heavy person's data export takes to build, and how much memory it holds.

    .venv/bin/python benchmarks/data_export.py [--posts 10000] [--database sqlite|postgres]

A database of its own (SQLite under benchmarks/data/, or `ruche_bench_export` on the local
PostgreSQL), migrated, then one person given, in bulk: N posts, N reactions to a colleague's posts,
N/2 notifications and two years of daily activity facts. The export (`zip_write`, what the worker's
task runs) is timed into a temporary file, in the same process, twice (the first one also pays for
Django's URL table); tracemalloc's peak is taken on a third run (it slows the run down, so it is
not timed). One JSON document is printed and saved to benchmarks/results/data-export-<database>.json.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

from run import DATA, PG_SERVER, RESULTS, ROOT, child_env, machine

PG_DATABASE = "ruche_bench_export"


def measure(posts: int) -> dict:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from ruche.accounts.models import Profile, User
    from ruche.analytics.models import PersonDay
    from ruche.notifications.models import Notification
    from ruche.posts.models import Post, Reaction
    from ruche.privacy.services.export import zip_write

    call_command("flush", interactive=False, verbosity=0)
    now = timezone.now()
    alice = User.objects.create_user("alice@example.com", first_name="Alice", last_name="Martin")
    bruno = User.objects.create_user("bruno@example.com", first_name="Bruno", last_name="Lefèvre")
    Profile.objects.bulk_create([Profile(user=alice), Profile(user=bruno)])
    body = "Le nouveau poste de soudure est en place, retours bienvenus. " * 4
    Post.objects.bulk_create(Post(author=alice, body=body, body_html=body, created=now) for _ in range(posts))
    theirs = Post.objects.bulk_create(
        Post(author=bruno, body="b", body_html="b", created=now) for _ in range(posts)
    )
    Reaction.objects.bulk_create(Reaction(post=post, user=alice) for post in theirs)
    Notification.objects.bulk_create(
        Notification(recipient=alice, actor=bruno, kind="follow", created=now) for _ in range(posts // 2)
    )
    first = datetime.date.today() - datetime.timedelta(days=730)
    PersonDay.objects.bulk_create(
        PersonDay(user=alice, day=first + datetime.timedelta(days=i), pages=3, visits=1) for i in range(730)
    )
    runs = []
    for _ in range(2):
        with tempfile.TemporaryFile() as out:
            start = time.perf_counter()
            zip_write(user=alice, out=out)
            runs.append(round(time.perf_counter() - start, 2))
            size = out.tell()
    tracemalloc.start()
    with tempfile.TemporaryFile() as out:
        zip_write(user=alice, out=out)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "rows": {"posts": posts, "reactions": posts, "notifications": posts // 2, "activity_days": 730},
        "seconds": runs,
        "zip_bytes": size,
        "peak_python_mb": round(peak / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.posts)))
        return
    if args.database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA / 'data-export.sqlite3'}"
    else:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE], check=False)
        url = f"{PG_SERVER}/{PG_DATABASE}"
    env = child_env(url)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    child = [sys.executable, __file__, "--child", "--posts", str(args.posts), "--database", args.database]
    figures = json.loads(subprocess.run(child, env=env, check=True, capture_output=True, text=True).stdout)
    result = {"database": args.database, "machine": machine(), **figures}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"data-export-{args.database}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
