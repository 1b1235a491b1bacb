"""The demo company, "Ruche Industries": people, follows and a few weeks of work talk, in French.

Two modes share one vocabulary:

- small (the `make run` demo, a few dozen people): everything goes through the real services, so
  mentions, hashtags, feed entries and notifications are exactly what the product makes, then
  timestamps are moved into the past;
- large (benchmarks, thousands of people): people, follows, posts, reactions and notifications are
  written in bulk, because calling the services for 50,000 posts would take hours: on PostgreSQL
  with `COPY ... FROM STDIN` (`_save_rows`), elsewhere with `bulk_create`. The feeds follow the
  feed's own rules: on SQLite `post_fan_out` post by post then `feed_trim`, as the worker would;
  on PostgreSQL the same rules restated as a few set-based `INSERT ... SELECT` and one trim
  (`_fan_out_in_sql`), which tests/demo/test_bulk_feed.py holds to the very rows of the first way.
  That is what makes 100,000 people possible in minutes (docs/performance.md, "Generating a large
  company").

Output depends only on the seed and the size (and on "now", which only shifts the dates).
"""

import bisect
import itertools
import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from ruche.accounts.models import Department, Follow, Profile, Site, Skill, User
from ruche.core import markdown
from ruche.core.text import fold, slugify_handle
from ruche.demo import history
from ruche.demo.history import Timeline
from ruche.feed import stamps
from ruche.feed.models import FeedEntry
from ruche.notifications.models import Notification
from ruche.posts.models import Hashtag, HashtagFollow, Post, Reaction
from ruche.qa.models import Question
from ruche.worker.backend import EAGER as EAGER_TASKS

DEMO_PASSWORD = "ruche-demo-2026"  # noqa: S105 - a published demo password, shown on the login page
COMPANY = "Ruche Industries"
DOMAIN = "ruche.example"
ADMIN_EMAIL = f"admin@{DOMAIN}"
# Above this many people, the generator writes rows in bulk instead of calling services.
LARGE_THRESHOLD = 200
BATCH = 2000
# Notifications older than this are read, except for the few people who never read them.
UNREAD_DAYS = 2
# The generated history stops here; the communities' "latest posts" fill the last 45 minutes,
# so post ids keep following time whatever the hour the demo is loaded.
HISTORY_ENDS = timedelta(minutes=50)

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

FIRST_F = [
    "Léa", "Camille", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Laura", "Pauline", "Marion",
    "Claire", "Élodie", "Anaïs", "Mathilde", "Lucie", "Audrey", "Céline", "Émilie", "Nadia", "Amandine",
    "Aurélie", "Caroline", "Charlotte", "Clémence", "Delphine", "Fatima", "Justine", "Karine", "Laetitia",
    "Margaux", "Mélanie", "Morgane", "Noémie", "Océane", "Sandrine", "Sophie", "Stéphanie", "Valérie",
    "Yasmine", "Agathe", "Alice", "Bérénice", "Coralie", "Estelle", "Gaëlle", "Hélène", "Isabelle",
    "Jeanne", "Louise"
]  # fmt: skip
FIRST_M = [
    "Thomas", "Nicolas", "Julien", "Maxime", "Alexandre", "Antoine", "Romain", "Kevin", "Guillaume",
    "Mathieu", "Pierre", "Hugo", "Lucas", "Théo", "Florian", "Sébastien", "Vincent", "Jérôme", "Olivier",
    "Laurent", "Frédéric", "Christophe", "Benoît", "Damien", "Fabien", "Yann", "Karim", "Mehdi", "Rachid",
    "Samir", "Bastien", "Cédric", "Clément", "Adrien", "Arnaud", "Baptiste", "Bruno", "Denis", "Éric",
    "Franck", "Grégory", "Hervé", "Jean", "Loïc", "Marc", "Mickaël", "Patrick", "Quentin", "Raphaël",
    "Tristan"
]  # fmt: skip
LAST = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
    "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly",
    "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand",
    "Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
    "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
    "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Philippe", "Leclercq", "Lacroix", "Fabre",
    "Dupuis", "Olivier", "Rodriguez", "Da-Silva", "Hubert", "Louis", "Charles", "Guillot", "Rivière",
    "Le-Gall", "Guillaume", "Adam", "Rey", "Moulin", "Gonzalez", "Berger", "Lecomte", "Menard", "Fleury",
    "Deschamps", "Carpentier", "Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur",
    "Le-Roux", "Renault", "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet",
    "Baron", "Dupuy", "Pons", "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider", "Pérrot", "Guyot",
    "Barre", "Marty", "Cousin", "Benali", "Haddad", "Mansouri", "Diallo", "Traoré", "Kaya", "Ferreira",
    "Costa", "Santos", "Nowak", "Kowalski", "Rossi", "Bianchi"
]  # fmt: skip

SITES = ["Lyon", "Paris", "Nantes", "Grenoble"]
LARGE_SITES = SITES + ["Lille", "Toulouse", "Bordeaux", "Strasbourg"]
PHONE_PREFIX = {
    "Lyon": "04 72",
    "Paris": "01 45",
    "Nantes": "02 40",
    "Grenoble": "04 76",
    "Lille": "03 20",
    "Toulouse": "05 61",
    "Bordeaux": "05 56",
    "Strasbourg": "03 88",
}

COMMON_SKILLS = ["Gestion de projet", "Anglais", "Excel", "Animation de réunion", "Lean", "Prise de parole"]


@dataclass(frozen=True)
class Dept:
    name: str
    weight: int  # share of the staff
    sites: dict[str, int]  # where its people work
    titles: list[str]  # "masculine|feminine", or one form
    skills: list[str]
    topics: list[str]  # "ask me about"
    tags: list[str]  # hashtags its people follow


DEPARTMENTS = [
    Dept(
        "Direction générale", 5, {"Lyon": 8, "Paris": 2},
        ["Directeur administratif et financier|Directrice administrative et financière",
         "Assistant de direction|Assistante de direction", "Contrôleur de gestion|Contrôleuse de gestion",
         "Juriste d'entreprise", "Acheteur industriel|Acheteuse industrielle"],
        ["Finance", "Contrôle de gestion", "Droit des contrats", "Achats", "Rédaction", "SAP"],
        ["le budget 2027", "les notes de frais", "les contrats fournisseurs", "l'organigramme"],
        ["rse", "presse"],
    ),
    Dept(
        "R&D", 18, {"Grenoble": 7, "Lyon": 3},
        ["Ingénieur R&D mécanique|Ingénieure R&D mécanique",
         "Ingénieur logiciel embarqué|Ingénieure logiciel embarqué", "Technicien d'essais|Technicienne d'essais",
         "Chef de projet innovation|Cheffe de projet innovation", "Data scientist",
         "Ingénieur électronique|Ingénieure électronique"],
        ["Python", "CAO (SolidWorks)", "Électronique embarquée", "Simulation numérique", "Impression 3D",
         "Analyse de données", "C/C++", "Propriété industrielle", "Soudure"],
        ["le banc d'essai", "le projet Atlas", "les brevets", "la simulation par éléments finis"],
        ["innovation", "projet-atlas"],
    ),
    Dept(
        "Production", 34, {"Lyon": 5, "Nantes": 4},
        ["Responsable d'atelier", "Chef d'équipe montage|Cheffe d'équipe montage",
         "Technicien de maintenance|Technicienne de maintenance", "Soudeur qualifié|Soudeuse qualifiée",
         "Opérateur sur commande numérique|Opératrice sur commande numérique",
         "Planificateur de production|Planificatrice de production", "Responsable logistique",
         "Ingénieur méthodes|Ingénieure méthodes"],
        ["Soudure", "Lean", "5S", "Maintenance préventive", "Usinage CN", "SMED", "Planification",
         "Habilitation électrique", "CACES cariste"],
        ["la ligne 3", "les changements de série", "le planning de l'atelier", "la GMAO"],
        ["lean", "sécurité", "maintenance"],
    ),
    Dept(
        "Qualité", 12, {"Lyon": 5, "Nantes": 3, "Grenoble": 1},
        ["Ingénieur qualité fournisseurs|Ingénieure qualité fournisseurs",
         "Technicien contrôle qualité|Technicienne contrôle qualité", "Animateur sécurité|Animatrice sécurité",
         "Auditeur interne|Auditrice interne", "Responsable amélioration continue"],
        ["ISO 9001", "ISO 14001", "AMDEC", "8D", "Audit interne", "Six Sigma", "Métrologie",
         "Sécurité au travail", "Lean"],
        ["les audits ISO 9001", "les 8D", "la métrologie", "le document unique"],
        ["qualité", "sécurité", "lean"],
    ),
    Dept(
        "Ventes", 17, {"Paris": 5, "Lyon": 3, "Nantes": 2},
        ["Ingénieur commercial grands comptes|Ingénieure commerciale grands comptes",
         "Chargé d'affaires export|Chargée d'affaires export", "Assistant ADV|Assistante ADV",
         "Technico-commercial|Technico-commerciale", "Responsable service client", "Chef de produit|Cheffe de produit"],
        ["Négociation", "Salesforce", "Export", "Appels d'offres", "Relation client", "Allemand", "Espagnol"],
        ["les grands comptes", "les appels d'offres publics", "l'export en Europe de l'Est", "les salons"],
        ["clients", "export", "salon"],
    ),
    Dept(
        "Ressources humaines", 8, {"Lyon": 4, "Paris": 1},
        ["Chargé de recrutement|Chargée de recrutement", "Responsable formation", "Gestionnaire paie",
         "Responsable relations sociales", "Chargé de développement RH|Chargée de développement RH"],
        ["Recrutement", "Droit social", "Formation", "Paie", "Dialogue social", "Marque employeur"],
        ["la mutuelle", "le plan de formation", "la cooptation", "le télétravail"],
        ["rh", "recrutement", "formation"],
    ),
]  # fmt: skip
LARGE_DEPARTMENTS = DEPARTMENTS + [
    Dept(
        "Logistique", 9, {"Lyon": 2, "Nantes": 2, "Lille": 3, "Toulouse": 1, "Bordeaux": 1},
        ["Responsable entrepôt", "Cariste", "Gestionnaire des flux", "Approvisionneur|Approvisionneuse"],
        ["CACES cariste", "Supply chain", "SAP", "Lean", "Planification"],
        ["les expéditions", "le stock de sécurité", "les transporteurs"],
        ["lean", "sécurité"],
    ),
    Dept(
        "Systèmes d'information", 5, {"Lyon": 3, "Paris": 1, "Strasbourg": 1},
        ["Administrateur systèmes|Administratrice systèmes", "Développeur|Développeuse",
         "Chef de projet ERP|Cheffe de projet ERP", "Technicien support|Technicienne support"],
        ["Python", "SAP", "Linux", "Cybersécurité", "Gestion de projet", "SQL"],
        ["l'ERP", "le VPN", "les mots de passe", "la cybersécurité"],
        ["innovation"],
    ),
    Dept(
        "Communication", 2, {"Lyon": 3, "Paris": 1},
        ["Chargé de communication|Chargée de communication", "Graphiste", "Community manager"],
        ["Rédaction", "Communication interne", "Prise de parole", "Vidéo", "Marque employeur"],
        ["l'intranet", "les événements", "la charte graphique"],
        ["presse", "rse"],
    ),
]  # fmt: skip
DEPT_BY_NAME = {d.name: d for d in LARGE_DEPARTMENTS}

