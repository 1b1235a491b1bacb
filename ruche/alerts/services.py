"""Keyword alerts: saved by anyone, matched against each new post by its words in one query; the
notification (ruche.notifications) then checks, as for any, that the person may read the post."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils.translation import gettext as _

from ruche.alerts import policies
from ruche.alerts.models import Alert, AlertTerm
from ruche.alerts.words import stem, words
from ruche.communities.selectors import role_of
from ruche.search.query import QueryError, parse

MAX_ALERTS = 50


@transaction.atomic
def alert_create(*, user, query: str, community=None) -> Alert:
    try:
        terms = sorted({stem(word) for word in parse(query, prefix_last=False).words})
    except QueryError as error:
        raise ValidationError({"query": str(error)}) from None
    if community is not None and not policies.can_watch_community(user, community, role_of(user, community)):
        raise ValidationError({"community": _("You can only watch a community you can read.")})
    mine = Alert.objects.select_for_update().filter(user=user)
    if mine.count() >= MAX_ALERTS:
        raise ValidationError(
            {"query": _("You have %(max)d alerts: remove one first.") % {"max": MAX_ALERTS}}
        )
    for alert in mine.filter(community=community).prefetch_related("terms"):
        if sorted(t.term for t in alert.terms.all()) == terms:
            raise ValidationError({"query": _("You already have this alert.")})
    alert = Alert.objects.create(
        user=user, query=" ".join(query.split())[:200], community=community, term_count=len(terms)
    )
    AlertTerm.objects.bulk_create([AlertTerm(alert=alert, term=term) for term in terms])
    return alert


def alert_delete(*, user, alert_id: int) -> None:
    """Only one's own: someone else's alert is answered as one that does not exist."""
    deleted, _rows = Alert.objects.filter(user=user, pk=alert_id).delete()
    if not deleted:
        raise Http404


def alerts_matching(post) -> dict[int, Alert]:
    """The alerts `post` matches, one per person (its author's own left out): all of an alert's
    words are in the post, and the post is in the alert's community when it names one."""
    post_words = words(post.body)
    if not post_words:
        return {}
    complete = (
        AlertTerm.objects.filter(term__in=post_words)
        .values("alert_id")
        .annotate(found=Count("pk"))
        .filter(found=F("alert__term_count"))
        .values("alert_id")
    )
    root_id = post.parent_id or post.pk
    where = Q(community=None) | Q(community__placements__post_id=root_id)
    alerts = (
        Alert.objects.filter(pk__in=complete).filter(where).exclude(user_id=post.author_id).order_by("pk")
    )
    matched: dict[int, Alert] = {}
    for alert in alerts:
        matched.setdefault(alert.user_id, alert)
    return matched
