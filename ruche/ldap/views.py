from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.ldap import policies, selectors, services


def _admins_only(request):
    if not policies.can_manage_ldap(request.user):
        raise PermissionDenied


@login_required
def manage(request):
    """The directory sync as administrators follow it: its settings, its last runs and reports."""
    _admins_only(request)
    context = {"config": selectors.configuration(), "runs": selectors.recent_runs()}
    return render(request, "ldap/manage.html", context)


@login_required
@require_POST
def run(request):
    """Queue a dry run (`dry_run`) or a sync for the worker; its report appears on the page."""
    _admins_only(request)
    dry_run = "dry_run" in request.POST
    if not services.ldap_sync_request(actor=request.user, dry_run=dry_run):
        messages.error(request, _("No directory is configured: set RUCHE_LDAP_URL first (docs/ldap.md)."))
    elif dry_run:
        messages.success(
            request, _("The dry run is queued: its report appears below once the worker has run it.")
        )
    else:
        messages.success(
            request, _("The sync is queued: its report appears below once the worker has run it.")
        )
    return redirect("ldap:admin")