INTERESTS = [
    "En dehors du travail : trail dans le Vercors et pâtisserie le dimanche.",
    "Je chante dans une chorale et je cours le semi-marathon de Lyon chaque année.",
    "Amateur de vieux moteurs : j'entretiens une 2 CV de 1972.",
    "Parent de deux enfants, bénévole au club de basket du quartier.",
    "Je fais de l'escalade et de la photo de montagne.",
    "Je collectionne les bandes dessinées et je joue du piano.",
    "Jardin partagé, vélo pour venir au travail, et beaucoup de romans policiers.",
    "Fan de rugby et de cuisine japonaise.",
    "Je prépare un diplôme en cours du soir, toujours partant pour apprendre.",
    "Voile l'été, ski de fond l'hiver.",
]
SECOND_LANGUAGES = ["allemand", "espagnol", "italien", "arabe", "portugais", "polonais", "chinois"]


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


@dataclass
class Person:
    first: str
    last: str
    female: bool
    dept: str
    site: str
    title: str
    manager: int | None = None  # index in the roster
    role: str = "staff"  # ceo, head, admin, info, manager, staff
    email: str = ""
    handle: str = ""
    skills: list[str] = field(default_factory=list)
    followers: int = 0
    user: User | None = None


# The people a visitor meets first: always present, always with these names.
KEY_PEOPLE = [
    ("Hélène", "Marchand", True, "Direction générale", "Lyon", "Présidente-directrice générale", "ceo"),
    ("Camille", "Roussel", True, "Direction générale", "Lyon",
     "Responsable communication interne et outils numériques", "admin"),
    ("Karim", "Benali", False, "R&D", "Grenoble", "Directeur R&D", "head"),
    ("Thierry", "Garnier", False, "Production", "Lyon", "Directeur industriel", "head"),
    ("Sophie", "Lambert", True, "Qualité", "Lyon", "Directrice qualité, sécurité et environnement", "head"),
    ("Julien", "Morel", False, "Ventes", "Paris", "Directeur commercial", "head"),
    ("Nathalie", "Faure", True, "Ressources humaines", "Lyon", "Directrice des ressources humaines", "head"),
    ("Léa", "Dubois", True, "Production", "Lyon", "Ingénieure méthodes", "staff"),
]  # fmt: skip
DEMO_EMPLOYEE = "lea.dubois"
LARGE_HEADS = [
    ("Franck", "Lemoine", False, "Logistique", "Lille", "Directeur logistique", "head"),
    ("Isabelle", "Caron", True, "Systèmes d'information", "Lyon", "Directrice des systèmes d'information", "head"),
    ("Estelle", "Vidal", True, "Communication", "Lyon", "Directrice de la communication", "head"),
    ("Ruche", "Info", False, "Communication", "Lyon", "Le fil d'actualité de Ruche Industries", "info"),
]  # fmt: skip


def _gendered(title: str, female: bool) -> str:
    forms = title.split("|")
    return forms[-1] if female else forms[0]


def _pick_site(rng: random.Random, dept: Dept, sites: list[str]) -> str:
    choices = [(s, w) for s, w in dept.sites.items() if s in sites] or [(sites[0], 1)]
    return rng.choices([s for s, _w in choices], [w for _s, w in choices])[0]


def _roster(rng: random.Random, size: int, large: bool) -> list[Person]:
    """CEO, department heads, the admin, then staff: each reports to their head (or team manager)."""
    depts = LARGE_DEPARTMENTS if large else DEPARTMENTS
    sites = LARGE_SITES if large else SITES
    fixed = KEY_PEOPLE + (LARGE_HEADS if large else [])
    people = [Person(f, last, fem, d, s, t, role=r) for f, last, fem, d, s, t, r in fixed][:size]
    head_of = {p.dept: i for i, p in enumerate(people) if p.role in {"ceo", "head"}}
    head_of["Direction générale"] = 0
    for p in people:
        p.manager = (
            None if p.role == "ceo" else (0 if p.role in {"head", "admin"} else head_of.get(p.dept, 0))
        )
    if large:
        people[-1].manager = head_of["Communication"]  # Ruche Info is run by the comms team
    taken = {(p.first, p.last) for p in people}
    teams: dict[str, list[int]] = defaultdict(list)  # team managers per department (large mode)
    arrivals: Counter[str] = Counter()
    weights = [d.weight for d in depts]
    while len(people) < size:
        dept = rng.choices(depts, weights)[0]
        female = rng.random() < 0.45
        first = rng.choice(FIRST_F if female else FIRST_M)
        last = rng.choice(LAST).replace("-", " ")
        if not large and (first, last) in taken:
            continue
        taken.add((first, last))
        title = _gendered(rng.choice(dept.titles), female)
        person = Person(first, last, female, dept.name, _pick_site(rng, dept, sites), title)
        person.manager = head_of.get(dept.name, 0)
        if large:
            # Teams of about ten: every tenth arrival in a department manages the next nine.
            team = teams[dept.name]
            arrivals[dept.name] += 1
            if arrivals[dept.name] % 10 == 1:
                person.role = "manager"
                person.title = f"Responsable d'équipe {dept.name}"
                team.append(len(people))
            elif team:
                person.manager = rng.choice(team)
        people.append(person)
    if not large:
        _small_teams(people, first=len(fixed))
    return people


SMALL_TEAM = 7  # a team manager and up to six people; fewer than five stay with their director


def _small_teams(people: list[Person], first: int) -> None:
    """Team managers between the directors and their staff (CEO, directors, managers, teams), for
    the org chart. Drawn from the roster's order, with no random choice: the rest of the demo is
    the same. They keep the role "staff" (what the history's choices depend on)."""
    by_dept: dict[str, list[int]] = defaultdict(list)
    for i in range(first, len(people)):
        if people[people[i].manager or 0].role == "head":
            by_dept[people[i].dept].append(i)
    for dept, staff in by_dept.items():
        for start in range(0, len(staff), SMALL_TEAM):
            team = staff[start : start + SMALL_TEAM]
            if len(team) < 5:
                continue
            lead = people[team[0]]
            lead.title = f"Responsable d'équipe {dept}"
            for i in team[1:]:
                people[i].manager = team[0]


def _finish_people(rng: random.Random, people: list[Person]) -> None:
    """Handles (unique, as unique_handle makes them), e-mails and skills."""
    seen: Counter[str] = Counter()
    for p in people:
        base = slugify_handle(f"{p.first} {p.last}")[:56]
        seen[base] += 1
        p.handle = base if seen[base] == 1 else f"{base}{seen[base]}"
        p.email = ADMIN_EMAIL if p.role == "admin" else f"{p.handle}@{DOMAIN}"
        dept = DEPT_BY_NAME[p.dept]
        pool = list(dict.fromkeys(dept.skills + COMMON_SKILLS))
        count = rng.randint(3, 6)
        own = rng.sample(dept.skills, min(len(dept.skills), count - 1))
        p.skills = list(dict.fromkeys(own + rng.sample(pool, 2)))[:count]


