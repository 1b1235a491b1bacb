"""SCIM's lastModified follows every change of a person, whoever made it (ruche/core/events.py;
registered in ScimConfig.ready)."""

from django.utils import timezone

from ruche.accounts.events import PeopleChanged
from ruche.accounts.models import ERASED_DOMAIN, User
from ruche.core.events import subscribe
from ruche.scim.models import ScimUser


def register() -> None:
    subscribe(PeopleChanged, people_changed)


def people_changed(event: PeopleChanged) -> None:
    now = timezone.now()
    ids = set(event.user_ids)
    ScimUser.objects.filter(user_id__in=ids).update(last_modified=now)
    known = set(ScimUser.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    # Only people SCIM may list: not someone gone, nor someone erased (the erasure tells of them).
    missing = (
        User.objects.filter(pk__in=ids - known)
        .exclude(email__endswith="@" + ERASED_DOMAIN)
        .values_list("pk", flat=True)
    )
    ScimUser.objects.bulk_create(
        [ScimUser(user_id=pk, last_modified=now) for pk in missing], ignore_conflicts=True
    )
