"""Announcements for the demo company: the CEO and internal communications hold the announcer role;
one company-wide announcement asks to be confirmed (pinned in the demo employee's feed), one is for a
department, and part of the company has already read them, so that the reach page has figures."""

import random
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from ruche.accounts.models import Department, User
from ruche.announcements.models import Receipt
from ruche.announcements.services import announcement_acknowledge, announcement_publish, receipt_open

QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}

SAFETY = """Bonjour à toutes et à tous,

À partir du **1er du mois prochain**, le port des chaussures de sécurité devient obligatoire dans
**tous les ateliers et entrepôts**, visiteurs compris.

- des paires de prêt sont disponibles à l'accueil de chaque site ;
- votre manager valide votre commande de chaussures dans l'outil RH ;
- les questions : la communauté *Qualité, sécurité et environnement*.

Merci de confirmer la lecture de cette annonce.

Hélène Marchand"""

INTRANET = """Le nouvel outil de planification des ateliers arrive **lundi** : une formation d'une heure
est proposée à chaque équipe cette semaine (inscriptions auprès de votre manager)."""


def seed_announcements(*, skip: str, seed: int = 42) -> int:
    """`skip` is the demo employee's e-mail: they find the safety announcement still to confirm.
    Its own random generator: the rest of the demo draws the same numbers with or without it."""
    rng = random.Random(seed)
    ceo = User.objects.filter(profile__job_title__startswith="Présidente").order_by("pk").first()
    comms = User.objects.filter(is_staff=True).order_by("pk").first()
    announcers = [u for u in (ceo, comms) if u is not None]
    if not announcers:
        return 0
    User.objects.filter(pk__in=[u.pk for u in announcers]).update(is_announcer=True)
    for user in announcers:
        user.is_announcer = True
    author = announcers[0]
    now = timezone.now()
    with override_settings(MAILERS=QUIET_MAIL):
        safety = announcement_publish(
            author=author,
            title="Sécurité : chaussures obligatoires dans les ateliers",
            body=SAFETY,
            everyone=True,
            requires_ack=True,
            expires_at=now + timedelta(days=30),
        )
        production = Department.objects.filter(name="Production").first()
        published = [safety]
        if production is not None:
            published.append(
                announcement_publish(
                    author=announcers[-1],
                    title="Nouvel outil de planification des ateliers",
                    body=INTRANET,
                    departments=[production],
                    expires_at=now + timedelta(days=14),
                )
            )
    for receipt in Receipt.objects.filter(announcement__in=published).select_related("user", "announcement"):
        if receipt.user.email == skip or rng.random() > 0.6:
            continue
        if receipt.announcement.requires_ack and rng.random() < 0.8:
            announcement_acknowledge(announcement=receipt.announcement, user=receipt.user)
        else:
            receipt_open(announcement=receipt.announcement, user=receipt.user)
    return len(published)