def _profile_text(rng: random.Random, p: Person) -> dict:
    dept = DEPT_BY_NAME[p.dept]
    years = rng.randint(1, 22)
    first = "Arrivée" if p.female else "Arrivé"
    bio = (
        f"{p.title} à {p.site}. {first} chez {COMPANY} il y a {years} an{'s' if years > 1 else ''}"
        f"{', après un parcours dans ' + rng.choice(['l’automobile', 'l’aéronautique', 'l’agroalimentaire', 'le conseil', 'la chimie']) if years < 10 else ''}."  # noqa: E501
        f"\n\n{rng.choice(INTERESTS)}"
    )
    languages = ["Français", "anglais"]
    if rng.random() < 0.35:
        languages.append(rng.choice(SECOND_LANGUAGES))
    digits = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
    return {
        "job_title": p.title,
        "phone": f"+33 {PHONE_PREFIX.get(p.site, '04 72')[1:]} {digits}",
        "bio": bio,
        "ask_me_about": ", ".join([rng.choice(dept.topics)] + p.skills[:2]),
        "languages": ", ".join(languages),
    }


def _create_people(
    rng: random.Random, people: list[Person], now: datetime, large: bool, timeline: Timeline | None = None
) -> None:
    """Users, profiles and skills, in bulk (the same rows user_invite + user_activate would make).
    With a `timeline`, invitations and activations take its dates; those never activated have no
    password, and are left out (inactive) until the whole demo is written (history.finish)."""
    departments = {name: Department.objects.get_or_create(name=name)[0] for name in {p.dept for p in people}}
    sites = {name: Site.objects.get_or_create(name=name)[0] for name in {p.site for p in people}}
    skills = _skills({s for p in people for s in p.skills})
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing 10,000 times would take minutes
    users = []
    for p in people:
        joined = now - timedelta(days=rng.randint(60, 2000))
        seen = now - timedelta(minutes=rng.randint(10, 3 * 24 * 60))
        if large and p.role == "staff" and rng.random() < 0.08:
            seen = now - timedelta(days=rng.randint(35, 120))  # long away: no fan-out to them
        user = User(
            email=p.email, handle=p.handle, first_name=p.first, last_name=p.last, language="fr",
            password=password, is_staff=p.role == "admin", is_superuser=p.role == "admin",
            date_joined=joined, invited_at=joined, activated_at=joined + timedelta(hours=3),
            last_seen_at=seen, feed_built_at=now, follower_count=p.followers,
            search_text=fold(f"{p.first} {p.last} {p.handle}"),  # what User.save() would set
        )  # fmt: skip
        if timeline:
            _set_timeline(user, timeline, len(users), seen)
        users.append(user)
    start = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for pk, (p, user) in enumerate(zip(people, users, strict=True), start=start):
        user.pk, p.user = pk, user
    _save_rows(User, users, ids=True)
    profiles = (
        Profile(
            user=p.user,
            department=departments[p.dept],
            site=sites[p.site],
            manager=people[p.manager].user if p.manager is not None else None,
            **_profile_text(rng, p),
        )
        for p in people
    )
    _save_rows(Profile, profiles)
    through = Profile.skills.through
    _save_rows(
        through,
        (through(profile_id=p.user.pk, skill_id=skills[fold(s)].pk) for p in people for s in p.skills),
    )


def _set_timeline(user: User, timeline: Timeline, index: int, seen: datetime) -> None:
    user.date_joined = user.invited_at = timeline.invited[index]
    user.activated_at = timeline.activated[index]
    if user.activated_at is None:
        user.password, user.last_seen_at, user.is_active = history.unusable_password(), None, False
    else:
        user.last_seen_at = max(seen, user.activated_at)


def _skills(names: set[str]) -> dict[str, Skill]:
    existing = {s.key: s for s in Skill.objects.all()}
    for name in sorted(names):
        if fold(name) not in existing:
            skill = Skill(name=name)
            skill.save()
            existing[skill.key] = skill
    return existing


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    author: str  # "ceo", "comms", "any" or a department name
    mentions: tuple[str, ...]  # departments the mentioned people come from ("any" for anyone)
    tone: str  # bravo, question, info, fun: drives replies and reactions
    text: str
    files: tuple[str, ...] = ()  # what it may carry: "photo:<picture>", "doc:<document>" (demo/files.py)


TEMPLATES = [
    Template("Production", ("Production",), "bravo",
             "Un grand bravo à {m0} et à toute l'équipe montage : la ligne 3 a tourné toute la semaine "
             "sans arrêt non planifié. 🎉\n\nLe passage au **SMED** sur les changements de série nous fait "
             "gagner 25 minutes à chaque fois. #lean #{site_tag}",
             files=("photo:ligne",)),
    Template("Qualité", ("Production",), "info",
             "**Incident qualité résolu** sur les carters de la série K40 : une dérive de l'outil de perçage, "
             "détectée au contrôle final jeudi.\n\n- confinement des 312 pièces en stock\n- remplacement de "
             "l'outil et contrôle renforcé pendant deux semaines\n- 8D clôturé ce matin avec {m0}\n\n"
             "Merci à tous pour la réactivité. #qualité",
             files=("doc:8d",)),
    Template("R&D", ("Production", "R&D"), "question",
             "Question aux experts : quelqu'un a-t-il déjà validé une soudure **inox 316L sur acier S235** "
             "pour un bâti soumis à vibrations ? On hésite entre TIG et MIG pour le prototype Atlas. "
             "{m0}, {m1}, une idée ? #innovation #projet-atlas"),
    Template("comms", (), "info",
             "📰 Revue de presse : *Le Progrès* consacre un article à notre nouvelle ligne de production et "
             "aux recrutements prévus cette année. [Lire l'article](https://www.leprogres.fr/economie/"
             "ruche-industries) #presse #lyon"),
    Template("Ressources humaines", ("any",), "bravo",
             "Bienvenue à {m0} qui rejoint l'équipe {dept0} à {site0} ! N'hésitez pas à passer dire "
             "bonjour. 👋 #bienvenue #rh"),
    Template("Ventes", ("R&D", "Production"), "bravo",
             "Belle signature cette semaine : **Alpinox** nous confie le renouvellement de ses 40 unités de "
             "pompage. Merci à {m0} pour la démo technique et à {m1} pour le planning de livraison qui a "
             "fait la différence. #clients"),
    Template("any", ("any",), "info",
             "Rappel : **journée portes ouvertes** du site de {site} samedi {date}, de 10 h à 16 h. Les "
             "familles sont les bienvenues, visite de l'atelier toutes les heures. Inscriptions auprès de "
             "{m0}. #{site_tag}",
             files=("doc:portes",)),
    Template("Qualité", (), "info",
             "🦺 Rappel #sécurité : depuis lundi, le port des lunettes est obligatoire dans **toute** la zone "
             "de soudure de {site}, visiteurs compris. Des paires supplémentaires sont à l'accueil."),
    Template("ceo", (), "bravo",
             "Chères toutes, chers tous,\n\nle trimestre se termine au-dessus de nos objectifs : **+8 %** de "
             "chiffre d'affaires, et surtout aucun accident avec arrêt depuis 200 jours. C'est votre travail "
             "à tous. Les résultats détaillés seront présentés en réunion générale jeudi à 11 h (en visio "
             "pour les autres sites).",
             files=("doc:trimestre",)),
    Template("R&D", ("R&D", "R&D"), "bravo",
             "Le prototype Atlas a passé ce matin son premier essai d'endurance de **500 heures** sans "
             "défaut. Bravo {m0} et {m1} pour le banc d'essai monté en un temps record ! Prochaine étape : "
             "le comité produit. #projet-atlas #innovation",
             files=("photo:ligne", "photo:tableau")),
    Template("Production", (), "info",
             "Atelier de {site} : la maintenance préventive du compresseur principal aura lieu mercredi de "
             "6 h à 10 h. La ligne 2 démarrera donc à 10 h 30. Merci de vous organiser. #maintenance "
             "#{site_tag}",
             files=("doc:maintenance",)),
    Template("Ressources humaines", (), "info",
             "📚 Les inscriptions au catalogue de formation 2027 sont ouvertes jusqu'au 15 décembre : "
             "management, anglais, Lean, habilitations électriques, Python pour les non-développeurs… "
             "Le catalogue est sur l'intranet, je réponds à vos questions ici. #formation #rh",
             files=("doc:formation",)),
    Template("Qualité", ("Qualité",), "bravo",
             "Audit de suivi **ISO 9001** terminé : aucune non-conformité majeure, deux remarques mineures "
             "sur la gestion documentaire. Merci à {m0} pour une préparation impeccable. #qualité",
             files=("doc:iso",)),
    Template("Ventes", ("Ventes",), "info",
             "Retour du salon **Global Industrie** : 63 contacts qualifiés, dont 12 demandes de devis. Le "
             "démonstrateur Atlas a attiré beaucoup de monde. Le compte rendu est sur le drive ; {m0}, tu as "
             "les photos ? #salon #clients",
             files=("photo:equipe",)),
    Template("any", ("Qualité", "Production"), "question",
             "Idée d'amélioration : et si on affichait le suivi **5S** directement sur l'écran de l'atelier "
             "plutôt que sur papier ? {m0}, {m1}, vous en pensez quoi ? #lean",
             files=("photo:tableau",)),
    Template("Ressources humaines", (), "info",
             "Nous recrutons ! Trois techniciens de maintenance à {site} et un ingénieur méthodes. La "
             "cooptation est ouverte : si vous pensez à quelqu'un, écrivez-moi. #recrutement #rh"),
    Template("R&D", (), "info",
             "Un peu de veille : un article intéressant sur la maintenance prédictive par analyse "
             "vibratoire, très proche de ce qu'on teste sur la ligne 3. "
             "[L'article](https://www.usinenouvelle.com/maintenance-predictive) #innovation #maintenance"),
    Template("comms", (), "fun",
             "La collecte de bouchons pour l'association *Les Bouchons d'Amour* bat son record : **48 kg** ce "
             "mois-ci ! Les bacs sont à l'accueil de chaque site. #rse"),
    Template("Production", ("Production",), "bravo",
             "Record battu hier à {site} : **1 240 unités** en une journée. Merci aux équipes du matin et de "
             "l'après-midi, et à {m0} pour l'organisation. #{site_tag}",
             files=("photo:ligne", "photo:equipe")),
    Template("any", (), "question",
             "Quelqu'un aurait-il un adaptateur HDMI/USB-C à prêter pour la salle Mont-Blanc ? Celui de la "
             "salle a disparu… 😅"),
    Template("Qualité", ("R&D",), "info",
             "Retour d'expérience du 8D sur les joints de la pompe P200 : la cause racine était une référence "
             "de joint mal saisie dans l'ERP. Merci à {m0} pour l'analyse. Nous ajoutons un contrôle "
             "automatique à la création des nomenclatures. #qualité #lean"),
    Template("Ventes", ("Ventes",), "bravo",
             "Félicitations à {m0} qui décroche notre premier contrat en **Pologne** ! 🇵🇱 Une belle porte "
             "d'entrée vers l'Europe centrale. #export #clients"),
    Template("ceo", ("R&D",), "bravo",
             "J'étais hier à Grenoble avec l'équipe R&D : impressionnée par le travail sur Atlas et par "
             "l'énergie de l'équipe. Merci {m0} pour la visite du laboratoire. #grenoble #innovation"),
    Template("any", (), "fun",
             "Le restaurant d'entreprise de {site} propose jeudi un menu 100 % produits locaux. 🥗 "
             "#{site_tag}"),
    Template("R&D", ("R&D", "R&D"), "question",
             "Revue de code vendredi sur le firmware du contrôleur Atlas : {m0}, {m1}, 14 h en salle "
             "Belledonne ? Ordre du jour :\n\n1. gestion des alarmes\n2. mise à jour à distance\n3. tests "
             "automatisés\n\n#projet-atlas",
             files=("photo:tableau",)),
    Template("Ressources humaines", (), "info",
             "Les entretiens annuels commencent la semaine prochaine. Le support de préparation est sur "
             "l'intranet ; managers, pensez à bloquer des créneaux d'une heure. #rh",
             files=("doc:entretiens",)),
    Template("Qualité", ("Production",), "bravo",
             "**300 jours sans accident avec arrêt** à {site} ! Merci à chacun, et à {m0} pour les "
             "quarts d'heure sécurité du lundi. #sécurité #{site_tag}",
             files=("photo:equipe",)),
    Template("any", ("any",), "question",
             "Qui connaît bien **Salesforce** ? Je cherche comment exporter l'historique des devis d'un "
             "client. {m0}, peut-être ?"),
    Template("Ressources humaines", (), "info",
             "Le compte rendu du CSE de ce mois est en pièce jointe : nouvelle mutuelle au 1er janvier, "
             "deux jours de télétravail possibles, calendrier des congés d'été. Vos questions sont les "
             "bienvenues ici. #rh",
             files=("doc:cse",)),
]  # fmt: skip

