"""The demo company has announcers and announcements with receipts, in French."""

from io import StringIO

import pytest
from django.core.management import call_command

from ruche.accounts.models import User
from ruche.announcements.models import Announcement
from ruche.announcements.selectors import pinned_for, reach

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_announcements():
    call_command("demo_company", if_empty=True, weeks=1, stdout=StringIO())
    assert User.objects.filter(is_announcer=True).count() == 2
    safety, planning = Announcement.objects.order_by("pk")
    assert safety.title.startswith("Sécurité") and safety.requires_ack and safety.everyone
    lea = User.objects.get(handle="lea.dubois")
    assert [r.announcement for r in pinned_for(lea)] == [planning, safety]
    figures = reach(safety)
    activated = User.objects.filter(activated_at__isnull=False).count()  # a few never activated
    assert figures.recipients == activated - 1 and 0 < figures.acknowledged < figures.recipients
    assert planning.recipient_count < figures.recipients
