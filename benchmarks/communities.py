"""Time Ruche's community pages, and the home feed of someone in 50 communities, at 10K employees.

    .venv/bin/python benchmarks/communities.py [--database sqlite|postgres|both]

Works on the databases of benchmarks/run.py (generate them first). Once per database, after
`manage.py migrate`, it adds ~500 communities in bulk: one company-wide community of everyone,
communities per site and per department (directory rules), trades, site life, projects (mostly
private, a few secret) and interests; Zipf-skewed sizes averaging 10 memberships a person; existing
top-level posts placed in 0, 1 or 2 communities; feed entries written as ruche/feed/services.py
would have (communities above FEED_LARGE_AUDIENCE are pulled at read time). The health roll-up
(`ruche.communities.health.refresh`, every community) is run and timed on every invocation.
One JSON document is printed and saved to benchmarks/results/<database>-communities.json.
"""

import argparse
import heapq
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from run import PYTHON, RESULTS, ROOT, child_env, database_url, machine, time_page, time_selector

COMMUNITIES = 500
MEMBERSHIPS_PER_PERSON = 10
VIEWER_COMMUNITIES = 50
MID_PRIVATE_SIZE = 150  # "mid-size private community": the private one closest to this size
HEALTH_RUNS = 5

SITE_LIFE = [
    "Covoiturage {}", "Restaurant d'entreprise de {}", "Sécurité du site de {}", "CSE de {}",
    "Nouveaux arrivants à {}", "Sport à {}", "Afterwork {}", "Travaux et aménagements à {}",
]  # fmt: skip
TRADE_TOPICS = [
    "actualités", "bonnes pratiques", "outils et méthodes", "formation", "managers", "veille",
    "entraide", "nouveaux arrivants",
]  # fmt: skip
PROJECTS = [
    "Atlas", "Orion", "Phénix", "Hermès", "Boréal", "Cassiopée", "Mistral", "Sirocco", "Galilée",
    "Vega", "Andromède", "Pégase", "Colibri", "Rhône", "Ardèche", "Vercors", "Belledonne", "Chartreuse",
    "Azur", "Opale", "Saphir", "Émeraude", "Topaze", "Jade", "Onyx", "Quartz", "Basalte", "Granit",
    "Helios", "Selene", "Zéphyr", "Alizé", "Tramontane", "Lumière", "Canopée", "Séquoia", "Érable",
    "Tilleul", "Olivier", "Lavande", "Mimosa", "Iris", "Capucine", "Balise", "Boussole", "Sextant",
    "Astrolabe", "Vigie", "Phare", "Estuaire", "Delta", "Lagune", "Archipel", "Récif", "Calanque",
    "Cap Horn", "Kilimandjaro", "Everest", "Aconcagua", "Denali", "Mont Blanc", "Cervin", "Ventoux",
    "Aigoual", "Puy de Dôme", "Sancy", "Cantal", "Aubrac", "Causses", "Cévennes", "Morvan", "Jura",
    "Vosges", "Ardennes", "Sologne", "Camargue", "Quercy", "Périgord", "Médoc", "Gironde", "Loire",
    "Seine", "Garonne", "Dordogne", "Charente", "Moselle", "Meuse", "Somme", "Oise", "Marne",
]  # fmt: skip
PROJECT_KINDS = [
    "Projet {}", "Chantier {}", "Programme {}", "Déploiement {}", "Lancement {}", "Migration {}",
]  # fmt: skip
INTERESTS = [
    "Club running", "Photographie", "Jardinage et potager", "Échecs", "Cuisine du monde", "Vélotaf",
    "Musique et concerts", "Club lecture", "Jeux de société", "Randonnée", "Œnologie", "Parents au travail",
    "Green team", "Handicap et inclusion", "Femmes ingénieures", "Football du jeudi", "Yoga", "Escalade",
    "Couture et tricot", "Cinéphiles", "Apprendre l'anglais", "Apprendre l'allemand", "Bénévolat",
    "Développement durable", "IA et automatisation", "Python au quotidien", "Excel avancé", "Ski et montagne",
    "Moto", "Voile", "Badminton", "Tennis de table", "Basket", "Triathlon", "Aquarelle", "Théâtre",
    "Chorale", "Astronomie", "Généalogie", "Apiculture", "Zéro déchet", "Télétravail", "Podcasts",
    "Jeux vidéo", "Bricolage", "Voyages", "Petites annonces", "Nos animaux", "Pâtisserie", "Café et thé",
]  # fmt: skip
COMPANY_TOPICS = [
    ("Sécurité au travail", "work"), ("Qualité et amélioration continue", "work"),
    ("Innovation produit", "work"), ("Ambassadeurs de la marque", "work"), ("Idées et suggestions", "work"),
    ("Onboarding", "work"), ("Managers de proximité", "work"), ("Communauté Lean", "work"),
    ("Cybersécurité", "work"), ("Relations clients", "work"), ("Achats responsables", "work"),
    ("Experts métiers", "work"), ("Mentorat", "work"), ("Alternants et stagiaires", "work"),
    ("Référents RSE", "work"), ("Transformation numérique", "work"), ("Veille concurrentielle", "work"),
    ("Salons et événements", "work"), ("Formateurs internes", "work"), ("Intranet et outils", "work"),
]  # fmt: skip
SECRET = [
    "Comité de direction", "Comité d'entreprise restreint", "Projet d'acquisition Sirius", "Plan social 2027",
    "Négociations annuelles", "Comité des rémunérations", "Audit interne confidentiel",
    "Réorganisation logistique", "Cellule de crise", "Projet Ombre", "Comité stratégique", "Brevets en cours",
    "Dossier Fusion Nord", "Conseil d'administration", "Enquêtes internes",
]  # fmt: skip


