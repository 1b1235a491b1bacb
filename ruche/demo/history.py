"""The small demo's past: Ruche launched thirteen weeks ago, so that the analytics tell a story.

- **Invitations in waves**: a pilot group on launch day, then department after department; most
  people activate within days, some weeks later, a handful never (the "remind them" list).
- **Older content**, thinner than the recent weeks and growing with the number of people on board,
  written in bulk before the recent weeks (post ids keep following time); questions with and
  without answers; communities that were lively early and went quiet, two of them losing members.
- **The daily facts** of every day since the launch, computed by the analytics' own
  `facts_backfill`, then what only the live counters would have recorded: visits, pages and
  searches per person and day, and the day's search texts.

Nobody does anything before their activation. Everything depends on the seed and "now".
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from ruche.accounts.models import Follow, User
from ruche.analytics.models import LIVE_FIELDS, CommunityDay, PersonDay, SearchDay
from ruche.analytics.services import facts_backfill, normalised_query, rollups_backfill
from ruche.communities.models import Community, Departure, Membership, Placement
from ruche.posts.models import Hashtag, HashtagFollow, Post
from ruche.qa.models import AnswerVote, Question

LAUNCH_WEEKS = 13
# Days after the launch each wave was invited (the pilot group on day 0).
WAVES = [
    (7, ("Direction générale", "Ressources humaines")),
    (14, ("Qualité",)),
    (21, ("R&D",)),
    (28, ("Ventes",)),
    (35, ("Production",)),
]
PILOT_STAFF = 4  # besides the key people (the CEO, the admin, the heads, the demo employee)
NEVER_ACTIVATED = 6
KEEP_PRODUCTION = 6
READERS = 0.5  # of the staff who activate, those who read without ever writing or reacting
WRITERS = 0.35  # of the other staff, those who write posts (the rest reply and react)
LATE_SHARE = 0.35  # of each wave, those who wait one to eight weeks before activating
# Older weeks: top-level posts per working day when everyone is on board (the recent weeks have more).
PAST_POSTS_PER_DAY = 2.2


@dataclass
class Timeline:
    launch: datetime
    invited: list[datetime]
    activated: list[datetime | None]
    readers: set[int] = field(default_factory=set)  # never write nor react
    writers: set[int] = field(default_factory=set)  # write the posts (the key people among them)

    def on_board(self, person: int, when: datetime) -> bool:
        activated = self.activated[person]
        return activated is not None and activated <= when

    @property
    def never(self) -> set[int]:
        return {i for i, moment in enumerate(self.activated) if moment is None}


def launch_moment(now: datetime) -> datetime:
    """9:00 on the Monday thirteen weeks ago (company time)."""
    local = timezone.localtime(now) - timedelta(weeks=LAUNCH_WEEKS)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=9, minute=0, second=0, microsecond=0)


def plan_timeline(rng: random.Random, people: list, now: datetime) -> Timeline:
    """When each person was invited and activated (None: never). The key people and a few
    colleagues are the pilot group; the demo's sign-in accounts are among them."""
    launch = launch_moment(now)
    staff = [i for i, p in enumerate(people) if p.role == "staff" and i >= 8]
    pilot = set(range(min(8, len(people)))) | set(rng.sample(staff, min(PILOT_STAFF, len(staff))))
    wave_of = {dept: days for days, depts in WAVES for dept in depts}
    invited, activated = [], []
    for i, p in enumerate(people):
        days = 0 if i in pilot else wave_of.get(p.dept, 42)
        sent = launch + timedelta(days=days, minutes=rng.randint(0, 90))
        if p.role in {"ceo", "admin"}:  # they prepared the launch
            sent = launch - timedelta(days=3)
        invited.append(sent)
        if i in pilot:
            delay = timedelta(hours=rng.uniform(0.5, 30))
        elif rng.random() < LATE_SHARE:
            delay = timedelta(days=rng.uniform(7, 56))
        else:
            delay = timedelta(hours=rng.expovariate(1 / 30))
        activated.append(min(sent + delay, now - timedelta(hours=6)))
    never = _never_activated(rng, people, pilot)
    for i in never:
        activated[i] = None
    quiet = [i for i in staff if i not in never]
    readers = set(rng.sample(quiet, round(len(quiet) * READERS)))
    others = [i for i in quiet if i not in readers]
    writers = set(range(min(8, len(people)))) | set(rng.sample(others, round(len(others) * WRITERS)))
    return Timeline(launch, invited, activated, readers, writers)


