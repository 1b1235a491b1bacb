from django.tasks import task

from ruche.accounts.models import User
from ruche.communities import health, services
from ruche.communities.models import Community


@task()
def apply_rules_to_user(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).select_related("profile").first()
    if user is not None:
        services.rules_apply_to_user(user)


@task()
def refresh_health(community_id: int | None = None) -> int:
    """Roll the health figures up (one community, or all): pages read them, never recount them."""
    communities = Community.objects.filter(pk=community_id) if community_id else Community.objects.all()
    return sum(1 for community in communities.iterator() if health.refresh(community))
