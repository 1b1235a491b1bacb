"""A SCIM bulk load: an identity provider provisions 10,000 people, one POST /scim/v2/Users each, as
Entra ID and Okta do (neither uses SCIM's bulk endpoint), through Django's test client in this
process (the whole request: middleware, bearer token, scim2-models, the provisioning write, the
search reindex and directory rules it enqueues, the answer; not the network). With `--lookup`, each
POST is preceded by the GET ?filter=userName eq "..." Entra ID sends first.

    .venv/bin/python benchmarks/scim_load.py [--people 10000] [--lookup] [--database-url URL]

A fresh SQLite database in a temporary folder under benchmarks/ by default (or the empty database
at URL, migrated). One in ten people is in one of 20 departments' manager chains (manager by SCIM
id), everyone has a department, a site, a title and a phone. Prints one JSON document.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def setup(url: str, workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        RUCHE_DATABASE_URL=url,
        RUCHE_VAR_DIR=str(workdir),
        RUCHE_SECRET_KEY="benchmark-only-" + "x" * 40,
        RUCHE_ALLOWED_HOSTS="testserver",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def person(n: int, managers: list[str]) -> dict:
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": f"p{n}@example.com",
        "externalId": f"00000000-0000-0000-0000-{n:012d}",
        "active": True,
        "name": {"givenName": f"Prénom{n}", "familyName": f"Nom{n}"},
        "title": "Engineer",
        "emails": [{"value": f"p{n}@example.com", "type": "work", "primary": True}],
        "phoneNumbers": [{"value": f"+33 1 00 00 {n:05d}", "type": "work"}],
        "addresses": [{"locality": f"Site {n % 7}", "type": "work"}],
        ENTERPRISE: {"department": f"Department {n % 20}", "employeeNumber": str(n)},
    }
    if managers:
        body[ENTERPRISE]["manager"] = {"value": managers[n % len(managers)]}
    return body


def measure(people: int, lookup: bool) -> dict:
    from django.test import Client

    from ruche.accounts.models import User
    from ruche.scim.services import token_create

    _token, secret = token_create(name="benchmark", by=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    managers: list[str] = []
    durations = []
    started = time.perf_counter()
    for n in range(people):
        body = person(n, managers)
        begin = time.perf_counter()
        if lookup:
            found = client.get("/scim/v2/Users", {"filter": f'userName eq "{body["userName"]}"'})
            assert found.status_code == 200 and found.json()["totalResults"] == 0, found.content
        response = client.post("/scim/v2/Users", json.dumps(body), content_type="application/scim+json")
        durations.append(time.perf_counter() - begin)
        assert response.status_code == 201, response.content
        if n % 10 == 0 and len(managers) < 1000:
            managers.append(response.json()["id"])
    total = time.perf_counter() - started
    assert User.objects.filter(source="scim").count() == people
    durations.sort()
    return {
        "people": people,
        "lookup_before_each_post": lookup,
        "total_s": round(total, 1),
        "per_person_ms": {
            "median": round(statistics.median(durations) * 1000, 1),
            "p95": round(durations[int(len(durations) * 0.95)] * 1000, 1),
            "max": round(durations[-1] * 1000, 1),
        },
        "people_per_second": round(people / total, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--lookup", action="store_true")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'scim.sqlite3'}"
        setup(url, Path(workdir))
        from django.db import connection

        result = measure(args.people, args.lookup)
        result.update(
            database=connection.vendor,
            machine=f"{platform.node()} ({os.cpu_count()} cpus), Python {platform.python_version()}",
            load_average=os.getloadavg(),
            date=datetime.now(UTC).isoformat(timespec="minutes"),
            command=" ".join(["benchmarks/scim_load.py", *sys.argv[1:]]),
        )
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
