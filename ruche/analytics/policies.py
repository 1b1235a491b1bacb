"""Who may see which analytics figures (docs/analytics.md): aggregates only, never what one person
did, except to that person."""

from django.conf import settings


def group_too_small(people: int) -> bool:
    """A figure about fewer people than RUCHE_ANALYTICS_MIN_GROUP (but some) is shown as "fewer
    than N": a small department's figure would tell what its few members did."""
    return 0 < people < settings.ANALYTICS_MIN_GROUP


def can_view_activity_of(viewer, person) -> bool:
    """One person's own figures are theirs alone: not their manager's, not an administrator's."""
    return viewer.is_authenticated and viewer.pk == person.pk
