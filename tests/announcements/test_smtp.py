"""Announcement e-mails through a real SMTP server (aiosmtpd): content, and a server that refuses in
the middle of a batch: the messages already accepted are not sent again, the rest is sent on retry."""

import pytest

from ruche.announcements.models import Receipt
from ruche.announcements.services import announcement_publish
from ruche.announcements.tasks import deliver_announcement

pytestmark = pytest.mark.django_db


def test_html_and_text_parts_in_the_recipients_language(
    smtp, announcer, alice, django_capture_on_commit_callbacks
):
    from ruche.accounts.models import User

    User.objects.filter(pk=alice.pk).update(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        a = announcement_publish(
            author=announcer,
            title="Fermeture estivale",
            body="Le site ferme du **1er au 15 août**.",
            everyone=True,
        )
    (message,) = smtp.messages
    assert message["To"] == alice.email and message["Subject"] == "Annonce : Fermeture estivale"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour Alice" in text and f"http://127.0.0.1:8000/announcements/{a.pk}/" in text
    assert "<strong>1er au 15 août</strong>" in html


def test_a_refusal_mid_batch_loses_nothing_and_sends_nothing_twice(
    smtp, announcer, make_user, django_capture_on_commit_callbacks
):
    """Announcement e-mails go through the notifications' outbox: one refused address is retried
    later, the others are sent once, and delivering the announcement again queues nothing new."""
    from datetime import timedelta

    from django.utils import timezone

    from ruche.notifications.mail import emails_send_due
    from ruche.notifications.models import Email

    people = [make_user("Person", f"N{i}") for i in range(4)]
    with django_capture_on_commit_callbacks():  # the worker is run by hand below
        a = announcement_publish(author=announcer, title="Inventaire", body="Vendredi.", everyone=True)
    third = Receipt.objects.filter(announcement=a).order_by("pk")[2].user
    smtp.refuse.add(third.email)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_announcement.call(announcement_id=a.pk) == 4
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people if p != third)
    assert Email.objects.get(recipient=third).state == Email.State.PENDING  # to be retried
    smtp.refuse.clear()  # the server takes it now: the retry, after its backoff
    emails_send_due(now=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_announcement.call(announcement_id=a.pk) == 0  # a retried task: nothing again
    emails_send_due(now=timezone.now() + timedelta(hours=2))
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)
    message = smtp.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
