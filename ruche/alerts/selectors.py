from django.db.models import Q

from ruche.alerts.models import Alert
from ruche.communities.models import Community
from ruche.communities.policies import listed_communities
from ruche.core.ids import parse_id


def alerts_of(user) -> list[Alert]:
    return list(Alert.objects.filter(user=user).select_related("community").order_by("query", "pk"))


def watchable_communities(user, also=None):
    """The communities an alert may name in the form: the person's own and the public ones (and
    `also`, the one a search was narrowed to, if they may know of it)."""
    where = Q(memberships__user=user) | Q(visibility=Community.Visibility.PUBLIC)
    if (community_id := parse_id(also)) is not None:
        where |= Q(pk=community_id)
    return listed_communities(
        user, Community.objects.filter(where).distinct().only("pk", "name").order_by("name")
    )