def _never_activated(rng: random.Random, people: list, pilot: set[int]) -> list[int]:
    """One person per department where possible, at most one in four of those invited after the
    pilot (a small demo keeps its people), never leaving Production fewer than KEEP_PRODUCTION
    people (the innovation campaign's demo asks four of them besides its manager)."""
    by_dept: dict[str, list[int]] = {}
    for i, p in enumerate(people):
        if i not in pilot and p.role == "staff":
            by_dept.setdefault(p.dept, []).append(i)
    spare = sum(p.dept == "Production" for p in people) - KEEP_PRODUCTION
    if "Production" in by_dept:
        by_dept["Production"] = by_dept["Production"][: max(spare, 0)]
    wanted = min(NEVER_ACTIVATED, sum(len(ids) for ids in by_dept.values()) // 4)
    chosen = [rng.choice(ids) for _dept, ids in sorted(by_dept.items()) if ids][:wanted]
    rest = sorted(
        (i for ids in by_dept.values() for i in ids if i not in chosen), key=lambda i: people[i].dept
    )
    chosen += rng.sample(rest, max(0, min(wanted - len(chosen), len(rest))))
    return sorted(chosen)


def unusable_password() -> str:
    return make_password(None)


def after_activation(rng: random.Random, drafts: list, timeline: Timeline, pool: list[int]) -> list:
    """Nobody writes or reacts before activating, and the readers never do: such a post goes to
    someone else already on board, such a reaction is dropped."""

    def may_act(person: int, when: datetime) -> bool:
        return person not in timeline.readers and timeline.on_board(person, when)

    for draft in drafts:
        if not may_act(draft.author, draft.when) or (
            draft.parent is None and draft.author not in timeline.writers
        ):
            among = pool if draft.parent else [i for i in pool if i in timeline.writers]
            taken = set(draft.mentions)
            draft.author = rng.choice([i for i in among if may_act(i, draft.when) and i not in taken])
        draft.reactions = [r for r in draft.reactions if r[0] != draft.author and may_act(r[0], r[2])]
    return drafts


# Older content ----------------------------------------------------------------------------------

LAUNCH_POST = (
    "Bonjour à toutes et à tous,\n\nRuche, notre réseau d'entreprise, ouvre aujourd'hui avec un "
    "**groupe pilote** de quelques collègues. Les services le rejoindront au fil des semaines : "
    "présentez-vous, posez vos questions, partagez ce qui avance. #ruche"
)
WAVE_POST = (
    "👋 Bienvenue sur Ruche aux équipes {depts} ! Vous avez reçu votre invitation ce matin. "
    "Pour bien démarrer : complétez votre profil, suivez vos collègues et rejoignez les communautés "
    "de votre métier. Vos questions sont les bienvenues ici. #ruche"
)

# Questions asked over the weeks: (text, answers, accepted answer index or None). Some wait still.
QUESTIONS = [
    ("Comment déclarer une **note de frais** depuis le téléphone ? Je ne trouve pas le formulaire.",
     ["Dans l'outil RH, menu « Mes frais », puis l'icône appareil photo pour le justificatif.",
      "Et pense à choisir le bon centre de coût, sinon elle revient."], 0),
    ("Où trouve-t-on la charte de **télétravail** signée cette année ?",
     ["Elle est sur l'intranet RH, rubrique « Accords d'entreprise »."], 0),
    ("La **mutuelle** rembourse-t-elle les lunettes de sécurité à la vue ?",
     ["Oui, sur prescription, avec le formulaire spécifique à demander aux RH.",
      "Chez nous à Nantes c'est passé par le service HSE, pas par la mutuelle."], None),
    ("Comment réserver la salle Belledonne pour une journée entière ?",
     ["Par l'agenda partagé : la ressource « Belledonne », puis « journée »."], 0),
    ("Quel est le délai pour faire étalonner un pied à coulisse au labo de métrologie ?",
     ["Compte une semaine, deux en période d'audit.", "Tu peux en emprunter un au magasin en attendant."], 1),
    ("Qui gère les badges d'accès des intérimaires sur le site de Nantes ?", [], None),
    ("Existe-t-il un modèle de compte rendu pour les **8D** ?",
     ["Oui, dans la gestion documentaire qualité : modèle Q-8D-03.", "Je te l'envoie, on l'a mis à jour en mars."],
     0),
    ("Comment obtient-on une licence **SolidWorks** supplémentaire pour un stagiaire ?",
     ["Demande à ton manager, puis un ticket au support informatique."], None),
    ("Quelqu'un a-t-il déjà organisé une visite de l'atelier pour un client étranger ? Les consignes "
     "de sécurité existent-elles en anglais ?", [], None),
    ("Le plan de formation 2027 inclut-il des cours d'allemand ?",
     ["Oui, deux niveaux, à Lyon et en visio.", "Inscriptions avant le 15 décembre."], 0),
    ("Comment signaler une panne du distributeur de boissons de l'atelier 2 ?", [], None),
]  # fmt: skip

# Communities of the past: lively early, quiet for weeks now; two lost members on the way.
# name, kind, description, created (days after launch), posts (day, tone, text), departures
QUIET_COMMUNITIES = [
    ("Passage à SAP S/4HANA", "work",
     "Le projet de migration de l'ERP : planning de bascule, supports de formation, vos questions.", 2,
     [(3, "info", "Bienvenue dans la communauté du passage à **SAP S/4HANA** : planning de bascule, "
                  "supports de formation et vos questions, tout sera ici."),
      (9, "info", "Planning de bascule : gel des commandes vendredi soir, reprise lundi 8 h. Les équipes ADV "
                  "et achats sont prioritaires sur le support."),
      (16, "info", "Les supports de formation des utilisateurs clés sont prêts : trois sessions d'une "
                   "demi-journée, inscriptions en réponse à ce message."),
      (22, "question", "Les commandes ouvertes seront-elles reprises automatiquement dans le nouvel ERP ?"),
      (30, "bravo", "Bascule réussie ! Merci à toutes et à tous pour votre patience ce week-end. 🎉"),
      (44, "info", "Bilan à un mois : 95 % des tickets de support sont résolus. Le projet est terminé, la "
                   "communauté reste ouverte pour les questions.")],
     []),
    ("Covoiturage Nantes", "interest",
     "Pour partager les trajets vers le site de Nantes : offres, demandes, bons plans.", 10,
     [(11, "question", "Je pars de Rezé tous les matins vers 7 h 15, deux places libres. Qui est intéressé ?"),
      (15, "question", "Cherche covoiturage depuis Saint-Herblain, horaires de l'équipe du matin."),
      (24, "info", "Rappel : les places réservées au covoiturage sont devant l'entrée B."),
      (38, "bravo", "On est maintenant quatre équipages réguliers ! Merci à tous. 🚗")],
     ["J'ai changé d'horaires, je ne peux plus covoiturer.", "Je travaille maintenant sur le site de Lyon."]),
    ("Club photo", "interest",
     "Sorties, thèmes du mois et conseils pour photographier l'atelier comme la montagne.", 14,
     [(15, "fun", "Sortie photo samedi au parc de la Tête d'Or, rendez-vous à 10 h à l'entrée des "
                  "Enfants du Rhône. 📷"),
      (21, "fun", "Thème du mois : « l'atelier en noir et blanc ». Postez vos plus belles images !"),
      (28, "question", "Quel objectif pour débuter en macro sans se ruiner ?"),
      (36, "bravo", "Bravo à tous pour l'exposition dans le hall de Lyon, beaucoup de retours positifs."),
      (47, "fun", "Prochaine sortie : les traboules du Vieux-Lyon. Qui est partant ?")],
     ["Plus le temps en ce moment, désolé.", "Il ne s'y passe plus grand-chose.", ""]),
]  # fmt: skip
QUIET_MEMBERS = 9
# Seed communities: days after the launch each was created (the others on launch day).
COMMUNITY_CREATED = {
    "Qualité & amélioration continue": 2, "Sécurité au travail": 2, "Comité de direction": 4,
    "Innovation produit": 21, "Équipe R&D": 21, "Projet Atlas": 28, "Club running": 40,
}  # fmt: skip


@dataclass
class Past:
    """What the older content leaves to finish once communities exist."""

    questions: list[tuple] = field(default_factory=list)  # (question, answers, accepted index, voters)
    placed: list[tuple] = field(default_factory=list)  # (draft, community name)
    departures: list[tuple] = field(default_factory=list)  # (community name, person, joined, left, reason)
    members: dict[str, list[tuple[int, datetime]]] = field(default_factory=dict)


def write_past(rng: random.Random, people: list, timeline: Timeline, now: datetime, until: datetime) -> Past:
    """Posts, replies, reactions and questions from the launch to `until` (where the recent weeks
    start), in bulk and in time order, then into the feeds by the feed's own rules."""
    from ruche.demo import company

    cast = company.Cast(people, left_out=timeline.never)
    cap = until + company.HISTORY_ENDS  # replies and reactions stop before the recent weeks
    past = Past()
    drafts = _daily_posts(rng, cast, timeline, cap)
    drafts += _wave_posts(rng, cast, timeline, people, cap)
    drafts += _questions(rng, cast, timeline, until, cap, past)
    drafts += _community_posts(rng, cast, timeline, cap, now, past)
    for draft in drafts:
        company._react(rng, draft, cap, cast.everyone)
    drafts = sorted(after_activation(rng, drafts, timeline, cast.everyone), key=lambda d: d.when)
    company._bulk_posts(drafts, people, {h.key: h for h in Hashtag.objects.all()})
    _ask(past, people)
    _fan_out([d.pk for d in drafts if d.parent is None])
    return past


def _daily_posts(rng, cast, timeline: Timeline, cap: datetime) -> list:
    """Working days from the launch: more posts as more people come on board."""
    from ruche.demo import company

    drafts = []
    day = timeline.launch.replace(hour=0)
    while day + timedelta(days=1) < cap:
        on_board = [i for i in cast.everyone if timeline.on_board(i, day) and i not in timeline.readers]
        writing = [i for i in on_board if i in timeline.writers]
        share = sum(timeline.on_board(i, day) for i in cast.everyone) / len(cast.everyone)
        count = 0 if day.weekday() >= 5 else max(0, round(rng.gauss(PAST_POSTS_PER_DAY * share, 0.6)))
        for _ in range(count if len(on_board) > 2 else 0):
            when = day.replace(hour=8) + timedelta(seconds=rng.randint(0, 10 * 3600))
            tpl, author = company._template_and_author(rng, cast, writing, None)
            body, mentioned = company._write(rng, cast, tpl, author, when)
            post = company.Draft(when, author, body, mentioned, tpl.tone)
            drafts.append(post)
            drafts.extend(company._thread(rng, cast, post, cap, on_board))
        day += timedelta(days=1)
    return drafts


def _wave_posts(rng, cast, timeline: Timeline, people: list, cap: datetime) -> list:
    """The CEO opens the network; the admin welcomes each wave."""
    from ruche.demo import company

    admin = next(i for i, p in enumerate(people) if p.role == "admin")
    posts = [company.Draft(timeline.launch + timedelta(hours=2), cast.ceo, LAUNCH_POST, [], "info")]
    for days, depts in WAVES:
        if any(p.dept in depts for p in people):
            when = timeline.launch + timedelta(days=days, hours=1, minutes=45)
            body = WAVE_POST.format(depts=" et ".join(depts))
            posts.append(company.Draft(when, admin, body, [], "bravo"))
    return posts + [r for post in posts for r in company._thread(rng, cast, post, cap, cast.everyone)]


def _questions(rng, cast, timeline: Timeline, until: datetime, cap: datetime, past: Past) -> list:
    """QUESTIONS spread from the second week to the recent weeks, answered within hours."""
    from ruche.demo import company

    drafts = []
    span = (until - timeline.launch - timedelta(days=10)).total_seconds()
    for n, (text, answers, accepted) in enumerate(QUESTIONS):
        when = timeline.launch + timedelta(days=8, seconds=span * (n + rng.random()) / len(QUESTIONS))
        when = when.replace(hour=rng.randint(8, 16))
        ready = [i for i in cast.everyone if timeline.on_board(i, when) and i not in timeline.readers]
        asker = rng.choice(ready)
        question = company.Draft(when, asker, text, [], "question")
        replies = []
        for body in answers:
            when = when + timedelta(minutes=rng.randint(20, 400))
            if when >= cap:
                break
            author = rng.choice([i for i in ready if i != asker])
            replies.append(company.Draft(when, author, body, [], "question", parent=question))
        voters = rng.sample([i for i in ready if i != asker], min(len(ready) - 1, rng.randint(0, 4)))
        past.questions.append((question, replies, accepted, voters))
        drafts += [question, *replies]
    return drafts


def _community_posts(rng, cast, timeline: Timeline, cap: datetime, now: datetime, past: Past) -> list:
    """QUIET_COMMUNITIES' posts by their members, with a few replies; their members' join times."""
    from ruche.demo import company

    drafts = []
    for name, _kind, _description, created, posts, departures in QUIET_COMMUNITIES:
        opened = timeline.launch + timedelta(days=created)
        ready = [
            i
            for i in cast.everyone
            if timeline.on_board(i, opened + timedelta(days=10)) and i not in timeline.readers
        ]
        chosen = rng.sample(ready, min(QUIET_MEMBERS, len(ready)))
        members = [
            (i, max(opened, timeline.activated[i]) + timedelta(hours=rng.uniform(1, 96))) for i in chosen
        ]
        members[0] = (chosen[0], max(opened, timeline.activated[chosen[0]]))  # the owner creates it
        past.members[name] = members
        for day, tone, text in posts:
            when = (timeline.launch + timedelta(days=day)).replace(hour=rng.randint(8, 17))
            authors = [i for i, joined in members if joined < when] or [chosen[0]]
            post = company.Draft(when, rng.choice(authors), text, [], tone)
            drafts.append(post)
            past.placed.append((post, name))
            drafts.extend(company._thread(rng, cast, post, cap, authors)[:3])
        # With nothing happening there any more, members leave: most in the last four weeks.
        for n, ((person, joined), reason) in enumerate(zip(members[1:], departures, strict=False)):
            left = now - timedelta(days=rng.uniform(2, 26) if n else rng.uniform(30, 40))
            past.departures.append((name, person, joined, left, reason))
    return drafts


def _ask(past: Past, people: list) -> None:
    """The questions' own rows: first answer, accepted answer, votes on answers."""
    questions, votes = [], []
    for question, replies, accepted, voters in past.questions:
        row = Question(post_id=question.pk, first_answer_at=replies[0].when if replies else None)
        if accepted is not None and accepted < len(replies):
            answer = replies[accepted]
            row.accepted_answer_id = answer.pk
            row.accepted_by_id = people[question.author].user.pk
            row.accepted_at = answer.when + timedelta(hours=2)
        questions.append(row)
        for n, voter in enumerate(voters if replies else []):
            if voter != replies[0].author:
                when = replies[0].when + timedelta(minutes=30 + 40 * n)
                votes.append(AnswerVote(answer_id=replies[0].pk, user_id=people[voter].user.pk, created=when))
    Question.objects.bulk_create(questions)
    AnswerVote.objects.bulk_create(votes)
    for answer_id, n in Counter(v.answer_id for v in votes).items():
        Post.objects.filter(pk=answer_id).update(vote_count=n)


def _fan_out(post_ids: list[int]) -> None:
    """Each author's own feed entry and the followers' ones, as post_create and the worker write them."""
    from ruche.feed.models import FeedEntry
    from ruche.feed.services import post_fan_out

    posts = Post.objects.filter(pk__in=post_ids).order_by("pk")
    FeedEntry.objects.bulk_create(
        FeedEntry(user_id=p.author_id, post_id=p.pk, reason=FeedEntry.Reason.OWN, created=p.created)
        for p in posts
    )
    for post in posts.select_related("author").prefetch_related("hashtags"):
        post_fan_out(post)


# Once every app's demo is written -----------------------------------------------------------------


@transaction.atomic
def finish(rng: random.Random, people: list, timeline: Timeline, past: Past, now: datetime) -> None:
    """The people never activated come back to the directory (left out of everything meanwhile);
    follows, communities and memberships take their dates; the quiet communities are written."""
    User.objects.filter(pk__in=[people[i].user.pk for i in timeline.never]).update(is_active=True)
    activated = {p.user.pk: timeline.activated[i] for i, p in enumerate(people)}
    follows = list(Follow.objects.all())
    for follow in follows:
        follow.created = max(activated[follow.follower_id], activated[follow.followed_id]) + timedelta(
            hours=2
        )
    Follow.objects.bulk_update(follows, ["created"], batch_size=500)
    tags = list(HashtagFollow.objects.all())
    for follow in tags:
        follow.created = activated[follow.user_id] + timedelta(hours=1)
    HashtagFollow.objects.bulk_update(tags, ["created"], batch_size=500)
    _date_communities(rng, timeline, activated, now)
    _quiet_communities(people, past)


def _date_communities(rng: random.Random, timeline: Timeline, activated: dict, now: datetime) -> None:
    """Each community opened on its day (after its owner's activation); people joined it after
    their activation: at once when a rule or the company made them members, days later otherwise."""
    from ruche.communities import health

    latest = now - timedelta(hours=1)
    communities = list(Community.objects.all())
    for community in communities:
        opened = timeline.launch + timedelta(days=COMMUNITY_CREATED.get(community.name, 0), minutes=30)
        if community.is_company_wide:
            opened = timeline.launch - timedelta(days=3)
        elif community.created_by_id:
            opened = max(opened, activated[community.created_by_id] + timedelta(hours=1))
        community.created = min(opened, latest)
    Community.objects.bulk_update(communities, ["created"])
    created = {c.pk: (c.created, c.created_by_id, c.is_company_wide) for c in communities}
    memberships = list(Membership.objects.order_by("pk"))
    for membership in memberships:
        opened, owner, everyone = created[membership.community_id]
        joined = max(opened, activated[membership.user_id] or opened)
        if not (membership.by_rule or everyone or membership.user_id == owner):
            joined += timedelta(hours=rng.uniform(2, 240))
        membership.created = min(joined, latest)
    Membership.objects.bulk_update(memberships, ["created"], batch_size=500)
    for community in communities:
        health.refresh(community)


def _quiet_communities(people: list, past: Past) -> None:
    """QUIET_COMMUNITIES, their members (those who left now gone, with their reason) and posts."""
    from django.utils.text import slugify

    from ruche.communities import health

    uid = [p.user.pk for p in people]
    for name, kind, description, _created, _posts, _departures in QUIET_COMMUNITIES:
        members = past.members[name]
        owner, opened = members[0]
        placed = [d for d, where in past.placed if where == name]
        left = {person for where, person, *_rest in past.departures if where == name}
        community = Community.objects.create(
            name=name, slug=slugify(name), description=description, kind=kind, created_by_id=uid[owner],
            created=opened, member_count=len(members) - len(left), last_activity_at=max(d.when for d in placed),
        )  # fmt: skip
        Membership.objects.bulk_create(
            Membership(
                community=community,
                user_id=uid[person],
                created=joined,
                role=Membership.Role.OWNER if person == owner else Membership.Role.MEMBER,
            )  # fmt: skip
            for person, joined in members
            if person not in left
        )
        Placement.objects.bulk_create(Placement(post_id=d.pk, community=community) for d in placed)
        Departure.objects.bulk_create(
            Departure(community=community, user_id=uid[person], reason=reason, created=when)
            for where, person, _joined, when, reason in past.departures
            if where == name
        )
        health.refresh(community)


# The daily facts ----------------------------------------------------------------------------------

# Search texts: (text, weight, finds nothing, first and last day after the launch it is searched).
SEARCHES = [
    ("note de frais", 9, False, 0, 999), ("télétravail", 7, False, 0, 999), ("mutuelle", 6, False, 0, 999),
    ("parking lyon", 5, True, 0, 999), ("congés", 5, False, 0, 999), ("organigramme", 4, False, 0, 999),
    ("tickets restaurant", 4, True, 0, 999), ("formation", 4, False, 0, 999), ("Atlas", 3, False, 21, 999),
    ("SAP", 6, False, 0, 45), ("covoiturage", 3, False, 10, 999), ("wifi invités", 3, True, 0, 999),
    ("chèques vacances", 2, True, 30, 999), ("8D", 2, False, 14, 999), ("ISO 9001", 2, False, 14, 999),
    ("Salesforce", 2, False, 35, 999), ("entretien annuel", 5, False, 70, 999),
    ("plan d'accès Nantes", 2, True, 0, 999), ("arbre de Noël", 3, True, 75, 999),
    ("horaires navette", 2, True, 0, 999), ("portes ouvertes", 2, False, 60, 999),
]  # fmt: skip


def record_facts(rng: random.Random, people: list, timeline: Timeline, past: Past, now: datetime) -> int:
    """Every day since the launch: the facts the analytics compute from the database, then what the
    web processes would have counted. Returns the number of days."""
    today = timezone.localdate(now)
    since = timezone.localdate(timeline.launch) - timedelta(days=3)
    days = facts_backfill(since=since, today=today)
    with transaction.atomic():
        _members_before_leaving(people, past)
        _visits(rng, people, timeline, today)
        _searches(rng, timeline, today)
    rollups_backfill(since=since, today=today)  # again: the visits added change who was active
    return days


def _members_before_leaving(people: list, past: Past) -> None:
    """The daily member counts were recorded while those who left were still there."""
    ids = dict(Community.objects.values_list("name", "pk"))
    for name, _person, joined, left, _reason in past.departures:
        CommunityDay.objects.filter(
            community_id=ids[name], day__gte=timezone.localdate(joined), day__lt=timezone.localdate(left)
        ).update(members=F("members") + 1)


def _visits(rng: random.Random, people: list, timeline: Timeline, today: date) -> None:
    """Visits, pages and searches per person and day: from the day of their activation, on the days
    they wrote and, more and more often over their first weeks, on others (lurkers read too)."""
    wrote = {
        (user_id, day): sum(n for n in counts)
        for user_id, day, *counts in PersonDay.objects.values_list(
            "user_id", "day", "posts", "replies", "reactions", "answers", "votes"
        )
    }
    rows = []
    for i, p in enumerate(people):
        if timeline.activated[i] is None:
            continue
        keen = _keenness(rng, p.role, i in timeline.readers)
        first = timezone.localdate(timeline.activated[i])
        for offset in range((today - first).days + 1):
            day = first + timedelta(days=offset)
            habit = keen * min(1.0, 0.35 + offset / 30) * (0.06 if day.weekday() >= 5 else 1)
            did = wrote.get((p.user.pk, day), 0)
            if not (did or offset == 0 or rng.random() < habit):
                continue
            visits = 1 + (rng.random() < habit) + (rng.random() < habit / 2)
            searches = rng.choice((1, 1, 2, 3)) if rng.random() < 0.3 else 0
            pages = visits * rng.randint(2, 7) + did + searches
            rows.append(PersonDay(user_id=p.user.pk, day=day, visits=visits, pages=pages, searches=searches))
    PersonDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user", "day"], update_fields=LIVE_FIELDS, batch_size=500
    )


