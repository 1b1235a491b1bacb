"""Communities of the demo company: the governance the product stands for, visible on day one.

Called by ruche.demo.company (small mode) once people and posts exist, with tasks running in-process.
"""

import random
from datetime import datetime, timedelta

from ruche.accounts.models import Department, Site, User
from ruche.communities import health, services
from ruche.communities.models import AutoMembershipRule, Community, CommunitySettings, Membership, Placement
from ruche.core.text import fold
from ruche.posts.models import Post
from ruche.posts.services import post_create

Role = Membership.Role

# name, kind, visibility, description, hashtags whose posts belong there, pre-moderated posts
COMMUNITIES = [
    ("Qualité & amélioration continue", "work", "public",
     "Audits, retours d'expérience, chantiers Lean : tout ce qui fait progresser nos lignes.", ("qualite", "lean", "maintenance"), False),
    ("Sécurité au travail", "work", "public",
     "Consignes, incidents et bonnes pratiques. Les publications sont relues par l'équipe HSE.", ("securite",), True),
    ("Innovation produit", "work", "public",
     "Idées, prototypes et veille technologique de la R&D et au-delà.", ("innovation",), False),
    ("Projet Atlas", "work", "private",
     "Le nouveau configurateur client : équipe projet et sponsors.", None, False),
    ("Comité de direction", "work", "secret",
     "Préparation des comités, arbitrages et sujets confidentiels.", None, False),
    ("Club running", "interest", "public",
     "Sorties du midi, semi-marathon de Lyon, et conseils pour bien débuter.", None, False),
]  # fmt: skip

NEW_POSTS = {
    "Projet Atlas": [
        "Point d'étape Atlas : la maquette du configurateur est validée par le client pilote. "
        "Prochaine étape, les tests de charge #atlas",
        "Qui peut relire la spécification des règles de prix avant vendredi ? Merci d'avance #atlas",
    ],
    "Comité de direction": [
        "Ordre du jour du prochain comité : budget 2027, plan de recrutement Nantes, bilan qualité.",
    ],
    "Club running": [
        "Sortie du jeudi midi : 8 km le long du Rhône, départ 12 h 15 devant l'accueil. Qui vient ?",
    ],
}


def seed_communities(rng: random.Random, now: datetime, log=lambda _msg: None) -> int:
    people = list(User.objects.filter(is_active=True).select_related("profile", "profile__department"))
    ceo = min(people, key=lambda u: u.pk)
    CommunitySettings.current()
    services.company_wide_community()
    created = []
    for site in Site.objects.all():
        community = services.community_create(
            by=ceo, name=f"Site de {site.name}", kind="work", visibility="public",
            description=f"La vie du site de {site.name} : accueil, travaux, événements, covoiturage.",
        )  # fmt: skip
        AutoMembershipRule.objects.create(community=community, site=site)
        services.rules_apply(community)
        _place_tagged_posts(community, fold(site.name))
        created.append(community)
    rnd = Department.objects.filter(name__icontains="R&D").first()
    if rnd:
        community = services.community_create(
            by=ceo, name="Équipe R&D", kind="work", visibility="public",
            description="Toute la R&D, automatiquement : nouvelles de l'équipe et partage technique.",
        )  # fmt: skip
        AutoMembershipRule.objects.create(community=community, department=rnd)
        services.rules_apply(community)
    for name, kind, visibility, description, tags, premoderated in COMMUNITIES:
        owner = _owner_for(rng, people, name) or ceo
        community = services.community_create(
            by=owner, name=name, description=description, kind=kind, visibility=visibility,
            premoderate_posts=premoderated,
        )  # fmt: skip
        created.append(community)
        members = _members_for(rng, people, name, ceo)
        for user in members:
            if user.pk != owner.pk:
                services._add_member(community, user)
        animator = next((u for u in members if u.pk != owner.pk), None)
        if animator:
            Membership.objects.filter(community=community, user=animator).update(role=Role.ANIMATOR)
        for tag in tags or ():
            _place_tagged_posts(community, tag)
    _write_community_posts(rng, now)
    _pending_post(now)
    for community in Community.objects.all():
        health.refresh(community)
    log(f"{Community.objects.count()} communities")
    return len(created)


def _owner_for(rng, people, name):
    hints = {
        "Qualité": "qualit", "Sécurité": "sécurité", "Innovation": "r&d", "Atlas": "commercial",
        "Club": None, "Comité": None,
    }  # fmt: skip
    for key, hint in hints.items():
        if key in name and hint:
            for user in people:
                text = f"{user.profile.job_title} {user.profile.department}".lower()
                if hint in text:
                    return user
    return None


def _members_for(rng, people, name, ceo):
    if name == "Comité de direction":
        return [
            u
            for u in people
            if u.pk == ceo.pk or (u.profile.job_title or "").lower().startswith(("direct", "dir"))
        ]
    size = {"Projet Atlas": 8, "Club running": 10}.get(name, max(10, len(people) // 2))
    return rng.sample(people, min(size, len(people)))


def _place_tagged_posts(community: Community, tag: str) -> None:
    """Demo posts carrying the community's hashtag were written for it: place them there."""
    posts = Post.objects.filter(hashtags__key=tag, parent__isnull=True, deleted_at__isnull=True)
    Placement.objects.bulk_create(
        [Placement(post=p, community=community) for p in posts], ignore_conflicts=True
    )


def _write_community_posts(rng: random.Random, now: datetime) -> None:
    """The latest posts of the demo (ids grow with time: the feed orders by id)."""
    minutes = 45
    for name, bodies in NEW_POSTS.items():
        community = Community.objects.get(name=name)
        members = list(User.objects.filter(memberships__community=community))
        for body in bodies:
            post = post_create(author=rng.choice(members), body=body, communities=[community])
            Post.objects.filter(pk=post.pk).update(created=now - timedelta(minutes=minutes))
            minutes -= 5


def _pending_post(now: datetime) -> None:
    """One post waits for the HSE team's approval, so the moderation queue has something to show."""
    community = Community.objects.get(name="Sécurité au travail")
    author = User.objects.filter(memberships__community=community, memberships__role=Role.MEMBER).first()
    if author:
        post_create(
            author=author,
            body="Proposition : rappeler le port des lunettes de protection à l'entrée de l'atelier 2 #securite",
            communities=[community],
        )
