"""Publishing, audience resolution, receipts, acknowledgement, reminders, e-mails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ruche.accounts.models import User
from ruche.announcements import policies
from ruche.announcements.models import Announcement, Receipt
from ruche.announcements.services import (
    announcement_acknowledge,
    announcement_dismiss,
    announcement_publish,
    announcement_remind,
    audience,
    receipt_open,
)
from ruche.communities.models import Community
from ruche.notifications.models import Notification

pytestmark = pytest.mark.django_db


def publish(author, **fields):
    fields.setdefault("title", "Nouveau restaurant d'entreprise")
    fields.setdefault("body", "Ouverture **lundi**.")
    return announcement_publish(author=author, **fields)


def recipients(announcement) -> set[str]:
    return set(Receipt.objects.filter(announcement=announcement).values_list("user__first_name", flat=True))


# Who may publish --------------------------------------------------------------------------------


def test_only_the_announcer_role_and_admins_may_publish(announcer, admin, alice, make_user):
    assert policies.can_publish(announcer) and policies.can_publish(admin)
    assert not policies.can_publish(alice)
    with pytest.raises(PermissionDenied):
        publish(alice, everyone=True)
    assert not Announcement.objects.exists()
    former = make_user("Old", "Comms", is_announcer=True, is_active=False)
    assert not policies.can_publish(former)


# Audience ---------------------------------------------------------------------------------------


def test_audience_by_department_site_and_community_is_their_union(
    announcer, make_user, org, place, make_community
):
    seller = place(make_user("Sam", "Seller"), department=org["sales"], site=org["nantes"])
    lyonnais = place(make_user("Lea", "Lyon"), department=org["rd"], site=org["lyon"])
    member = make_user("Max", "Member")
    place(make_user("Nobody", "Else"), department=org["rd"], site=org["nantes"])
    quality = make_community("Qualité", owner=member)
    a = publish(announcer, departments=[org["sales"]], sites=[org["lyon"]], communities=[quality])
    assert recipients(a) == {"Sam", "Lea", "Max"}
    assert a.recipient_count == 3 and a.delivered_at is not None
    assert {seller, lyonnais, member} == set(audience(departments=[org["sales"]], sites=[org["lyon"]],
                                                      communities=[quality], everyone=False))  # fmt: skip


def test_everyone_means_active_activated_colleagues_except_the_author(announcer, alice, bruno, make_user):
    make_user("Gone", "Away", is_active=False)
    User.objects.create_user("invited@example.com", None, first_name="Ines", last_name="Invited")
    a = publish(announcer, everyone=True)
    assert recipients(a) == {"Alice", "Bruno"}


def test_an_audience_matching_nobody_is_refused_and_nothing_is_created(announcer, org, alice):
    with pytest.raises(ValidationError) as refused:
        publish(announcer, departments=[org["rd"]])
    assert "audience" in refused.value.message_dict
    with pytest.raises(ValidationError):
        publish(announcer)  # no audience at all
    assert not Announcement.objects.exists() and not Receipt.objects.exists()


def test_bad_input_names_the_field(announcer, alice):
    with pytest.raises(ValidationError) as refused:
        publish(announcer, everyone=True, title="  ", body="", expires_at=timezone.now() - timedelta(days=1))
    assert set(refused.value.message_dict) == {"title", "body", "expires_at"}
    assert not Announcement.objects.exists()


def test_private_community_audience_only_for_its_members(
    announcer, admin, make_user, make_community, add_member
):
    owner = make_user("Olga", "Owner")
    secret = make_community("Comité secret", visibility=Community.Visibility.SECRET, owner=owner)
    with pytest.raises(ValidationError) as refused:
        publish(announcer, communities=[secret])
    assert "Comité secret" not in str(refused.value)  # a secret community's name is not told
    assert not Announcement.objects.exists()
    assert recipients(publish(admin, communities=[secret])) == {"Olga"}
    add_member(secret, announcer)
    assert recipients(publish(announcer, communities=[secret])) == {"Olga"}


# Receipts, acknowledgement, notifications and e-mail ----------------------------------------------


def test_publication_notifies_and_emails_each_recipient_in_their_language(
    announcer, alice, make_user, side_effects
):
    francois = make_user("François", "Dupont")
    User.objects.filter(pk=francois.pk).update(language="fr")
    with side_effects():
        a = publish(announcer, everyone=True, requires_ack=True)
    assert Notification.objects.filter(kind="announcement", announcement=a).count() == 2
    assert Receipt.objects.filter(announcement=a, notified_at__isnull=False).count() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {alice.email, francois.email}
    english, french = by_address[alice.email], by_address[francois.email]
    assert english.subject == "Announcement: Nouveau restaurant d'entreprise"
    assert "Hello Alice," in english.body and f"/announcements/{a.pk}/" in english.body
    assert "Please confirm that you have read it" in english.body
    html = english.alternatives[0][0]
    assert "<strong>lundi</strong>" in html and f"http://127.0.0.1:8000/announcements/{a.pk}/" in html
    assert french.subject.startswith("Annonce") and "Bonjour François" in french.body


def test_delivery_goes_in_batches_and_never_twice(announcer, make_user, settings, side_effects):
    from ruche.announcements.tasks import deliver_announcement

    settings.ANNOUNCEMENT_BATCH_SIZE = 2
    for i in range(5):
        make_user("Person", f"N{i}")
    with side_effects():
        a = publish(announcer, everyone=True)
    assert len(mail.outbox) == 5
    deliver_announcement.enqueue(announcement_id=a.pk)  # a retried task sends nothing again
    assert len(mail.outbox) == 5
    assert Notification.objects.filter(announcement=a).count() == 5


def test_a_large_audience_gets_its_receipts_from_the_worker(announcer, make_user, settings, side_effects):
    settings.ANNOUNCEMENT_INLINE_RECIPIENTS = 2
    for i in range(4):
        make_user("Person", f"N{i}")
    with side_effects():
        a = publish(announcer, everyone=True)
        assert not Receipt.objects.filter(announcement=a).exists()  # not before commit
    a.refresh_from_db()
    assert a.recipient_count == 4 and a.delivered_at is not None
    assert Receipt.objects.filter(announcement=a).count() == 4 and len(mail.outbox) == 4


def test_someone_who_already_opened_it_is_not_emailed(
    announcer, alice, bruno, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        a = publish(announcer, everyone=True)
    receipt_open(announcement=a, user=alice)
    with django_capture_on_commit_callbacks(execute=True):  # the worker, then the e-mail sender
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [[bruno.email]]
    assert Notification.objects.filter(announcement=a).count() == 2


def test_acknowledge_is_idempotent_and_opens(announcer, alice):
    a = publish(announcer, everyone=True, requires_ack=True)
    first = announcement_acknowledge(announcement=a, user=alice)
    assert first.acknowledged_at and first.opened_at
    again = announcement_acknowledge(announcement=a, user=alice)
    assert again.acknowledged_at == first.acknowledged_at


def test_dismiss_only_when_no_confirmation_is_asked(announcer, alice):
    asks = publish(announcer, everyone=True, requires_ack=True)
    with pytest.raises(ValidationError):
        announcement_dismiss(announcement=asks, user=alice)
    plain = publish(announcer, everyone=True, title="Info")
    assert announcement_dismiss(announcement=plain, user=alice).dismissed_at


def test_someone_outside_the_audience_cannot_acknowledge(announcer, alice, bruno, org, place):
    from django.http import Http404

    place(alice, department=org["sales"])
    a = publish(announcer, departments=[org["sales"]])
    with pytest.raises(Http404):
        announcement_acknowledge(announcement=a, user=bruno)


# Reminders --------------------------------------------------------------------------------------


def test_remind_those_who_have_not_confirmed_once_per_period(announcer, alice, bruno, side_effects, settings):
    with side_effects():
        a = publish(announcer, everyone=True, requires_ack=True)
    announcement_acknowledge(announcement=a, user=alice)
    mail.outbox.clear()
    with side_effects():
        assert announcement_remind(announcement=a, by=announcer) == 1
    assert [m.to for m in mail.outbox] == [[bruno.email]]
    assert mail.outbox[0].subject == "Reminder: Nouveau restaurant d'entreprise"
    assert Notification.objects.filter(kind="announcement_reminder", recipient=bruno).count() == 1
    with pytest.raises(ValidationError) as refused:
        announcement_remind(announcement=a, by=announcer)
    assert "recently" in str(refused.value)
    Announcement.objects.filter(pk=a.pk).update(last_reminded_at=timezone.now() - timedelta(hours=25))
    a.refresh_from_db()
    mail.outbox.clear()
    with side_effects():
        assert announcement_remind(announcement=a, by=announcer) == 1
    assert len(mail.outbox) == 1


def test_only_the_author_reminds_and_not_when_everyone_read(announcer, alice, make_user):
    a = publish(announcer, everyone=True)
    other = make_user("Other", "Comms", is_announcer=True)
    with pytest.raises(PermissionDenied):
        announcement_remind(announcement=a, by=other)
    receipt_open(announcement=a, user=alice)
    with pytest.raises(ValidationError):
        announcement_remind(announcement=a, by=announcer)


def test_opening_it_marks_its_notification_read(announcer, alice, side_effects):
    with side_effects():
        a = publish(announcer, everyone=True)
    assert Notification.objects.get(recipient=alice).read_at is None
    receipt_open(announcement=a, user=alice)
    assert Notification.objects.get(recipient=alice).read_at is not None
