"""What a person types to name something, turned into it: one place for the pages' forms and the API.

A handle names a colleague, an id or a slug a community, an id or a name a workflow's stage. An
unknown value, or one the viewer may not know exists (a secret community), is the same
`ValidationError` naming the field: a form shows it next to the field, the API answers 400 with it.
Never a 404 (the page or the endpoint exists: only a value in it is wrong) nor a 500.

Path segments (`/people/<handle>/`, `/posts/<id>/`) are not resolved here: they name the page
itself, and an unknown one is a 404 (`access_person`, `access_post`).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from ruche.accounts.models import PEOPLE, User
from ruche.communities.models import Community
from ruche.communities.selectors import community_for
from ruche.core.ids import parse_id
from ruche.ideas.models import Stage


def _unknown(field: str | None, message: str) -> ValidationError:
    """Named after the field for a service or the API; bare for a form field's own `clean`."""
    error = ValidationError(message, code="unknown")
    return ValidationError({field: error}) if field else error


def handles_in(text: str) -> list[str]:
    """The handles of a free text list: `@marie.dupont, paul` -> ["marie.dupont", "paul"]."""
    return [h.strip().lstrip("@").lower() for h in text.replace(",", " ").split() if h.strip("@ ")]


def people(handles: Iterable[str], *, field: str | None) -> list[User]:
    """Active colleagues by handle (with or without `@`, any case), each once, in the order given."""
    wanted = list(dict.fromkeys(h.strip().lstrip("@").lower() for h in handles if h.strip("@ ")))
    found = {u.handle: u for u in User.objects.filter(PEOPLE, handle__in=wanted, is_active=True)}
    unknown = [h for h in wanted if h not in found]
    if unknown:
        raise _unknown(field, _("Nobody answers to: %(handles)s.") % {"handles": ", ".join(unknown)})
    return [found[h] for h in wanted]


def person(handle: str, *, field: str | None) -> User:
    """One active colleague by handle; an empty value is unknown too."""
    found = people([handle], field=field) if handle.strip("@ ") else []
    if not found:
        raise _unknown(field, _("Nobody answers to: %(handles)s.") % {"handles": handle})
    return found[0]


def community(viewer, key: str | int, *, field: str | None) -> tuple[Community, str | None]:
    """A community by slug or id, with the viewer's role, if it exists for the viewer (a secret one
    they do not belong to is as unknown as a made-up one). Reading its posts is the caller's policy."""
    key = str(key).strip()
    slugs = [key]
    if pk := parse_id(key):
        slugs += Community.objects.filter(pk=pk).values_list("slug", flat=True)
    for slug in slugs:
        try:
            return community_for(viewer, slug)
        except Http404:
            continue
    raise _unknown(field, _("No community answers to “%(key)s”.") % {"key": key})


def stage(workflow_id: int, key: str | int, *, field: str | None) -> Stage:
    """A stage of this workflow by id or by name (any case)."""
    key = str(key).strip()
    stages = Stage.objects.filter(workflow_id=workflow_id)
    found = stages.filter(pk=pk).first() if (pk := parse_id(key)) else None
    found = found or stages.filter(name__iexact=key).first()
    if found is None:
        raise _unknown(field, _("This campaign's workflow has no such stage."))
    return found
