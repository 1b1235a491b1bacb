"""The audit log, refusals written to it, and the company-wide governance settings.

Refused attempts that are permission matters are written to the audit log before the refusal.
"""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities import policies
from ruche.communities.models import AuditEntry, CommunitySettings


def audit(actor, action: str, *, community=None, target=None, post=None, detail: str = "") -> AuditEntry:
    AuditEntry.Action(action)  # a code without a label would show raw in the log: refuse it here
    return AuditEntry.objects.create(
        actor=actor, action=action, community=community, target=target, post=post, detail=detail[:500]
    )


class Refused(PermissionDenied):
    """A refused attempt. Its audit entry is written at once, and written again by `atomic` below
    when the rollback of the refused service took it away (a savepoint is not a transaction of its own).
    A caller that wraps services in its own transaction calls `record()` after its rollback too."""

    def __init__(self, message: str, entry: dict):
        super().__init__(message)
        self.entry = entry
        self.entry_id: int | None = None

    def record(self) -> None:
        if self.entry_id is None or not AuditEntry.objects.filter(pk=self.entry_id).exists():
            self.entry_id = AuditEntry.objects.create(**self.entry).pk


def refuse(actor, action: str, message: str, **where) -> Refused:
    """Record a refused attempt in the audit log, then refuse (raise what this returns)."""
    AuditEntry.Action(action)
    refusal = Refused(
        message, {"actor": actor, "action": f"refused:{action}", "detail": str(message)[:500], **where}
    )
    refusal.record()
    return refusal


def atomic(func):
    """transaction.atomic, and the refusals it rolled back are written again: they stay in the log."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except Refused as refusal:
            refusal.record()
            raise

    return wrapper


GOVERNANCE_FIELDS = ("creation_policy", "private_share_max", "private_per_creator_max")


@atomic
def governance_update(*, by: User, **fields) -> CommunitySettings:
    """Change the company-wide governance settings and write the change to the audit log, together."""
    if not policies.can_govern(by):
        raise refuse(by, "settings_update", _("Only administrators change the governance settings."))
    unknown = set(fields) - set(GOVERNANCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown governance settings: {sorted(unknown)}")
    if fields.get("private_share_max", 0) > 100:
        raise ValidationError({"private_share_max": _("A share is at most 100%.")})
    rules = CommunitySettings.current()
    changed = [name for name in GOVERNANCE_FIELDS if name in fields and getattr(rules, name) != fields[name]]
    for name in changed:
        setattr(rules, name, fields[name])
    rules.full_clean()
    if changed:
        rules.save(update_fields=changed)
        audit(by, "settings_update", detail=", ".join(changed))
    return rules
