"""Immediate e-mail, with a real SMTP server: content, language, links, unsubscribe headers,
batching, the "already seen" rule, refusals and outages retried without loss or duplicates."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from ruche.accounts.models import User
from ruche.communities.models import Community, Membership
from ruche.notifications.mail import emails_send_due, unsubscribe_token
from ruche.notifications.models import Email, KindPreference, Notification
from ruche.notifications.services import notification_mark_read
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db
State = Email.State


def later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


@pytest.fixture
def mention(alice, bruno, side_effects):
    with side_effects():
        return post_create(author=bruno, body="Bravo @alice.martin pour le salon")


def test_a_mention_is_emailed_after_the_delay_in_the_recipients_language(smtp, alice, bruno, side_effects):
    User.objects.filter(pk=alice.pk).update(language="fr")
    with side_effects():
        post = post_create(author=bruno, body="**Bravo** @alice.martin pour le [salon](https://example.com)")
    assert emails_send_due()["sent"] == 0 and smtp.messages == []  # it waits: she may see it in the app
    assert emails_send_due(now=later(11))["sent"] == 1
    [message] = smtp.to(alice.email)
    assert message["Subject"] == "Bruno Lefèvre vous a mentionné"
    text, html = smtp.parts(message)
    link = f"https://ruche.example.com{post.get_absolute_url()}"
    assert "Bruno Lefèvre vous a mentionné" in text and link in text
    assert (
        "> Bravo Alice Martin pour le salon" in text
        and "Bravo Alice Martin pour le salon</blockquote>" in html
    )
    assert "<strong>Bruno Lefèvre</strong> vous a mentionné" in html and f'href="{link}"' in html
    assert "Se désabonner de ces e-mails" in text and "Se désabonner de ces e-mails" in html
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://ruche.example.com/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire: a plain URL (not RFC 2047 encoded-words, which mail clients would not follow).
    assert b"\r\nList-Unsubscribe: <https://ruche.example.com/notifications/unsubscribe/" in smtp.raw[0]
    assert Email.objects.get().state == State.SENT
    assert emails_send_due(now=later(60))["sent"] == 0 and len(smtp.messages) == 1  # sent once


def test_english_recipient_gets_english(smtp, alice, mention):
    emails_send_due(now=later(11))
    [message] = smtp.to(alice.email)
    assert message["Subject"] == "Bruno Lefèvre mentioned you"
    assert "Unsubscribe from these e-mails" in smtp.parts(message)[0]


def test_reactions_and_follows_are_not_emailed_by_default(smtp, alice, bruno, side_effects):
    from ruche.accounts.services import user_follow
    from ruche.posts.services import reaction_set

    with side_effects():
        post = post_create(author=alice, body="Mon annonce")
        reaction_set(post=post, user=bruno, kind="like")
        user_follow(follower=bruno, followed=alice)
    assert Notification.objects.filter(recipient=alice).count() == 2
    assert not Email.objects.exists()


def test_replies_in_one_conversation_are_batched(smtp, alice, bruno, make_user, side_effects):
    chloe = make_user("Chloé", "Test")
    with side_effects():
        post = post_create(author=alice, body="Qui vient au salon ?")
        post_create(author=bruno, body="Moi", parent=post)
        post_create(author=chloe, body="Moi aussi", parent=post)
    assert Email.objects.count() == 1  # the second reply joined the waiting e-mail
    emails_send_due(now=later(11))
    [message] = smtp.to(alice.email)
    assert "(and 1 more)" in message["Subject"]
    text, _html = smtp.parts(message)
    assert "Bruno Lefèvre replied to your post" in text and "Chloé Test replied to your post" in text
    # A new reply soon after: it waits for the conversation's interval (30 minutes), not just 10.
    with side_effects():
        post_create(author=bruno, body="Et encore moi", parent=post)
    assert emails_send_due(now=later(11))["sent"] == 0
    assert emails_send_due(now=later(31))["sent"] == 1
    assert len(smtp.to(alice.email)) == 2
    assert "Et encore moi" in smtp.parts(smtp.to(alice.email)[1])[0]


def test_nothing_emailed_that_was_read_in_the_app(smtp, alice, mention):
    notification = Notification.objects.get(recipient=alice)
    notification_mark_read(user=alice, notification_id=notification.pk)
    assert emails_send_due(now=later(11)) | {} and smtp.messages == []
    assert Email.objects.get().state == State.SKIPPED


def test_nothing_emailed_when_the_person_was_in_the_app_after_it(smtp, alice, mention):
    User.objects.filter(pk=alice.pk).update(last_seen_at=later(2))  # the badge was in front of her
    emails_send_due(now=later(11))
    assert smtp.messages == [] and Email.objects.get().state == State.SKIPPED


def test_private_content_is_checked_again_when_sending(smtp, alice, bruno, make_community, side_effects):
    secret = make_community("Projet X", visibility=Community.Visibility.PRIVATE, members=[alice, bruno])
    with side_effects():
        post_create(author=bruno, body="Chiffres confidentiels, @alice.martin", communities=[secret])
    assert Email.objects.filter(recipient=alice).exists()
    Membership.objects.filter(community=secret, user=alice).delete()  # she left before it was sent
    emails_send_due(now=later(11))
    assert smtp.messages == [] and Email.objects.get().state == State.SKIPPED


def _three_waiting(make_user, bruno, side_effects):
    people = [make_user(name, "Test") for name in ("Chloé", "David", "Emma")]
    with side_effects():
        post_create(author=bruno, body="Réunion : " + " ".join(f"@{p.handle}" for p in people))
    assert Email.objects.filter(state=State.PENDING).count() == 3
    return people


def test_a_refusal_in_the_middle_is_retried_later_and_nothing_is_sent_twice(
    smtp, bruno, make_user, side_effects
):
    people = _three_waiting(make_user, bruno, side_effects)
    accepted = []
    original = smtp.handle_DATA

    async def accept_one_then_refuse(server, session, envelope):
        if accepted:
            return "451 4.3.0 Try again later"
        accepted.append(envelope)
        return await original(server, session, envelope)

    smtp.handle_DATA = accept_one_then_refuse
    counts = emails_send_due(now=later(11))
    assert counts["sent"] == 1 and counts["retry"] == 2 and len(smtp.messages) == 1
    waiting = Email.objects.filter(state=State.PENDING)
    assert waiting.count() == 2 and all(e.attempts == 1 and e.last_error for e in waiting)
    # Not before the backoff; then the server is fine again.
    smtp.handle_DATA = original
    assert emails_send_due(now=later(11))["sent"] == 0
    assert emails_send_due(now=later(13))["sent"] == 2
    assert emails_send_due(now=later(120))["sent"] == 0
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)  # each once


def test_a_server_that_is_down_loses_nothing(smtp, bruno, make_user, side_effects):
    people = _three_waiting(make_user, bruno, side_effects)
    smtp.stop()
    counts = emails_send_due(now=later(11))
    assert counts["sent"] == 0 and counts["down"] == 1  # it stops at the first: the others wait
    assert Email.objects.filter(state=State.PENDING).count() == 3
    smtp.start()
    assert emails_send_due(now=later(15))["sent"] == 3
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)


def test_a_worker_that_died_while_sending_is_taken_over(smtp, alice, mention):
    email = Email.objects.get()
    Email.objects.filter(pk=email.pk).update(state=State.SENDING, due_at=later(-30), attempts=1)
    assert emails_send_due(now=later(11))["sent"] == 1
    assert len(smtp.messages) == 1 and smtp.messages[0]["Message-ID"].startswith(f"<ruche.{email.pk}.")


def test_too_many_failures_are_marked_failed_and_can_be_retried(smtp, settings, alice, mention):
    from ruche.notifications.mail import emails_retry_failed

    settings.EMAIL_MAX_ATTEMPTS = 2
    smtp.refuse.add(alice.email)  # 550, mailbox unavailable
    emails_send_due(now=later(11))
    emails_send_due(now=later(20))
    assert Email.objects.get().state == State.FAILED
    smtp.refuse.clear()
    assert emails_retry_failed() == 1
    assert emails_send_due(now=later(30))["sent"] == 1 and len(smtp.messages) == 1


def _path(url: str) -> str:
    return urlsplit(url.strip("<>")).path


def test_one_click_unsubscribe_from_the_header_works_without_login(smtp, alice, bruno, mention, side_effects):
    emails_send_due(now=later(11))
    url = _path(smtp.messages[0]["List-Unsubscribe"])
    client = Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF token
    page = client.get(url)
    assert page.status_code == 200 and "Stop e-mails for “Mention”?" in page.content.decode()
    assert not KindPreference.objects.exists()  # GET changes nothing (link scanners)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "you will no longer receive e-mails" in response.content.decode()
    assert KindPreference.objects.get(user=alice, kind="mention").enabled is False
    with side_effects():
        post_create(author=bruno, body="Encore toi @alice.martin")
    assert Notification.objects.filter(recipient=alice).count() == 2  # still told in the app
    assert Email.objects.count() == 1  # but no new e-mail


@pytest.mark.parametrize("tamper", ["flip", "other-user", "garbage"])
def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(
    client, alice, bruno, tamper, english_company
):
    token = unsubscribe_token(alice.pk, "mention")
    if tamper == "flip":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif tamper == "other-user":
        token = unsubscribe_token(alice.pk, "mention").replace(":", ":x", 1)
    else:
        token = "not-a-token"
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not KindPreference.objects.exists()


def test_other_apps_queue_an_email_once_in_the_recipients_language(smtp, settings, alice, bruno):
    """The function announcements use: rendered now, sent by the outbox, once per key."""
    from ruche.accounts.models import User
    from ruche.notifications.mail import email_queue

    User.objects.filter(pk=alice.pk).update(language="fr")
    alice.refresh_from_db()
    context = {"sections": {}, "frequency": "weekly", "count": 1}
    first = email_queue(
        recipient=alice,
        kind="mention",
        template="notifications/email/digest",
        context=context,
        key="announcement:1",
    )
    again = email_queue(
        recipient=alice,
        kind="mention",
        template="notifications/email/digest",
        context=context,
        key="announcement:1",
    )
    assert first is not None and again is None
    emails_send_due()  # queued outside a transaction, it was sent at once: nothing more to send
    [message] = smtp.to(alice.email)
    text, html = smtp.parts(message)
    assert message["Subject"] == "Votre résumé de la semaine : 1 chose à ne pas manquer"
    assert (
        "Se désabonner de ces e-mails" in text
        and "Se désabonner" in html
        and message["List-Unsubscribe-Post"]
    )
    # Someone who turned e-mail off for the kind gets nothing.
    from ruche.notifications.services import preference_set

    preference_set(user=bruno, kind="mention", channel="email", enabled=False)
    assert (
        email_queue(recipient=bruno, kind="mention", template="notifications/email/digest", context=context)
        is None
    )


def test_a_row_another_worker_is_sending_is_left_alone(smtp, alice, mention):
    Email.objects.update(state=State.SENDING, due_at=timezone.now(), attempts=1)
    assert emails_send_due(now=later(11))["sent"] == 0 and smtp.messages == []


def test_a_join_request_email_links_to_the_members_page(smtp, alice, bruno, make_community, side_effects):
    from ruche.communities.services import join_request_create

    closed = make_community("Atelier fermé", visibility=Community.Visibility.PRIVATE, owner=alice)
    with side_effects():
        join_request_create(community=closed, user=bruno)
    emails_send_due(now=later(11))
    [message] = smtp.to(alice.email)
    assert message["Subject"] == "Bruno Lefèvre asks to join Atelier fermé"
    text, html = smtp.parts(message)
    assert f"https://ruche.example.com/communities/{closed.slug}/members/" in text
    assert "“Request to join a community you run”" in text  # what the unsubscribe link is for
