"""Who may exercise which personal data right on whom: a person reads their own export, nobody
else; an administrator erases someone else's data."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.accounts.policies import is_admin
from ruche.core.media import Served
from ruche.privacy.models import DataExport


def readable_export(user, name: str) -> Served | None:
    """An export's file (register_media("exports")): its owner only, while it is ready; anyone
    else is answered 404, as for a file that does not exist."""
    if not _ready(user).filter(file=name).exists():
        return None
    return served_export(user)


def served_export(user) -> Served:
    """How the ZIP is sent: a download named after its owner."""
    return Served(filename=f"ruche-data-{user.handle}.zip", inline=False, content_type="application/zip")


def access_ready_export(user) -> DataExport:
    """The person's own ready export (the API's download); none is a 404."""
    export = _ready(user).order_by("-id").first()
    if export is None:
        raise Http404
    return export


def _ready(user):
    return DataExport.objects.filter(
        user_id=user.pk, status=DataExport.Status.READY, expires_at__gt=timezone.now()
    )


def _last_admin(target) -> bool:
    """Erasing them would leave the company with no active administrator."""
    if not (target.is_staff and target.is_active):
        return False
    return not User.objects.filter(is_staff=True, is_active=True).exclude(pk=target.pk).exists()


def can_erase(user, target) -> bool:
    """An administrator erases someone else's personal data, never their own through this page,
    never the last active administrator's, and a person once only."""
    return bool(is_admin(user) and user.pk != target.pk and not target.is_erased and not _last_admin(target))


def erase_refusal(user, target) -> str:
    """Why `can_erase` said no, for the page and the API."""
    if not is_admin(user):
        return _("Only an administrator can erase a person's data.")
    if _last_admin(target):
        return _("This person is the last active administrator: name another administrator first.")
    if user.pk == target.pk:
        return _("You cannot erase your own data from this page: ask another administrator.")
    if target.is_erased:
        return _("This person's data has already been erased.")
    return ""
