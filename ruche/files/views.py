from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.accounts.policies import is_admin
from ruche.core.views import apply_errors
from ruche.files import services
from ruche.files.forms import FileSettingsForm, refuse_cut_off_upload
from ruche.files.models import Attachment, FileSettings


@login_required
@require_POST
def upload(request):
    """One file from the picker: stored, not yet attached. JSON: its id and the chip to show, or the
    reason it was refused (400)."""
    try:
        refuse_cut_off_upload(request)
        upload = request.FILES.get("file")
        if upload is None:
            return JsonResponse({"error": _("Choose a file to attach.")}, status=400)
        attachment = services.attachment_upload(uploader=request.user, upload=upload)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.message_dict.get("file", error.messages))}, status=400)
    html = render_to_string("files/chip.html", {"file": attachment}, using="jinja2")
    return JsonResponse({"id": attachment.pk, "name": attachment.name, "html": html}, status=201)


@login_required
@require_POST
def discard(request, pk: int):
    attachment = Attachment.objects.filter(pk=pk, uploader=request.user, holder_kind="").first()
    if attachment is not None:
        services.attachment_discard(attachment=attachment, by=request.user)
    return JsonResponse({"discarded": attachment is not None})


@login_required
def manage(request):
    """The administrators' page of attachment rules: the largest file, the allowed types."""
    if not is_admin(request.user):
        raise PermissionDenied
    current = FileSettings.current()
    form = FileSettingsForm(
        request.POST or None, initial={"max_size_mb": current.max_size_mb, "groups": current.groups}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.file_settings_update(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            from django.contrib import messages

            messages.success(request, _("The attachment settings are saved."))
            return redirect("files:manage")
    return render(request, "files/manage.html", {"form": form}, status=400 if form.errors else 200)