REPLIES = {
    "bravo": ["Bravo à toute l'équipe ! 👏", "Félicitations, c'est mérité.", "Super nouvelle, merci pour le partage !",
              "Bravo {m0} !", "Belle réussite, ça motive tout le monde.", "Top ! 💪",
              "Merci pour ce message, je transmets à l'équipe de {site}."],
    "question": ["Je pense que {m0} a fait exactement ça l'an dernier, je vous mets en relation.",
                 "On a eu le même sujet à Nantes : je t'envoie notre mode opératoire.",
                 "Bonne question ! Je peux regarder ça demain matin.",
                 "Pour ma part je partirais sur la première option, plus simple à maintenir.",
                 "Je passe te voir en fin de journée, ce sera plus simple d'en parler de vive voix.",
                 "{m0} est la bonne personne pour ça.", "Merci, ça répond à ma question !"],
    "info": ["Merci pour l'info.", "Est-ce que le compte rendu sera partagé ?", "Très clair, merci {m0}.",
             "Bien noté, je fais passer le message à l'équipe.", "Très intéressant, merci du partage.",
             "Est-ce que ça concerne aussi le site de {site} ?", "Je m'inscris ! 🙋"],
    "fun": ["😄", "Génial !", "Je valide !", "On en reparle à la machine à café 😉", "Merci {m0} pour l'idée !"],
}  # fmt: skip
REACTION_WEIGHTS = {
    "bravo": {"bravo": 50, "like": 25, "love": 15, "insightful": 5, "funny": 5},
    "question": {"like": 50, "insightful": 40, "bravo": 5, "funny": 5},
    "info": {"like": 55, "insightful": 30, "bravo": 5, "love": 5, "funny": 5},
    "fun": {"funny": 40, "like": 30, "love": 25, "bravo": 5},
}
# Of the posts whose template may carry photos or a document (about half), the share that does:
# about one post in eight in all, as in a company where people share what they see at work.
FILES_SHARE = 0.25
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre"
]  # fmt: skip


@dataclass
class Draft:
    """A post or reply planned for a given time, before it exists."""

    when: datetime
    author: int
    body: str
    mentions: list[int]
    tone: str
    parent: "Draft | None" = None
    files: tuple[str, ...] = ()  # what it carries (demo/files.py), chosen among its template's
    post: Post | None = None
    pk: int | None = None
    reactions: list[tuple[int, str, datetime]] = field(default_factory=list)


class Cast:
    """Who is who in the roster, for picking authors and people to mention."""

    def __init__(self, people: list[Person], left_out: set[int] = frozenset()):
        self.people = people
        self.by_dept: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(people):
            if p.role != "info" and i not in left_out:
                self.by_dept[p.dept].append(i)
        self.ceo = 0
        self.comms = next((i for i, p in enumerate(people) if p.role == "info"), 1)
        self.everyone = [i for i, p in enumerate(people) if p.role != "info" and i not in left_out]

    def pool(self, dept: str) -> list[int]:
        return self.by_dept.get(dept) or self.everyone


def _tag(site: str) -> str:
    return fold(site).replace(" ", "-")


def _write(
    rng: random.Random, cast: Cast, tpl: Template, author: int, when: datetime, star: int | None = None
) -> tuple[str, list[int]]:
    """The body of a post from its template, with real @handles of colleagues (`star` first)."""
    mentioned: list[int] = [star] if star is not None and tpl.mentions and star != author else []
    for dept in tpl.mentions[len(mentioned) :]:
        pool = cast.everyone if dept == "any" else cast.pool(dept)
        picked = _choice_except(rng, pool, {author, *mentioned})
        if picked is not None:
            mentioned.append(picked)
    site = cast.people[author].site
    day = when + timedelta(days=7 + (5 - when.weekday()) % 7)  # Saturday of next week
    values = {f"m{k}": f"@{cast.people[i].handle}" for k, i in enumerate(mentioned)}
    values.update(
        site=site,
        site_tag=_tag(site),
        date=f"{day.day} {MONTHS[day.month - 1]}",
        dept0=cast.people[mentioned[0]].dept if mentioned else "",
        site0=cast.people[mentioned[0]].site if mentioned else site,
    )
    return tpl.text.format_map(defaultdict(str, values)), mentioned


def _choice_except(rng: random.Random, pool: list[int], excluded: set[int]) -> int | None:
    """`rng.choice([i for i in pool if i not in excluded])`, the same draw from the same random
    state, without copying the pool (sorted ids, up to 100,000 of them, for every post)."""
    at = {i: bisect.bisect_left(pool, i) for i in excluded}
    skipped = sorted(k for i, k in at.items() if k < len(pool) and pool[k] == i)
    if len(pool) == len(skipped):
        return None
    k = rng.randrange(len(pool) - len(skipped))  # as choice() draws: _randbelow(len)
    for position in skipped:
        if position <= k:
            k += 1
    return pool[k]


def _reply_text(
    rng: random.Random, cast: Cast, tone: str, author: int, thread: list[int]
) -> tuple[str, list[int]]:
    text = rng.choice(REPLIES[tone])
    mentioned: list[int] = []
    if "{m0}" in text:
        choices = [i for i in thread if i != author] or [i for i in cast.everyone if i != author]
        mentioned.append(rng.choice(choices))
    values = {"site": cast.people[author].site}
    if mentioned:
        values["m0"] = f"@{cast.people[mentioned[0]].handle}"
    return text.format_map(defaultdict(str, values)), mentioned


