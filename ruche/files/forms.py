"""What a form that carries attachments sends: the ids of files already uploaded by the picker
(`attachments`), and, from a browser without JavaScript, the files themselves (`files`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ruche.files.models import FileSettings
from ruche.files.names import clean_name
from ruche.files.services import attachment_upload


def attachment_ids(request) -> list[int]:
    """The ids to attach, in order: those the picker uploaded, then the files sent with the form
    (uploaded now; a refused one raises its ValidationError, and nothing is published)."""
    refuse_cut_off_upload(request)
    ids = [int(v) for v in request.POST.getlist("attachments") if v.isdigit() and len(v) < 19]
    for upload in request.FILES.getlist("files"):
        ids.append(attachment_upload(uploader=request.user, upload=upload).pk)
    return ids


def refuse_cut_off_upload(request) -> None:
    """A file over the size limit stopped the reading of the request (ruche.files.uploads): say so,
    rather than act on a form read only in part."""
    request.FILES  # noqa: B018 - reading the body is what runs the upload handlers
    if name := getattr(request, "ruche_upload_too_large", None):
        raise ValidationError(
            {"file": _("“%(name)s” is too large: %(max)d MB at most.")
             % {"name": clean_name(name)[0], "max": FileSettings.current().max_size_mb}}
        )  # fmt: skip


class FileSettingsForm(forms.Form):
    max_size_mb = forms.IntegerField(label=_("Largest file (MB)"), min_value=1, max_value=200)
    groups = forms.MultipleChoiceField(
        label=_("Allowed types"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one type of file.")},
    )

    def __init__(self, *args, **kwargs):
        from ruche.files.types import GROUPS

        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = list(GROUPS.items())