# --- building the communities (in the child process) ----------------------------------------


def _zipf_sizes(n: int, total: int, caps: list[int], s: float = 1.0, floor: int = 4) -> list[int]:
    """n sizes, rank k ~ C / k**s (each capped by its pool), C chosen so that they add up to ~total."""
    low, high = 1.0, float(total)
    for _ in range(60):
        c = (low + high) / 2
        got = sum(min(cap, max(floor, round(c / (k + 1) ** s))) for k, cap in enumerate(caps))
        low, high = (c, high) if got < total else (low, c)
    return [min(cap, max(floor, round(low / (k + 1) ** s))) for k, cap in enumerate(caps[:n])]


def _weighted_sample(rng: random.Random, pool: list[int], weight: list[float], n: int) -> list[int]:
    """n distinct people of `pool`, the weightier more likely (Efraimidis-Spirakis), weightiest first."""
    keyed = ((rng.random() ** (1.0 / weight[i]), i) for i in pool)
    return [i for _key, i in heapq.nlargest(n, keyed)]


def _specs(rng: random.Random, sites: dict, departments: dict) -> list[dict]:
    """Every community but the company-wide one: name, kind, visibility, pool, rule."""
    specs = []

    def add(name, kind="work", visibility="public", pool=None, site=None, department=None, rule=False):
        specs.append({"name": name, "kind": kind, "visibility": visibility, "pool": pool, "site": site,
                      "department": department, "rule": rule})  # fmt: skip

    for site in sites.values():
        add(f"Site de {site['name']}", site=site["id"], rule=True)
    for dept in departments.values():
        add(f"Équipe {dept['name']}", department=dept["id"], rule=True)
    for site in sites.values():
        for pattern in SITE_LIFE:
            add(pattern.format(site["name"]), kind="interest" if "Sport" in pattern or "Afterwork" in pattern
                else "work", site=site["id"])  # fmt: skip
    for dept in departments.values():
        for topic in TRADE_TOPICS:
            add(f"{dept['name']} : {topic}", department=dept["id"])
    for dept in departments.values():
        for site in sites.values():
            if len(set(dept["people"]) & set(site["people"])) >= 60:
                add(f"{dept['name']} {site['name']}", site=site["id"], department=dept["id"])
    for name, kind in COMPANY_TOPICS:
        add(name, kind=kind)
    for name in INTERESTS:
        add(name, kind="interest")
    for name in SECRET:
        add(name, visibility="secret")
    names = [pattern.format(code) for code in PROJECTS for pattern in PROJECT_KINDS]
    rng.shuffle(names)
    dept_list = list(departments.values())
    for name in names[: COMMUNITIES - 1 - len(specs)]:
        # A project gathers two or three departments, half the time on one site.
        depts = rng.sample(dept_list, rng.choice((1, 2, 2, 3)))
        site = rng.choice(list(sites.values())) if rng.random() < 0.4 else None
        add(name, department=[d["id"] for d in depts], site=site["id"] if site else None)
    # About 15 % private (projects first, then some trade and site communities), 3 % secret.
    want_private = round(0.15 * COMMUNITIES)
    projects = [s for s in specs if s["name"].split()[0] in {p.split()[0] for p in PROJECT_KINDS}]
    others = [s for s in specs if not s["rule"] and s["visibility"] == "public" and s not in projects]
    for spec in rng.sample(projects, min(len(projects), round(want_private * 0.8))):
        spec["visibility"] = "private"
    for spec in rng.sample(others, want_private - sum(s["visibility"] == "private" for s in specs)):
        spec["visibility"] = "private"
    return specs