def _recent_start(now: datetime, weeks: int) -> datetime:
    """Where _working_times starts: midnight, `weeks` weeks ago (company time)."""
    start = timezone.localtime(now) - timedelta(days=weeks * 7)
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def _working_times(rng: random.Random, now: datetime, weeks: int, per_day: float) -> list[datetime]:
    """Post times on working days, office hours (Paris time), the last few weeks, sorted."""
    local_now = timezone.localtime(now)
    times = []
    for back in range(weeks * 7, -1, -1):
        day = local_now - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        count = max(0, round(rng.gauss(per_day, per_day / 4)))
        for _ in range(count):
            moment = day.replace(hour=8, minute=0, second=0, microsecond=0)
            moment += timedelta(seconds=rng.randint(0, 10 * 3600))
            if moment < now - HISTORY_ENDS:
                times.append(moment)
    return sorted(times)


def _plan(
    rng: random.Random, cast: Cast, now: datetime, weeks: int, per_day: float, writers: list[int],
    repliers: list[int], reactors: list[int], writer_weights: list[float] | None = None,
    star: int | None = None, files: random.Random | None = None,
) -> list[Draft]:  # fmt: skip
    """Every post and reply, with their reactions, sorted by time (so ids will grow with time).

    `star` (the demo employee) writes one of the last posts and is mentioned in the next one, so
    whoever signs in as them finds fresh replies, reactions and a mention waiting; the first carries
    photos and the second a document, so that their first screen shows both.
    With `files` (the small demo's own generator: the rest does not depend on it), a share
    (FILES_SHARE) of the posts whose template may carry photos or a document do.
    """
    drafts: list[Draft] = []
    credit = files.random() if files else 0.0
    # Summed once: choices() would sum the weights of thousands of writers for every post.
    cum_weights = list(itertools.accumulate(writer_weights)) if writer_weights else None
    times = _working_times(rng, now, weeks, per_day)
    for n, when in enumerate(times):
        tpl, author = _template_and_author(rng, cast, writers, cum_weights)
        mention = None
        if star is not None and n == len(times) - 3:
            tpl, author = _template_and_author(rng, cast, [star], None, carrying="photo:")
        elif star is not None and n == len(times) - 2:
            tpl = rng.choice(
                [
                    t
                    for t in TEMPLATES
                    if t.mentions and _carries(t, "doc:") and t.author in {"any", cast.people[author].dept}
                ]
            )
            mention = star
        body, mentioned = _write(rng, cast, tpl, author, when, mention)
        carries = False
        if files is not None and tpl.files:
            credit += FILES_SHARE  # evenly spread, the same share whatever the size of the demo
            carries = credit >= 1 or (star is not None and n in (len(times) - 3, len(times) - 2))
            if credit >= 1:
                credit -= 1
        post = Draft(when, author, body, mentioned, tpl.tone, files=tpl.files if carries else ())
        drafts.append(post)
        drafts.extend(_thread(rng, cast, post, now, repliers))
    for draft in drafts:
        _react(rng, draft, now, reactors)
    return sorted(drafts, key=lambda d: d.when)


def _template_and_author(
    rng, cast: Cast, writers: list[int], cum_weights, *, carrying: str = ""
) -> tuple[Template, int]:
    author = rng.choices(writers, cum_weights=cum_weights)[0] if cum_weights else rng.choice(writers)
    person = cast.people[author]
    fitting = [
        t
        for t in TEMPLATES
        if (not carrying or _carries(t, carrying))
        and (
            t.author == "any"
            or t.author == person.dept
            or (t.author == "ceo" and author == cast.ceo)
            or (t.author == "comms" and (person.role in {"admin", "info"} or person.dept == "Communication"))
        )
    ]
    return rng.choice(fitting), author


def _carries(tpl: Template, prefix: str) -> bool:
    """Whether the template's posts may carry files of this kind ("photo:", "doc:")."""
    return any(f.startswith(prefix) for f in tpl.files)


def _thread(rng: random.Random, cast: Cast, post: Draft, now: datetime, repliers: list[int]) -> list[Draft]:
    count = rng.choices(range(7), [18, 22, 22, 16, 10, 7, 5])[0]
    replies, when = [], post.when
    thread = [post.author, *post.mentions]
    for n in range(count):
        when = when + timedelta(minutes=rng.randint(4, 240))
        if when > now - HISTORY_ENDS:
            break
        # The people mentioned answer first; then colleagues.
        author = post.mentions[n] if n < len(post.mentions) else rng.choice(repliers)
        if n > 1 and rng.random() < 0.3:
            author = post.author  # the author answers back
        body, mentioned = _reply_text(rng, cast, post.tone, author, thread)
        replies.append(Draft(when, author, body, mentioned, post.tone, parent=post))
        thread.append(author)
    return replies


def _react(rng: random.Random, draft: Draft, now: datetime, reactors: list[int]) -> None:
    top = draft.parent is None
    count = min(int(rng.paretovariate(1.6) * (3 if top else 0.7)), 40, len(reactors) - 1)
    weights = REACTION_WEIGHTS[draft.tone]
    kinds = list(weights)
    who = {r for r in rng.sample(reactors, count) if r != draft.author}
    for user in sorted(who):
        when = min(draft.when + timedelta(minutes=rng.randint(2, 600)), now - timedelta(minutes=1))
        draft.reactions.append((user, rng.choices(kinds, [weights[k] for k in kinds])[0], when))


# ---------------------------------------------------------------------------------------------
# Small demo: through the services
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    people: int
    posts: int
    seconds: float
    admin_email: str = ADMIN_EMAIL
    employee_email: str = f"{DEMO_EMPLOYEE}@{DOMAIN}"
    password: str = DEMO_PASSWORD


def generate(
    *, employees: int = 40, seed: int = 42, weeks: int = 3, log: Log = lambda _msg: None
) -> DemoResult:
    """Create the demo company in an empty database."""
    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.now()
    if employees > LARGE_THRESHOLD:
        posts = _generate_large(rng, employees, weeks, now, log)
    else:
        files = random.Random(f"{seed}:files")  # its own: choosing files shifts no other choice
        posts = _generate_small(rng, files, max(employees, len(KEY_PEOPLE)), weeks, now, log)
        from ruche.search.services import search_rebuild

        search_rebuild()  # people and communities were written directly: index everything once
    return DemoResult(people=User.objects.count(), posts=posts, seconds=time.monotonic() - started)


