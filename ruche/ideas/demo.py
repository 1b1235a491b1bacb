"""An open innovation campaign for the demo company: aimed at Production and Qualité, with ideas at
several stages, votes, a review and a decision, so that every innovation page has something true."""

from datetime import datetime, timedelta

from ruche.accounts.models import Department, User
from ruche.ideas import services
from ruche.ideas.models import InnovationManager

IDEAS = [
    (
        "Trier les copeaux d'aluminium à la source",
        "Un bac par alliage au pied de chaque centre d'usinage : les copeaux triés se revendent "
        "**trois fois plus cher** que le mélange.",
        ["recyclage", "atelier"],
    ),
    (
        "Récupérer la chaleur des compresseurs",
        "Les compresseurs de la ligne 2 chauffent pour rien : un échangeur pourrait préchauffer l'eau "
        "du lavage des pièces.",
        ["énergie"],
    ),
    (
        "Des palettes consignées avec nos fournisseurs",
        "Nous jetons environ 40 palettes par semaine. Une consigne avec nos trois principaux "
        "fournisseurs les ferait revenir.",
        ["logistique", "recyclage"],
    ),
    (
        "Réparer plutôt que remplacer les outils coupants",
        "Un affûtage en interne prolongerait la vie des fraises ; à chiffrer avec les méthodes.",
        ["atelier"],
    ),
]


def seed_campaign(now: datetime) -> int:
    """The campaign, opened (its population is notified), with four ideas; returns the idea count."""
    manager = User.objects.get(handle="thierry.garnier")
    InnovationManager.objects.get_or_create(user=manager)
    departments = list(Department.objects.filter(name__in=["Production", "Qualité"]))
    quality = list(
        User.objects.filter(profile__department__name="Qualité", is_active=True).order_by("pk")[:2]
    )
    campaign = services.campaign_create(
        by=manager,
        title="Usine 2030 : réduire nos déchets de production",
        brief="Chaque année, nos ateliers produisent **480 tonnes** de déchets. Comment en réduire "
        "la moitié d'ici 2030 ? Toutes les idées comptent : tri, réemploi, achats, procédés.\n\n"
        "Les meilleures idées seront étudiées par le comité qualité-environnement.",
        starts_at=now - timedelta(days=6),
        ends_at=now + timedelta(days=24),
        departments=departments,
        reviewers=quality,
    )
    campaign = services.campaign_open(campaign=campaign, by=manager)
    authors = list(
        User.objects.filter(profile__department__name="Production", is_active=True)
        .exclude(pk=manager.pk)
        .order_by("pk")
    )
    voters = authors[4:30] + quality
    ideas = []
    for n, (title, description, tags) in enumerate(IDEAS):
        idea = services.idea_submit(
            campaign=campaign, author=authors[n], title=title, description=description, tags=tags
        )
        for voter in voters[n * 3 : n * 3 + 12 - 3 * n]:
            services.idea_vote(idea=idea, user=voter)
        ideas.append(idea)
    stages = {s.name: s for s in campaign.workflow.stages.all()}
    first = ideas[0]
    services.idea_move(idea=first, stage=stages["Shortlisted"], by=manager)
    services.review_assign(idea=first, reviewer=quality[0], by=manager)
    services.review_submit(
        idea=first,
        reviewer=quality[0],
        scores={c.pk: v for c, v in zip(campaign.criteria.all(), (5, 4, 4), strict=False)},
        comment="Gain rapide, peu d'investissement : à lancer sur la ligne 1.",
    )
    services.idea_move(idea=first, stage=stages["Under review"], by=manager)
    services.idea_move(
        idea=first,
        stage=stages["Approved"],
        by=manager,
        rationale="Pilote validé sur la ligne 1 dès le mois prochain ; budget bacs : 2 000 €.",
    )
    services.idea_move(idea=ideas[1], stage=stages["Shortlisted"], by=manager)
    return len(ideas)