def build(seed: int, log) -> dict:
    """Add the communities, memberships, placements and feed entries in one transaction."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from ruche.accounts.models import Department, Site, User
    from ruche.communities.models import AutoMembershipRule, Community, Membership, Placement
    from ruche.communities.services import COMPANY_WIDE_SLUG
    from ruche.posts.models import Post

    rng = random.Random(seed * 1000 + 7)
    now = timezone.now()
    people = list(
        User.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "is_staff", "last_seen_at", "follower_count", "profile__site_id", "profile__department_id")
    )  # fmt: skip
    # Some people join many communities, most a few: lognormal appetite, a little more for the connected.
    weight = [rng.lognormvariate(0, 0.9) * (1 + min(row[3], 200) / 400) for row in people]
    sites = {s.pk: {"id": s.pk, "name": s.name, "people": []} for s in Site.objects.all()}
    departments = {d.pk: {"id": d.pk, "name": d.name, "people": []} for d in Department.objects.all()}
    for i, row in enumerate(people):
        if row[4] in sites:
            sites[row[4]]["people"].append(i)
        if row[5] in departments:
            departments[row[5]]["people"].append(i)
    everyone = [i for i, row in enumerate(people) if not row[1]]

    specs = _specs(rng, sites, departments)
    for spec in specs:
        pool = everyone
        if (
            spec["site"] is not None
            and spec["department"] is not None
            and not isinstance(spec["department"], list)
        ):
            pool = sorted(set(sites[spec["site"]]["people"]) & set(departments[spec["department"]]["people"]))
        elif isinstance(spec["department"], list):
            pool = sorted({i for d in spec["department"] for i in departments[d]["people"]})
            if spec["site"] is not None:
                pool = sorted(set(pool) & set(sites[spec["site"]]["people"])) or pool
        elif spec["site"] is not None:
            pool = sites[spec["site"]]["people"]
        elif spec["department"] is not None:
            pool = departments[spec["department"]]["people"]
        spec["pool"] = pool
    # Sizes: rule communities hold their whole pool; the others share what is left, Zipf-skewed.
    free = [s for s in specs if not s["rule"]]
    rng.shuffle(free)
    free.sort(key=lambda s: -len(s["pool"]) * rng.random() ** 3)  # big pools tend to hold the big ones
    ruled = len(people) + sum(len(s["pool"]) for s in specs if s["rule"])
    target = MEMBERSHIPS_PER_PERSON * len(people) - ruled
    caps = [max(4, int(len(s["pool"]) * (0.25 if s["visibility"] == "secret" else 0.8))) for s in free]
    caps = [min(cap, 40) if s["visibility"] == "secret" else cap for cap, s in zip(caps, free, strict=True)]
    for spec, size in zip(free, _zipf_sizes(len(free), target, caps, s=1.0), strict=True):
        spec["members"] = _weighted_sample(rng, spec["pool"], weight, size)
    for spec in specs:
        if spec["rule"]:
            spec["members"] = sorted(spec["pool"], key=lambda i: -weight[i])
    company = {"name": "Toute l'entreprise", "kind": "work", "visibility": "public", "rule": True,
               "site": None, "department": None, "company_wide": True,
               "members": sorted(range(len(people)), key=lambda i: -weight[i])}  # fmt: skip
    specs.insert(0, company)

    # The viewer: active lately, about 50 communities, among them a mid-size private one; exactly 50.
    count = [0] * len(people)
    for spec in specs:
        for i in spec["members"]:
            count[i] += 1
    recent = now - timedelta(days=2)
    candidates = [i for i in everyone if people[i][2] and people[i][2] >= recent]
    viewer = min(candidates, key=lambda i: (abs(count[i] - VIEWER_COMMUNITIES), -people[i][2].timestamp()))
    mine = [s for s in specs if viewer in s["members"]]
    private = [s for s in free if s["visibility"] == "private" and len(s["members"]) >= 40]
    mid_private = min(private, key=lambda s: abs(len(s["members"]) - MID_PRIVATE_SIZE))
    if viewer not in mid_private["members"]:
        mid_private["members"].append(viewer)
        mine.append(mid_private)
    while len(mine) > VIEWER_COMMUNITIES:
        spec = rng.choice([s for s in mine if not s["rule"] and s is not mid_private])
        spec["members"].remove(viewer)
        mine.remove(spec)
    while len(mine) < VIEWER_COMMUNITIES:
        spec = rng.choice([s for s in free if s["visibility"] != "secret" and viewer not in s["members"]])
        spec["members"].append(viewer)
        mine.append(spec)

    log(f"{len(specs)} communities, {sum(len(s['members']) for s in specs)} memberships; writing")
    with transaction.atomic():
        # The slug of the company-wide one is the one services.company_wide_community() makes.
        slugs = set()
        rows = []
        for spec in specs:
            slug = COMPANY_WIDE_SLUG if spec.get("company_wide") else slugify(spec["name"])[:80]
            while slug in slugs:
                slug = f"{slug[:76]}-{rng.randrange(100, 999)}"
            slugs.add(slug)
            created = now - timedelta(days=rng.uniform(30, 900))
            owner = people[spec["members"][0]][0] if spec["members"] else None
            rows.append(
                Community(
                    name=spec["name"][:80],
                    slug=slug,
                    kind=spec["kind"],
                    visibility=spec["visibility"],
                    description=f"Communauté « {spec['name']} » : échanges, questions et nouvelles.",
                    is_company_wide=bool(spec.get("company_wide")),
                    created_by_id=owner,
                    created=created,
                    premoderate_posts=spec["visibility"] == "public" and rng.random() < 0.04,
                    member_count=len(spec["members"]),
                )  # fmt: skip
            )
        communities = Community.objects.bulk_create(rows, batch_size=500)
        if communities[0].pk is None:  # a backend without RETURNING
            by_slug = dict(Community.objects.values_list("slug", "pk"))
            for community in communities:
                community.pk = by_slug[community.slug]
        rules, memberships = [], []
        for spec, community in zip(specs, communities, strict=True):
            spec["id"] = community.pk
            if spec["rule"] and not spec.get("company_wide"):
                rules.append(AutoMembershipRule(community=community, site_id=spec["site"],
                                                department_id=spec["department"]))  # fmt: skip
            size = len(spec["members"])
            staff = 1 + (size >= 20) + (size >= 200) + (size >= 1000)
            for rank, i in enumerate(spec["members"]):
                role = Membership.Role.MEMBER
                if rank == 0:
                    role = Membership.Role.OWNER
                elif rank < staff:
                    role = Membership.Role.ANIMATOR if rank % 2 else Membership.Role.MODERATOR
                age = (now - community.created).total_seconds()
                memberships.append(
                    Membership(
                        community_id=community.pk,
                        user_id=people[i][0],
                        role=role,
                        by_rule=spec["rule"],
                        created=community.created + timedelta(seconds=rng.uniform(0, age)),
                    )  # fmt: skip
                )
        AutoMembershipRule.objects.bulk_create(rules)
        Membership.objects.bulk_create(memberships, batch_size=5000)
        log(f"{len(memberships)} memberships written")

        # Placements: most posts in no community or one of their author's, a few in two.
        by_person: dict[int, list[dict]] = {}
        for spec in specs:
            for i in spec["members"]:
                by_person.setdefault(people[i][0], []).append(spec)
        posts = list(
            Post.objects.filter(parent__isnull=True, deleted_at__isnull=True)
            .order_by("pk")
            .values_list("pk", "author_id", "created")
        )
        placements, post_count = [], {0: 0, 1: 0, 2: 0}
        for pk, author, _created in posts:
            draw = rng.random()
            n = 0 if draw < 0.45 else 1 if draw < 0.95 else 2
            options = by_person.get(author, [])
            w = [0.5 if s.get("company_wide") else 1.0 for s in options]
            chosen: list[dict] = []
            while len(chosen) < min(n, len(options)):
                pick = rng.choices(options, w)[0]
                if pick not in chosen:
                    chosen.append(pick)
            post_count[len(chosen)] += 1
            placements += [Placement(post_id=pk, community_id=s["id"]) for s in chosen]
        Placement.objects.bulk_create(placements, batch_size=5000)
        log(f"{len(placements)} placements written")
        feed = _community_feed_entries(connection, now, settings)
        log(f"feed entries: {feed}")
        # Activity: the newest post or reply placed in the community.
        latest = dict(
            Placement.objects.values("community_id")
            .annotate(last=models_max("post__created"))
            .values_list("community_id", "last")
        )
        replies = dict(
            Placement.objects.filter(post__replies__isnull=False)
            .values("community_id")
            .annotate(last=models_max("post__replies__created"))
            .values_list("community_id", "last")
        )
        for community in communities:
            community.last_activity_at = max(
                filter(None, (latest.get(community.pk), replies.get(community.pk))), default=None
            )
        Community.objects.bulk_update(communities, ["last_activity_at"], batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Community, Membership, Placement, AutoMembershipRule):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
            cursor.execute("ANALYZE feed_feedentry")
    return {
        "posts_in_0_1_2_communities": [post_count[0], post_count[1], post_count[2]],
        "feed": feed,
        "viewer_id": people[viewer][0],
    }


def models_max(field):
    from django.db.models import Max

    return Max(field)


def _community_feed_entries(connection, now, settings) -> dict:
    """What post_fan_out would have written for the communities, with INSERT ... SELECT.

    A post placed only in private or secret communities is for their members: other people's entries
    for it (follows, hashtags, mentions) go. Members of communities of at most FEED_LARGE_AUDIENCE
    people who came in the last FEED_INACTIVE_DAYS get a "community" entry (a "hashtag" one becomes
    "community", as in post_fan_out where community reasons override hashtag ones). Then feeds are
    trimmed to FEED_MAX_ENTRIES as feed_trim does.
    """
    from ruche.accounts.models import User
    from ruche.communities.models import Community, Membership, Placement
    from ruche.feed.models import FeedEntry
    from ruche.posts.models import Post

    q = connection.ops.quote_name
    t = {
        "fe": q(FeedEntry._meta.db_table),
        "post": q(Post._meta.db_table),
        "user": q(User._meta.db_table),
        "pl": q(Placement._meta.db_table),
        "c": q(Community._meta.db_table),
        "m": q(Membership._meta.db_table),
    }
    since = now - timedelta(days=settings.FEED_INACTIVE_DAYS)
    large = settings.FEED_LARGE_AUDIENCE
    sqlite = connection.vendor == "sqlite"
    result = {"before": FeedEntry.objects.count()}
    closed = (
        f"SELECT pl.post_id FROM {t['pl']} pl JOIN {t['c']} c ON c.id = pl.community_id "  # noqa: S608
        f"GROUP BY pl.post_id HAVING SUM(CASE WHEN c.visibility = 'public' THEN 1 ELSE 0 END) = 0"
    )
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA cache_size = -2000000")
        cursor.execute(
            f"DELETE FROM {t['fe']} WHERE post_id IN ({closed}) AND NOT EXISTS ("  # noqa: S608
            f"SELECT 1 FROM {t['pl']} pl JOIN {t['m']} m ON m.community_id = pl.community_id "
            f"WHERE pl.post_id = {t['fe']}.post_id AND m.user_id = {t['fe']}.user_id)"
        )
        result["removed_not_readers"] = cursor.rowcount
        audience = (
            f"SELECT DISTINCT m.user_id, p.id, 'community', p.created FROM {t['pl']} pl "  # noqa: S608
            f"JOIN {t['c']} c ON c.id = pl.community_id JOIN {t['post']} p ON p.id = pl.post_id "
            f"JOIN {t['m']} m ON m.community_id = pl.community_id JOIN {t['user']} u ON u.id = m.user_id "
            f"WHERE pl.status = 'approved' AND c.member_count <= %s AND p.parent_id IS NULL "
            f"AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND u.is_active = %s AND u.last_seen_at >= %s "
            f"AND m.user_id <> p.author_id"
        )
        params = [large, True, since]
        cursor.execute(
            f"UPDATE {t['fe']} SET reason = 'community' WHERE reason = 'hashtag' AND EXISTS ("  # noqa: S608
            f"SELECT 1 FROM {t['pl']} pl JOIN {t['c']} c ON c.id = pl.community_id "
            f"JOIN {t['m']} m ON m.community_id = pl.community_id WHERE pl.post_id = {t['fe']}.post_id "
            f"AND m.user_id = {t['fe']}.user_id AND pl.status = 'approved' AND c.member_count <= %s)",
            [large],
        )
        result["hashtag_to_community"] = cursor.rowcount
        verb, tail = ("INSERT OR IGNORE INTO", "") if sqlite else ("INSERT INTO", " ON CONFLICT DO NOTHING")
        cursor.execute(
            f"{verb} {t['fe']} (user_id, post_id, reason, created) "  # noqa: S608
            f"SELECT * FROM ({audience}) AS a ORDER BY 1, 2{tail}",
            params,
        )
        result["community_inserted"] = cursor.rowcount
        if not sqlite:
            cursor.execute(f"ANALYZE {t['fe']}")
        # Trim the feeds that grew past FEED_MAX_ENTRIES, as feed_trim does.
        cursor.execute(
            f"SELECT user_id FROM {t['fe']} GROUP BY user_id HAVING COUNT(*) > %s",  # noqa: S608
            [settings.FEED_MAX_ENTRIES],
        )
        over = [row[0] for row in cursor.fetchall()]
        trimmed = 0
        for start in range(0, len(over), 200):
            chunk = over[start : start + 200]
            marks = ", ".join(["%s"] * len(chunk))
            ranked = (
                f"SELECT id, user_id, post_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY post_id DESC) "  # noqa: S608
                f"AS rn FROM {t['fe']} WHERE user_id IN ({marks})"
            )
            cursor.execute(f"SELECT user_id, post_id FROM ({ranked}) AS r WHERE rn = %s",  # noqa: S608
                           [*chunk, settings.FEED_MAX_ENTRIES + 1])  # fmt: skip
            for user_id, post_id in cursor.fetchall():
                horizon = User.objects.filter(pk=user_id).values_list("feed_horizon", flat=True).first() or 0
                User.objects.filter(pk=user_id).update(feed_horizon=max(horizon, post_id))
            cursor.execute(
                f"DELETE FROM {t['fe']} WHERE id IN (SELECT id FROM ({ranked}) AS r WHERE rn > %s)",  # noqa: S608
                [*chunk, settings.FEED_MAX_ENTRIES],
            )
            trimmed += cursor.rowcount
        result["trimmed"] = trimmed
        result["feeds_trimmed"] = len(over)
    result["after"] = FeedEntry.objects.count()
    result["community_entries"] = FeedEntry.objects.filter(reason=FeedEntry.Reason.COMMUNITY).count()
    return result


# --- measuring (in the child process) -------------------------------------------------------


def ensure_communities(seed: int) -> dict | None:
    """Build once: the communities are there when the company-wide one and ~500 others are."""
    from ruche.communities.models import Community

    if (
        Community.objects.filter(is_company_wide=True).exists()
        and Community.objects.count() >= COMMUNITIES - 50
    ):
        return None
    if Community.objects.exists():
        raise SystemExit("this database holds a few communities but not the benchmark's: regenerate it")
    started = time.monotonic()
    built = build(seed, lambda message: print(message, file=sys.stderr, flush=True))
    built["seconds"] = round(time.monotonic() - started, 1)
    return built


def health_rollup() -> dict:
    """health.refresh for every community, one after the other, as the worker would."""
    from ruche.communities import health
    from ruche.communities.models import Community

    samples = []
    started = time.perf_counter()
    for community in Community.objects.order_by("pk"):
        one = time.perf_counter()
        health.refresh(community)
        samples.append(((time.perf_counter() - one) * 1000, community.member_count, community.slug))
    total = time.perf_counter() - started
    samples.sort(reverse=True)
    return {
        "communities": len(samples),
        "total_seconds": round(total, 1),
        "median_ms": round(statistics.median(s[0] for s in samples), 1),
        "slowest": [{"slug": slug, "members": n, "ms": round(ms, 1)} for ms, n, slug in samples[:5]],
    }


def time_health(community, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ruche.communities import health

    health.refresh(community)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        health.refresh(community)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        health.refresh(community)
    return {
        "slug": community.slug,
        "members": community.member_count,
        "median_ms": round(statistics.median(samples), 1),
        "runs_ms": [round(s, 1) for s in samples],
        "queries": len(queries),
    }


POST_TABLES = ("posts_post", "posts_reaction", "communities_placement")


def query_audit(client, url: str) -> list[dict]:
    """Each query of one request, with its plan when it reads posts, reactions or placements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    audited = []
    for query in captured.captured_queries:
        sql = query["sql"]
        entry = {"ms": float(query["time"]) * 1000, "sql": sql[:160]}
        touched = [name for name in POST_TABLES if f'"{name}"' in sql]
        if touched and sql.lstrip().upper().startswith("SELECT"):
            entry["tables"] = touched
            entry["counts"] = "COUNT(" in sql.upper()
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plan = [row[-1] for row in cursor.fetchall()]
                    entry["full_scans"] = [line for line in plan if line.startswith("SCAN")]
                else:
                    cursor.execute(f"EXPLAIN {sql}")
                    plan = [row[0].strip() for row in cursor.fetchall()]
                    entry["full_scans"] = [line for line in plan if "Seq Scan" in line]
            entry["plan"] = plan
        audited.append(entry)
    return audited


