"""How attachments are written on pages (Jinja2 filters and globals, see ruche/web/jinja.py)."""

import time
from urllib.parse import quote

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ruche.files.models import FileSettings
from ruche.files.services import accepted_types
from ruche.files.types import TYPES

_LABELS = {t.content_type: t.label for t in TYPES.values()}


def media_url(name: str) -> str:
    """The address of a stored file: always Ruche's own media view, which checks the reader, whatever
    the storage (a bucket's own addresses are never given out)."""
    return settings.MEDIA_URL + quote(name)


def filesize(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(n)s KB") % {"n": number_format(max(1, round(size / 1024)))}
    return _("%(n)s MB") % {"n": number_format(size / (1024 * 1024), 1)}


def file_label(content_type: str) -> str:
    return _LABELS.get(content_type, _("File"))


def attach_rules() -> dict:
    """What the picker tells the browser: accepted extensions, the size limit. A page draws a picker
    in every card's reply form: the rules are read once per second at most in a process."""
    now = time.monotonic()
    if _rules_memo and _rules_memo[0] > now:
        return _rules_memo[1]
    rules = FileSettings.current()
    found = {"accept": accepted_types(rules), "max_bytes": rules.max_bytes, "max_size_mb": rules.max_size_mb}
    _rules_memo[:] = [now + 1, found]
    return found


_rules_memo: list = []
