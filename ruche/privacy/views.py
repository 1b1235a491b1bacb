"""My data: a person's export of everything Ruche holds about them, and their sign-in history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.privacy import selectors
from ruche.privacy.services.export import export_days, export_request

# Access and portability (the export). The erasure's views are below, apart.


def _export_context(user) -> dict:
    return {"export": selectors.latest_export(user=user), "days": export_days()}


@login_required
def my_data(request):
    context = _export_context(request.user) | {"signins": selectors.my_signins(user=request.user)}
    return render(request, "privacy/my_data.html", context)


@login_required
def export_state(request):
    """The export's card alone: the page polls it while the export is being prepared."""
    return render(request, "privacy/_export.html", _export_context(request.user))


@login_required
@require_POST
def export_ask(request):
    try:
        export_request(user=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your export is being prepared; we'll tell you when it's ready."))
    return redirect("privacy:my_data")