def _keenness(rng: random.Random, role: str, reader: bool) -> float:
    """The chance of coming on a working day, once used to it: leaders come most days, readers
    now and then; of the others, two in five rarely (a few times a month)."""
    if role != "staff":
        return rng.uniform(0.5, 0.85)
    if reader:
        return rng.betavariate(3, 3)
    return rng.uniform(0.02, 0.08) if rng.random() < 0.4 else rng.betavariate(2, 3)


def _searches(rng: random.Random, timeline: Timeline, today: date) -> None:
    """The day's searches (as many as the people's rows say) spread over SEARCHES."""
    launch = timezone.localdate(timeline.launch)
    per_day = PersonDay.objects.filter(searches__gt=0).values_list("day").annotate(n=Sum("searches"))
    rows = []
    for day, total in sorted(per_day):
        age = max(0, (day - launch).days)  # the admin and the CEO came before the launch
        texts = [s for s in SEARCHES if s[3] <= age <= s[4]]
        drawn = Counter(rng.choices(texts, [s[1] for s in texts], k=total))
        for (text, _weight, empty, _first, _last), n in sorted(drawn.items()):
            rows.append(SearchDay(day=day, query=normalised_query(text), searches=n, empty=n if empty else 0))
    SearchDay.objects.bulk_create(rows, batch_size=500)