def pick_viewer():
    """An active person in exactly VIEWER_COMMUNITIES communities, one of them a mid-size private one."""
    from django.db.models import Count

    from ruche.accounts.models import User
    from ruche.communities.models import Community

    candidates = (
        User.objects.filter(is_active=True, is_staff=False, last_seen_at__isnull=False)
        .annotate(communities=Count("memberships"))
        .filter(communities=VIEWER_COMMUNITIES)
        .order_by("-last_seen_at", "pk")
    )
    for viewer in candidates[:50]:
        private = (
            Community.objects.filter(memberships__user=viewer, visibility="private", member_count__gte=40)
            .order_by("member_count")
            .only("slug", "member_count")
        )
        mid = min(private, key=lambda c: abs(c.member_count - MID_PRIVATE_SIZE), default=None)
        if mid is not None:
            return viewer, mid
    raise SystemExit(f"nobody is in exactly {VIEWER_COMMUNITIES} communities with a private one among them")


def dataset_summary() -> dict:
    from django.conf import settings
    from django.db.models import Count

    from ruche.accounts.models import User
    from ruche.communities.models import Community, Membership, Placement
    from ruche.feed.models import FeedEntry
    from ruche.posts.models import Post

    sizes = sorted(Community.objects.values_list("member_count", flat=True), reverse=True)
    per_person = list(
        User.objects.filter(is_active=True).annotate(n=Count("memberships")).values_list("n", flat=True)
    )
    placed = list(Placement.objects.values("post_id").annotate(n=Count("id")).values_list("n", flat=True))
    top_level = Post.objects.filter(parent__isnull=True, deleted_at__isnull=True).count()
    return {
        "people": User.objects.count(),
        "communities": len(sizes),
        "by_visibility": dict(Community.objects.values_list("visibility").annotate(n=Count("id"))),
        "by_kind": dict(Community.objects.values_list("kind").annotate(n=Count("id"))),
        "memberships": Membership.objects.count(),
        "memberships_per_person": {
            "mean": round(statistics.mean(per_person), 2),
            "median": statistics.median(per_person),
            "max": max(per_person),
        },
        "community_sizes": {
            "largest": sizes[:6],
            "median": statistics.median(sizes),
            "smallest": sizes[-1],
            "above_FEED_LARGE_AUDIENCE": sum(s > settings.FEED_LARGE_AUDIENCE for s in sizes),
        },
        "top_level_posts": top_level,
        "placements": Placement.objects.count(),
        "posts_in_0_1_2_communities": [top_level - len(placed), placed.count(1), placed.count(2)],
        "feed_entries": FeedEntry.objects.count(),
        "community_feed_entries": FeedEntry.objects.filter(reason=FeedEntry.Reason.COMMUNITY).count(),
    }