def _generate_small(
    rng: random.Random, files: random.Random, employees: int, weeks: int, now: datetime, log: Log
) -> int:
    people = _roster(rng, employees, large=False)
    _finish_people(rng, people)
    past_rng = random.Random(f"{rng.random()}:history")
    timeline = history.plan_timeline(past_rng, people, now)
    with transaction.atomic():
        _create_people(rng, people, now, large=False, timeline=timeline)
    log(
        f"{len(people)} people in {len(DEPARTMENTS)} departments and {len(SITES)} sites, "
        f"{len(timeline.never)} of them invited but never activated"
    )
    failures: list[str] = []

    def watch(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.extend(e.traceback for e in task_result.errors)

    # Each service call commits on its own, and its after-commit tasks run at once, in-process.
    task_finished.connect(watch)
    task_log = logging.getLogger("django.tasks")
    level = task_log.level
    task_log.setLevel(logging.WARNING)  # thousands of "task started" lines say nothing here
    try:
        # The demo's links point at made-up articles: nothing is fetched from the Internet while it
        # is written (their previews stay empty, and are tried again when someone shares the address).
        with override_settings(TASKS=EAGER_TASKS, FETCH_ALLOWED_PORTS=[]):
            _small_follows(rng, people, now, left_out=timeline.never)
            recent = _recent_start(now, weeks)
            past = history.write_past(past_rng, people, timeline, now, until=recent)
            log(f"{Post.objects.count()} posts and replies before the last {weeks} weeks, since the launch")
            cast = Cast(people, left_out=timeline.never)
            everyone = cast.everyone
            star = next(i for i, p in enumerate(people) if p.handle == DEMO_EMPLOYEE)
            per_day = max(2.0, len(people) / 12)
            # The readers neither write nor react; a few write the posts, the others respond.
            responders = [i for i in everyone if i not in timeline.readers]
            writers = [i for i in responders if i in timeline.writers]
            drafts = _plan(
                rng, cast, now, weeks, per_day, writers, responders, responders, star=star, files=files
            )
            _small_content(people, history.after_activation(past_rng, drafts, timeline, responders), files)
            from ruche.communities.demo import seed_communities

            seed_communities(rng, now, log)
            from ruche.qa.demo import seed_questions

            seed_questions(User.objects.get(email=f"{DEMO_EMPLOYEE}@{DOMAIN}"))
            from ruche.ideas.demo import seed_campaign

            seed_campaign(now)
            from ruche.announcements.demo import seed_announcements

            seed_announcements(skip=f"{DEMO_EMPLOYEE}@{DOMAIN}")
            history.finish(past_rng, people, timeline, past, now)
    finally:
        task_finished.disconnect(watch)
        task_log.setLevel(level)
    if failures:
        raise RuntimeError("a task failed while generating the demo:\n" + failures[0])
    _backdate(rng, people, now)
    log(f"{len(drafts)} posts and replies in the last {weeks} weeks, {Reaction.objects.count()} reactions")
    days = history.record_facts(past_rng, people, timeline, past, now)
    log(f"{days} days of analytics since the launch")
    return Post.objects.count()


def _small_follows(rng: random.Random, people: list[Person], now: datetime, left_out: set[int]) -> None:
    """Colleagues, the CEO, the manager, a few others, and hashtags; nobody follows (or is followed
    by) the people who never activated their account."""
    from ruche.accounts.services import user_follow
    from ruche.posts.services import hashtag_follow

    for i, p in enumerate(people):
        if i in left_out:
            continue
        wanted = {j for j, q in enumerate(people) if q.dept == p.dept and rng.random() < 0.8}
        wanted |= {0, p.manager or 0} | set(rng.sample(range(len(people)), 3))
        for j in sorted(wanted - {i} - left_out):
            user_follow(follower=p.user, followed=people[j].user)
        tags = set(DEPT_BY_NAME[p.dept].tags[:2]) | ({_tag(p.site)} if rng.random() < 0.5 else set())
        for name in sorted(tags):
            tag, _created = Hashtag.objects.get_or_create(key=fold(name)[:50], defaults={"name": name})
            hashtag_follow(user=p.user, hashtag=tag)
    # They followed each other long before the weeks shown.
    Follow.objects.update(created=now - timedelta(days=60))
    HashtagFollow.objects.update(created=now - timedelta(days=60))


def _small_content(people: list[Person], drafts: list[Draft], files: random.Random) -> None:
    from ruche.demo.files import backdate, upload_files
    from ruche.posts.services import post_create, reaction_set

    # Posts and reactions in the order they happen: notifications are listed by id, so their ids
    # must grow with time too (a reaction always comes after its post).
    events = [(d.when, 0, n, d, None) for n, d in enumerate(drafts)]
    events += [(r[2], 1, n, d, r) for n, d in enumerate(drafts) for r in d.reactions]
    for when, _order, _n, draft, reaction in sorted(events, key=lambda e: e[:3]):
        if reaction is None:
            parent = draft.parent.post if draft.parent else None
            author = people[draft.author].user
            attached = upload_files(files, uploader=author, kinds=draft.files) if draft.files else []
            draft.post = post_create(author=author, body=draft.body, parent=parent, attachments=attached)
            Post.objects.filter(pk=draft.post.pk).update(created=when)
            if attached:
                backdate(draft.post.pk, when)
        else:
            user, kind, _when = reaction
            made = reaction_set(post=draft.post, user=people[user].user, kind=kind)
            Reaction.objects.filter(pk=made.pk).update(created=when)


def _backdate(rng: random.Random, people: list[Person], now: datetime) -> None:
    """Feed entries and notifications take the time of what caused them; old ones are read."""
    post_time = Post.objects.filter(pk=OuterRef("post_id")).values("created")[:1]
    FeedEntry.objects.update(created=Subquery(post_time))
    kinds = Notification.Kind
    Notification.objects.filter(kind__in=[kinds.MENTION, kinds.REPLY, kinds.THREAD_REPLY]).update(
        created=Subquery(post_time)
    )
    reaction_time = Reaction.objects.filter(post_id=OuterRef("post_id"), user_id=OuterRef("actor_id"))
    Notification.objects.filter(kind=kinds.REACTION).update(
        created=Subquery(reaction_time.values("created")[:1])
    )
    follow_time = Follow.objects.filter(
        follower_id=OuterRef("actor_id"), followed_id=OuterRef("recipient_id")
    )
    Notification.objects.filter(kind=kinds.FOLLOW).update(created=Subquery(follow_time.values("created")[:1]))
    keep_unread = {p.user.pk for p in people if p.role == "staff" and rng.random() < 0.15}
    keep_unread.discard(next(p.user.pk for p in people if p.handle == DEMO_EMPLOYEE))
    Notification.objects.filter(created__lt=now - timedelta(days=UNREAD_DAYS)).exclude(
        recipient_id__in=keep_unread
    ).update(read_at=now - timedelta(days=1))


# ---------------------------------------------------------------------------------------------
# Large mode: bulk rows
# ---------------------------------------------------------------------------------------------

# 90-9-1: share of top-level posts and replies written by each group.
WRITER_SHARE, CONTRIBUTOR_SHARE = 0.01, 0.09
POSTS_PER_EMPLOYEE_WEEK = 5 / 3  # ~50,000 posts and replies for 10,000 people over 3 weeks
TOP_LEVEL_SHARE = 0.31  # threads average ~2.2 replies


def _generate_large(rng: random.Random, employees: int, weeks: int, now: datetime, log: Log) -> int:
    # Stamps follow changes to pages already kept: a company written at once has none yet.
    with stamps.paused(connection):
        return _write_large(rng, employees, weeks, now, log)


def _write_large(rng: random.Random, employees: int, weeks: int, now: datetime, log: Log) -> int:
    step = time.monotonic()

    def done(what: str) -> None:
        nonlocal step
        log(f"{what} ({time.monotonic() - step:.1f} s)")
        step = time.monotonic()

    people = _roster(rng, employees, large=True)
    _finish_people(rng, people)
    writers, contributors = _participation(rng, people)
    follows = _follow_graph(rng, people, writers)
    tag_follows = _tag_follows(rng, people)
    counts = Counter(b for _a, b in follows)
    for i, p in enumerate(people):
        p.followers = counts[i]
    with transaction.atomic():
        _create_people(rng, people, now, large=True)
        followed_at = now - timedelta(days=90)
        uid = [p.user.pk for p in people]
        _save_rows(
            Follow, (Follow(follower_id=uid[a], followed_id=uid[b], created=followed_at) for a, b in follows)
        )
        tags = _create_tag_follows(people, tag_follows, now)
    done(f"{len(people)} people, {len(follows)} follows, {len(tag_follows)} hashtag follows")
    cast = Cast(people)
    total = employees * weeks * POSTS_PER_EMPLOYEE_WEEK
    per_day = total * TOP_LEVEL_SHARE / (weeks * 5)
    authors, weights = _writer_weights(writers, contributors)
    reactors = writers + contributors + rng.sample(range(len(people)), len(people) // 20)
    drafts = _plan(rng, cast, now, weeks, per_day, authors, contributors + writers, reactors, weights)
    # Replies are planned per post: trim the thread sizes to keep the total near the target.
    done(f"{len(drafts)} posts and replies planned")
    with transaction.atomic():
        _bulk_posts(drafts, people, tags)
        done("posts, mentions, hashtags, reactions written")
        done(f"{_bulk_questions(drafts, people, now)} questions")
        _fan_out()
        done(f"{FeedEntry.objects.count()} feed entries")
        _bulk_notifications(rng, drafts, people, now)
        done(f"{Notification.objects.count()} notifications")
    return len(drafts)


def _save_rows(model, objs: Iterable, *, ids: bool = False) -> None:
    """Write model instances in bulk, as `bulk_create` would (defaults, `pre_save`): on PostgreSQL
    through one `COPY ... FROM STDIN` (no SQL to parse, no round trip per batch) into the table
    stripped of its indexes and constraints, built again after; elsewhere with `bulk_create`.
    `ids`: the objects carry primary keys chosen here, and the table's sequence is moved past them
    afterwards; otherwise the database numbers the rows."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
    else:
        fields = [f for f in model._meta.concrete_fields if ids or f is not model._meta.auto_field]
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
        with (
            connection.cursor() as cursor,
            _indexes_built_after(cursor, model),
            cursor.cursor.copy(sql) as copy,
        ):
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    if ids:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)


def _participation(rng: random.Random, people: list[Person]) -> tuple[list[int], list[int]]:
    """1% write most posts (the leaders and the comms account among them), 9% chime in, 90% read."""
    n = len(people)
    leaders = [i for i, p in enumerate(people) if p.role in {"ceo", "head", "admin", "info"}]
    known = set(leaders)
    others = [i for i in range(n) if i not in known]
    rng.shuffle(others)
    n_writers = max(len(leaders) + 2, round(n * WRITER_SHARE))
    writers = leaders + others[: n_writers - len(leaders)]
    contributors = others[n_writers - len(leaders) : n_writers - len(leaders) + round(n * CONTRIBUTOR_SHARE)]
    return writers, contributors


def _writer_weights(writers: list[int], contributors: list[int]) -> tuple[list[int], list[float]]:
    """Writers write half of the top-level posts between them, the contributors the other half."""
    authors = writers + contributors
    weights = [0.5 / len(writers)] * len(writers) + [0.5 / max(len(contributors), 1)] * len(contributors)
    return authors, weights


def _follow_graph(rng: random.Random, people: list[Person], writers: list[int]) -> list[tuple[int, int]]:
    """Zipf-skewed follows: three company-wide accounts, then 10-60 colleagues each, mostly nearby."""
    n = len(people)
    ceo = 0
    comms = next(i for i, p in enumerate(people) if p.role == "head" and p.dept == "Communication")
    info = next(i for i, p in enumerate(people) if p.role == "info")
    # Popularity: writers among the most followed (people read those who write), not all on top.
    known = set(writers)
    rest = rng.sample([i for i in range(n) if i not in known], n - len(writers))
    head = writers + rest[: 2 * len(writers)]
    order = rng.sample(head, len(head)) + rest[2 * len(writers) :]
    popularity = [0.0] * n
    for rank, i in enumerate(order, start=1):
        popularity[i] = rank**-0.75
    by_dept: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        by_dept[p.dept].append(i)
    cum_all = _cumulative([popularity[i] for i in range(n)])
    cum_dept = {d: (ids, _cumulative([popularity[i] for i in ids])) for d, ids in by_dept.items()}
    edges: set[tuple[int, int]] = set()
    for i, p in enumerate(people):
        for big, share in ((ceo, 0.6), (info, 0.8), (comms, 0.4)):
            if i != big and rng.random() < share:
                edges.add((i, big))
        if p.manager is not None:
            edges.add((i, p.manager))
        wanted = int(10 + 50 * rng.betavariate(1.4, 3.0))
        ids, cum = cum_dept[p.dept]
        picked: set[int] = set()
        for _attempt in range(wanted * 3):
            if len(picked) >= wanted:
                break
            j = ids[_draw(rng, cum)] if rng.random() < 0.55 else _draw(rng, cum_all)  # 55% nearby
            if j != i:
                picked.add(j)
        edges.update((i, j) for j in picked)
    return sorted(edges)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _draw(rng: random.Random, cum: list[float]) -> int:
    return min(bisect.bisect(cum, rng.random() * cum[-1]), len(cum) - 1)


def _tag_follows(rng: random.Random, people: list[Person]) -> list[tuple[int, str]]:
    """Hashtags of one's trade; #sécurité is followed by most of the shop floor (a large audience)."""
    rows = []
    for i, p in enumerate(people):
        tags = set()
        dept = DEPT_BY_NAME[p.dept]
        if "sécurité" in dept.tags and rng.random() < 0.85:
            tags.add("sécurité")
        if rng.random() < 0.3:
            tags.update(rng.sample(dept.tags, min(2, len(dept.tags))))
        if rng.random() < 0.1:
            tags.add(_tag(p.site))
        rows.extend((i, t) for t in sorted(tags))
    return rows


def _create_tag_follows(people: list[Person], tag_follows: list[tuple[int, str]], now: datetime):
    counts = Counter(fold(t) for _i, t in tag_follows)
    names = {fold(t): t for _i, t in tag_follows}
    tags = {}
    for key in sorted(names):
        tags[key] = Hashtag.objects.create(key=key[:50], name=names[key], follower_count=counts[key])
    _save_rows(
        HashtagFollow,
        (
            HashtagFollow(
                user_id=people[i].user.pk, hashtag_id=tags[fold(t)].pk, created=now - timedelta(days=60)
            )
            for i, t in tag_follows
        ),
    )
    return tags


def _render_body(body: str, names: dict[str, str]) -> tuple[str, dict[str, str]]:
    """As posts.services renders a body, with the roster's names (handle -> full name)."""
    parsed = markdown.parse(body)
    html = markdown.render(
        parsed,
        mention_url=lambda h: reverse("accounts:profile", args=[h]) if h in names else None,
        tag_url=lambda key: reverse("posts:tag", args=[key]),
        mention_name=names.get,
    )
    return html, parsed.tags


def _bulk_posts(drafts: list[Draft], people: list[Person], tags: dict[str, Hashtag]) -> None:
    """Posts with ids chosen here (in time order), then their mentions, hashtags and reactions."""
    start = (Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    names = {p.handle: f"{p.first} {p.last}" for p in people}
    replies: Counter[int] = Counter()
    for pk, draft in enumerate(drafts, start=start):
        draft.pk = pk
        if draft.parent:
            replies[draft.parent.pk] += 1
    posts, mention_rows, tag_rows, reactions = [], [], [], []
    mention_through, tag_through = Post.mentions.through, Post.hashtags.through
    rendered: dict[str, tuple[str, dict[str, str]]] = {}  # two replies in three are common phrases
    for draft in drafts:
        if draft.body not in rendered:
            rendered[draft.body] = _render_body(draft.body, names)
        html, found = rendered[draft.body]
        posts.append(
            Post(
                pk=draft.pk, author_id=people[draft.author].user.pk,
                parent_id=draft.parent.pk if draft.parent else None, body=draft.body, body_html=html,
                created=draft.when, reply_count=replies[draft.pk], reaction_count=len(draft.reactions),
            )
        )  # fmt: skip
        for i in dict.fromkeys(draft.mentions):
            mention_rows.append(mention_through(post_id=draft.pk, user_id=people[i].user.pk))
        for key, name in found.items():
            if key not in tags:
                tags[key] = Hashtag.objects.create(key=key[:50], name=name[:50])
            tag_rows.append(tag_through(post_id=draft.pk, hashtag_id=tags[key].pk))
        reactions.extend(
            Reaction(post_id=draft.pk, user_id=people[u].user.pk, kind=kind, created=when)
            for u, kind, when in draft.reactions
        )
    _save_rows(Post, posts, ids=True)
    _save_rows(mention_through, mention_rows)
    _save_rows(tag_through, tag_rows)
    _save_rows(Reaction, reactions)


# Of the posts in a question's tone (invitations and suggestions too), those that ask for an answer.
ASKING = ("Question aux experts", "Quelqu'un", "Qui connaît")


def _bulk_questions(drafts: list[Draft], people: list[Person], now: datetime) -> int:
    """The posts that ask for an answer are questions, as the composer's "Question" makes them:
    answered at their first reply by someone other than the asker; every other answered one with
    that answer accepted by the asker an hour later. Drafts are in time order."""
    answers: dict[int, list[Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.parent and draft.parent.tone == "question" and draft.author != draft.parent.author:
            answers[draft.parent.pk].append(draft)
    rows = []
    for draft in drafts:
        if draft.parent or draft.tone != "question" or not draft.body.startswith(ASKING):
            continue
        got = answers.get(draft.pk, [])
        accepted = got[0] if got and draft.pk % 2 == 0 else None
        rows.append(
            Question(
                post_id=draft.pk,
                first_answer_at=got[0].when if got else None,
                accepted_answer_id=accepted and accepted.pk,
                accepted_by_id=accepted and people[draft.author].user.pk,
                accepted_at=accepted and min(accepted.when + timedelta(hours=1), now),
            )
        )
    _save_rows(Question, rows)
    return len(rows)


def _fan_out() -> None:
    """Feed entries as the worker would have written them: each author's own entry (as post_create
    writes it), `post_fan_out` for each top-level post, then every feed trimmed by `feed_trim`. On
    PostgreSQL the same rules run as set-based SQL (`_fan_out_in_sql`; tests/demo/test_bulk_feed.py
    holds both to the same rows), elsewhere post by post through the feed's own functions."""
    if _set_based_fan_out():
        _fan_out_in_sql()
    else:
        _fan_out_per_post()


def _set_based_fan_out() -> bool:
    return connection.vendor == "postgresql"


def _fan_out_per_post() -> None:
    """Post by post in the order they were written (followers, hashtags, communities, mentions,
    large audiences pulled, people long away left to a rebuild), then each feed trimmed."""
    from ruche.feed.services import feed_trim, post_fan_out

    tops = Post.objects.filter(parent__isnull=True, deleted_at__isnull=True).order_by("pk")
    FeedEntry.objects.bulk_create(
        (
            FeedEntry(user_id=author, post_id=pk, reason=FeedEntry.Reason.OWN, created=created)
            for pk, author, created in tops.values_list("pk", "author_id", "created")
        ),
        batch_size=BATCH,
    )
    for post in tops.select_related("author").prefetch_related("hashtags").iterator(chunk_size=BATCH):
        post_fan_out(post)
    with connection.cursor() as cursor:
        _analyze(cursor, [connection.ops.quote_name(FeedEntry._meta.db_table)])
    for user_id in User.objects.order_by("pk").values_list("pk", flat=True):
        feed_trim(user_id)


# Top-level posts per INSERT ... SELECT of the set-based fan-out: a few hundred thousand rows each.
FAN_OUT_BATCH = 2000


def _tables(*models) -> list[str]:
    return [connection.ops.quote_name(m._meta.db_table) for m in models]


def _fan_out_in_sql() -> None:
    """`post_fan_out` then `feed_trim`, restated in SQL for all posts at once (PostgreSQL), into an
    empty feed table.

    post_fan_out(post), for a top-level post neither deleted nor hidden, and published in at least
    one of the communities it was placed in (if any): followers of its hashtags (HASHTAG), members
    of its communities (COMMUNITY), followers of its author (FOLLOW), each but the mentions kept to
    active people seen within FEED_INACTIVE_DAYS and skipped when above FEED_LARGE_AUDIENCE (pulled
    at read time); mentioned people who are active (MENTION, however long away). Later sources
    override earlier ones: the reason kept is the first of mention, follow, community, hashtag.
    When no community it is published in is public, only their members keep it; never the author,
    whose own entry is written for every top-level post that is not deleted.

    The candidate rows go to a temporary table, are ranked per reader as feed_trim ranks them, and
    only those kept are written, with the feed table's indexes and constraints built afterwards:
    trimmed rows never reach the table, and no index is maintained row by row.
    A company with ideas or posts awaiting approval (whose readers other apps' rules decide; the
    generator makes none), or a feed table already written, goes post by post instead."""
    from ruche.communities.models import Community, Membership, Placement

    tops = Post.objects.filter(parent__isnull=True, deleted_at__isnull=True)
    others = tops.filter(Q(campaign__isnull=False) | Q(awaiting_approval=True), hidden_at__isnull=True)
    if others.exists() or FeedEntry.objects.exists():
        _fan_out_per_post()
        return
    feed, post, user, follow, hashtag, hashtag_follow, community, membership, placement = _tables(
        FeedEntry, Post, User, Follow, Hashtag, HashtagFollow, Community, Membership, Placement
    )
    post_tags, post_mentions = _tables(Post.hashtags.through, Post.mentions.through)
    reasons = FeedEntry.Reason
    params = {
        "large": settings.FEED_LARGE_AUDIENCE,
        "since": timezone.now() - timedelta(days=settings.FEED_INACTIVE_DAYS),
        "approved": Placement.Status.APPROVED,
        "public": Community.Visibility.PUBLIC,
        "mention": reasons.MENTION,
        "follow": reasons.FOLLOW,
        "community": reasons.COMMUNITY,
        "hashtag": reasons.HASHTAG,
    }
    fan_out = f"""
        WITH p AS (
            SELECT po.id, po.author_id, po.created FROM {post} po
            WHERE po.id BETWEEN %(first)s AND %(last)s AND po.parent_id IS NULL
              AND po.deleted_at IS NULL AND po.hidden_at IS NULL
              AND (NOT EXISTS (SELECT 1 FROM {placement} pl WHERE pl.post_id = po.id)
                   OR EXISTS (SELECT 1 FROM {placement} pl WHERE pl.post_id = po.id AND pl.status = %(approved)s))
        ),
        sources AS (
            SELECT p.id AS post_id, hf.user_id, 4 AS rank FROM p
            JOIN {post_tags} pt ON pt.post_id = p.id
            JOIN {hashtag} h ON h.id = pt.hashtag_id AND h.follower_count <= %(large)s
            JOIN {hashtag_follow} hf ON hf.hashtag_id = h.id
            UNION ALL
            SELECT p.id, m.user_id, 3 FROM p
            JOIN {placement} pl ON pl.post_id = p.id AND pl.status = %(approved)s
            JOIN {community} c ON c.id = pl.community_id AND c.member_count <= %(large)s
            JOIN {membership} m ON m.community_id = c.id
            UNION ALL
            SELECT p.id, f.follower_id, 2 FROM p
            JOIN {user} a ON a.id = p.author_id AND a.follower_count <= %(large)s
            JOIN {follow} f ON f.followed_id = p.author_id
        ),
        reached AS (
            SELECT s.post_id, s.user_id, s.rank FROM sources s
            JOIN {user} u ON u.id = s.user_id AND u.is_active AND u.last_seen_at >= %(since)s
            UNION ALL
            SELECT p.id, mm.user_id, 1 FROM p
            JOIN {post_mentions} mm ON mm.post_id = p.id
            JOIN {user} u ON u.id = mm.user_id AND u.is_active
        )
        INSERT INTO feed_candidate (user_id, post_id, reason, created)
        SELECT r.user_id, p.id,
               (ARRAY[%(mention)s, %(follow)s, %(community)s, %(hashtag)s])[min(r.rank)], p.created
        FROM reached r JOIN p ON p.id = r.post_id
        WHERE r.user_id <> p.author_id
          AND (NOT EXISTS (SELECT 1 FROM {placement} pl WHERE pl.post_id = p.id AND pl.status = %(approved)s)
               OR EXISTS (SELECT 1 FROM {placement} pl JOIN {community} c ON c.id = pl.community_id
                          WHERE pl.post_id = p.id AND pl.status = %(approved)s AND c.visibility = %(public)s)
               OR EXISTS (SELECT 1 FROM {placement} pl JOIN {membership} m ON m.community_id = pl.community_id
                          WHERE pl.post_id = p.id AND pl.status = %(approved)s AND m.user_id = r.user_id))
        GROUP BY p.id, r.user_id, p.created
    """  # noqa: S608
    ids = list(tops.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        _analyze(cursor, [post, user, follow, hashtag, hashtag_follow, post_tags, post_mentions, placement])
        cursor.execute(
            "CREATE TEMPORARY TABLE feed_candidate (user_id bigint, post_id bigint, reason varchar(10), "
            "created timestamptz) ON COMMIT DROP"
        )
        cursor.execute(
            "INSERT INTO feed_candidate SELECT author_id, id, %s, created "  # noqa: S608
            f"FROM {post} WHERE parent_id IS NULL AND deleted_at IS NULL",
            [reasons.OWN],
        )
        for start in range(0, len(ids), FAN_OUT_BATCH):
            batch = ids[start : start + FAN_OUT_BATCH]
            cursor.execute(fan_out, {**params, "first": batch[0], "last": batch[-1]})
        with _indexes_built_after(cursor, FeedEntry):
            _trim_in_sql(cursor)
        cursor.execute("DROP TABLE feed_candidate")
        _analyze(cursor, [feed])


def _trim_in_sql(cursor) -> None:
    """`feed_trim` for everyone at once, on the candidate rows: the FEED_MAX_ENTRIES newest of each
    reader are written; the newest that is left out becomes the feed's horizon (pulled at read time
    from there)."""
    feed, user = _tables(FeedEntry, User)
    cursor.execute(
        f"""
        WITH ranked AS MATERIALIZED (
            SELECT user_id, post_id, reason, created,
                   row_number() OVER (PARTITION BY user_id ORDER BY post_id DESC) AS n
            FROM feed_candidate
        ),
        horizon AS (
            UPDATE {user} u SET feed_horizon = GREATEST(COALESCE(u.feed_horizon, 0), ranked.post_id)
            FROM ranked WHERE ranked.n = %(keep)s + 1 AND u.id = ranked.user_id
        )
        INSERT INTO {feed} (user_id, post_id, reason, created)
        SELECT user_id, post_id, reason, created FROM ranked WHERE n <= %(keep)s ORDER BY post_id, user_id
        """,  # noqa: S608
        {"keep": settings.FEED_MAX_ENTRIES},
    )


@contextmanager
def _indexes_built_after(cursor, model):
    """Drop the table's indexes and constraints (its primary key aside), then build them again from
    their own definitions: one sort per index instead of millions of insertions, and no deferred
    foreign-key check queued per row."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c') ORDER BY conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [table],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    # The foreign keys' checks deferred so far run now: PostgreSQL alters no table they point to
    # while they wait (the rest of the transaction checks each row as it comes).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def _analyze(cursor, tables) -> None:
    """Fresh statistics on PostgreSQL: rows written in this transaction are invisible to autovacuum,
    and a planner that believes the feed table empty checks NOT EXISTS with sequential scans."""
    if connection.vendor == "postgresql":
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _bulk_notifications(rng: random.Random, drafts: list[Draft], people: list[Person], now: datetime) -> None:
    """Mentions, replies and grouped reactions, as ruche/notifications/tasks.py would have made them."""
    kinds = Notification.Kind
    uid = [p.user.pk for p in people]
    rows: list[Notification] = []
    participants: dict[int, list[int]] = defaultdict(list)

    def add(recipient: int, kind: str, actor: int, draft: Draft, when: datetime, count: int = 1) -> None:
        key = None if kind == kinds.REACTION else f"post:{draft.pk}"  # grouped reactions have none
        rows.append(
            Notification(
                recipient_id=uid[recipient], kind=kind, actor_id=uid[actor], post_id=draft.pk,
                actor_count=count, created=when, key=key,
            )
        )  # fmt: skip

    for draft in drafts:
        told = {draft.author}
        for i in dict.fromkeys(draft.mentions):
            if i not in told:
                add(i, kinds.MENTION, draft.author, draft, draft.when)
                told.add(i)
        if draft.parent:
            parent = draft.parent
            if parent.author not in told:
                add(parent.author, kinds.REPLY, draft.author, draft, draft.when)
                told.add(parent.author)
            for other in dict.fromkeys(participants[parent.pk]):
                if other not in told:
                    add(other, kinds.THREAD_REPLY, draft.author, draft, draft.when)
                    told.add(other)
            participants[parent.pk].append(draft.author)
        reactions = [r for r in draft.reactions if r[0] != draft.author]
        if reactions:
            last = max(reactions, key=lambda r: r[2])
            add(draft.author, kinds.REACTION, last[0], draft, last[2], len(reactions))
    never_read = {i for i, p in enumerate(people) if p.role == "staff" and rng.random() < 0.15}
    never_uid = {uid[i] for i in never_read}
    cutoff = now - timedelta(days=UNREAD_DAYS)
    for row in rows:
        if row.created < cutoff and row.recipient_id not in never_uid:
            row.read_at = row.created + timedelta(hours=rng.randint(1, 36))
    rows.sort(key=lambda r: r.created)  # ids grow with time, as in real life
    _save_rows(Notification, rows)
