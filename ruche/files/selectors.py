"""Reads of attachments for display: a page's worth in one query."""

from collections import defaultdict

from ruche.files.models import Attachment


def attachments_of(kind: str, ids) -> dict[int, list[Attachment]]:
    """The attachments of these holders, in their order, by holder id (one query). The caller has
    already checked that the viewer may read the holders."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        rows = Attachment.objects.filter(holder_kind=kind, holder_id__in=list(ids)).order_by(
            "holder_id", "position"
        )
        for attachment in rows:
            found[attachment.holder_id].append(attachment)
    return found


def waiting_uploads(user, ids) -> list[Attachment]:
    """The uploads of `user` among `ids` (a refused form shows them again, in their order), plus
    those already attached to the holder being edited, when given through `ids` too."""
    if not ids:
        return []
    ids = [int(i) for i in ids if str(i).isdigit()][:20]
    found = {a.pk: a for a in Attachment.objects.filter(pk__in=ids, uploader=user)}
    return [found[i] for i in ids if i in found]
