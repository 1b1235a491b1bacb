"""Writes of the administrators' pages that span apps: the company-wide roles are flags on the
person (accounts) and the innovation managers' table (ideas, a layer above accounts). Here, above
both, one call gives or takes any of them; each app's own service checks, writes and logs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ruche.accounts.admin_actions import ROLES
from ruche.accounts.models import User
from ruche.accounts.services import ROLES as ACCOUNT_ROLES
from ruche.accounts.services import user_set_roles
from ruche.ideas.services import innovation_manager_set


@transaction.atomic
def role_set(*, user: User, by: User, role: str, on: bool) -> None:
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role.")})
    if user.pk == by.pk:
        raise ValidationError({"person": _("Nobody changes their own roles: ask another administrator.")})
    if role in ACCOUNT_ROLES:
        user_set_roles(user=user, by=by, **{role: on})
    else:
        innovation_manager_set(user=user, by=by, on=on)