def measure(seed: int, iterations: int, warmup: int) -> dict:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from ruche.communities.models import Community, Membership
    from ruche.communities.selectors import community_feed, directory, role_of
    from ruche.feed.models import FeedEntry
    from ruche.feed.selectors import home_feed

    built = ensure_communities(seed)
    if connection.vendor == "postgresql":
        # This server runs with autovacuum off: the tables that `migrate` altered (posts, users) and
        # the profiles were never analysed, and the planner then picks nested loops over whole tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print("health roll-up", file=sys.stderr, flush=True)
    rollup = health_rollup()
    viewer, mid_private = pick_viewer()
    company = Community.objects.get(is_company_wide=True)
    large_public = (
        Community.objects.filter(visibility="public", is_company_wide=False)
        .order_by("-member_count", "pk")
        .first()
    )
    sizes = list(Community.objects.order_by("member_count", "pk"))
    median = sizes[len(sizes) // 2]
    client = Client()
    client.force_login(viewer)
    cursor = home_feed(viewer).next_cursor
    urls = {
        "community_large_public": large_public.get_absolute_url(),
        "community_company_wide": company.get_absolute_url(),
        "community_private_member": mid_private.get_absolute_url(),
        "communities_directory": "/communities/",
        "home_page_1": "/",
        "home_page_2": f"/?before={cursor}",
    }
    print("pages", file=sys.stderr, flush=True)
    pages = {name: time_page(client, url, iterations, warmup) for name, url in urls.items()}
    role = role_of(viewer, large_public)
    selectors = {
        "home_feed_page_1": time_selector(lambda: home_feed(viewer), iterations, warmup),
        "community_feed_large_public": time_selector(
            lambda: community_feed(viewer, large_public, role), iterations, warmup
        ),
        "directory": time_selector(lambda: directory(viewer), iterations, warmup),
    }
    print("health", file=sys.stderr, flush=True)
    healths = {
        "largest": time_health(max(sizes, key=lambda c: (c.member_count, -c.pk)), HEALTH_RUNS),
        "median": time_health(median, HEALTH_RUNS),
    }
    audits = {name: query_audit(client, urls[name]) for name in
              ("community_large_public", "community_private_member", "communities_directory")}  # fmt: skip
    large = settings.FEED_LARGE_AUDIENCE
    mine = Membership.objects.filter(user=viewer).aggregate(
        pulled=Count("id", filter=models_q(community__member_count__gt=large)),
        private=Count("id", filter=models_q(community__visibility="private")),
        secret=Count("id", filter=models_q(community__visibility="secret")),
    )
    return {
        "database": connection.vendor,
        "server_version": ".".join(map(str, divmod(connection.pg_version, 10000)))
        if connection.vendor == "postgresql"
        else None,
        "settings": {
            "FEED_LARGE_AUDIENCE": large,
            "FEED_MAX_ENTRIES": settings.FEED_MAX_ENTRIES,
            "FEED_PAGE_SIZE": settings.FEED_PAGE_SIZE,
        },
        "built_now": built,
        "dataset": dataset_summary(),
        "viewer": {
            "handle": viewer.handle,
            "communities": Membership.objects.filter(user=viewer).count(),
            "communities_pulled_at_read_time": mine["pulled"],
            "private": mine["private"],
            "secret": mine["secret"],
            "follows": viewer.following_set.count(),
            "feed_entries": FeedEntry.objects.filter(user=viewer).count(),
            "community_feed_entries": FeedEntry.objects.filter(user=viewer, reason="community").count(),
        },
        "communities_measured": {
            "large_public": {
                "slug": large_public.slug,
                "members": large_public.member_count,
                "viewer_role": role,
            },
            "company_wide": {"slug": company.slug, "members": company.member_count},
            "private_member": {
                "slug": mid_private.slug,
                "members": mid_private.member_count,
                "viewer_role": role_of(viewer, mid_private),
            },
        },  # fmt: skip
        "iterations": iterations,
        "pages": pages,
        "selectors_only": selectors,
        "health_refresh": healths,
        "health_rollup_all": rollup,
        "query_audit": audits,
    }


def models_q(**kwargs):
    from django.db.models import Q

    return Q(**kwargs)


# --- orchestration ---------------------------------------------------------------------------


def run_one(database: str, args) -> dict:
    url = database_url(database, args.employees, args.seed)
    if database == "sqlite" and not (ROOT / url.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"no {url}: run benchmarks/run.py --database sqlite first")
    env = child_env(url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    command = [PYTHON, __file__, "--measure", f"--seed={args.seed}", f"--iterations={args.iterations}",
               f"--warmup={args.warmup}"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    path = RESULTS / f"{database}-communities.json"
    if result["built_now"] is None and path.exists():  # built by an earlier run: keep its figures
        result["built_now"] = None
        result["build"] = json.loads(path.read_text()).get("build")
    else:
        result["build"] = result["built_now"]
    del result["built_now"]
    result.update(
        employees=args.employees,
        seed=args.seed,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=machine(),
        command=f"benchmarks/communities.py --database {database} --iterations {args.iterations} "
        f"--warmup {args.warmup}",
    )
    home = result["pages"]["home_page_1"]
    result["targets"] = {"home_p50_ms<=20": home["p50_ms"] <= 20, "home_p99_ms<=60": home["p99_ms"] <= 60}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.seed, args.iterations, args.warmup), default=str))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {db: run_one(db, args) for db in databases}
    summary = {db: {k: r["pages"][k]["p50_ms"] for k in r["pages"]} for db, r in results.items()}
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
