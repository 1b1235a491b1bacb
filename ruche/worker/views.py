from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ruche.worker import policies, selectors, services


def _admins_only(request):
    if not policies.can_manage_tasks(request.user):
        raise PermissionDenied


@login_required
def tasks(request):
    """The background work as administrators follow it: the queue, what runs, what failed and why."""
    _admins_only(request)
    context = {
        "figures": selectors.queue_figures(),
        "failed": selectors.failed_tasks(),
        "running": selectors.running_tasks(),
    }
    return render(request, "worker/tasks.html", context)


@login_required
@require_POST
def retry(request):
    """Send one failed task (`task`) or all of them (`all`) back to the queue."""
    _admins_only(request)
    if "all" in request.POST:
        count = services.tasks_retry_failed()
    else:
        try:
            pk = int(request.POST.get("task", ""))
        except ValueError:
            pk = 0
        count = int(services.task_retry(pk=pk)) if 0 < pk < 2**63 else 0
    if count:
        messages.success(
            request,
            ngettext("%(count)s task is back in the queue.", "%(count)s tasks are back in the queue.", count)
            % {"count": count},
        )
    else:
        messages.error(request, _("Nothing to retry: the task is no longer in the failed list."))
    return redirect("worker:tasks")
