"""Ideas and the notifications' channels: decisions e-mailed through the outbox (real SMTP server),
preferences honoured for population-wide notices, the digest's "challenges closing soon"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ruche.ideas import services
from ruche.notifications.digest import digests_build
from ruche.notifications.mail import emails_send_due
from ruche.notifications.models import Notification
from ruche.notifications.services import preference_set
from tests.fixtures.ideas import stage

pytestmark = pytest.mark.django_db


def test_a_decision_on_an_idea_is_emailed_to_its_author(smtp, idea, manager, author, side_effects):  # noqa: F811 (fixture)
    with side_effects():
        services.idea_move(idea=idea, stage=stage(idea.campaign, "Shortlisted"), by=manager)
    emails_send_due(now=timezone.now() + timedelta(hours=1))  # after the batching delay
    [message] = smtp.to(author.email)
    text = message.get_body(("plain",)).get_content()
    assert "Trier les copeaux" in text and f"/ideas/{idea.pk}" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_who_turned_off_campaign_notices_is_not_told(make_campaign, author, voter, side_effects):
    preference_set(user=voter, kind="campaign_opened", channel="in_app", enabled=False)
    campaign = make_campaign()
    told = set(
        Notification.objects.filter(kind="campaign_opened", campaign=campaign).values_list(
            "recipient_id", flat=True
        )
    )
    assert author.pk in told and voter.pk not in told


def test_the_digest_reminds_of_challenges_closing_soon_to_who_has_not_taken_part(
    smtp,  # noqa: F811 (fixture)
    make_campaign,
    author,
    voter,
    outsider,
    side_effects,  # noqa: F811
):
    campaign = make_campaign(ends_at=timezone.now() + timedelta(days=3))
    services.idea_submit(campaign=campaign, author=author, title="Trier les copeaux", description="Un bac.")
    digests_build(frequency="weekly")
    emails_send_due()
    heading = "Challenges closing soon"
    assert heading in smtp.to(voter.email)[0].get_body(("plain",)).get_content()
    for person in (author, outsider):  # took part; not aimed at
        assert all(heading not in m.get_body(("plain",)).get_content() for m in smtp.to(person.email))
