"""Reports: a colleague flags a post, a reply or a person; moderators or admins dismiss them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities import policies
from ruche.communities.models import Report
from ruche.communities.selectors import role_of
from ruche.communities.services.audit import atomic, audit, refuse


@atomic
def report_create(*, by: User, reason: str, post=None, person: User | None = None) -> Report:
    """Flag a post, a reply or a person. The report goes to the community's moderators and admins."""
    from ruche.posts.policies import can_view_post

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong, so moderators can act.")})
    if post is not None and not can_view_post(by, post):
        raise PermissionDenied
    community = None
    if post is not None:
        root = post.parent or post
        placement = root.placements.select_related("community").first()
        community = placement.community if placement else None
    report = Report.objects.create(
        reporter=by, post=post, person=person, community=community, reason=reason[:500]
    )
    audit(
        by,
        "report",
        community=community,
        post=post,
        target=person or (post.author if post else None),
        detail=reason,
    )
    return report


@atomic
def report_dismiss(*, report: Report, by: User) -> Report:
    community = report.community
    from ruche.accounts.policies import is_admin

    if not (is_admin(by) or (community and policies.can_moderate(by, community, role_of(by, community)))):
        raise refuse(by, "report_dismiss", _("You do not moderate this report."), community=community)
    report.resolved_at, report.resolved_by = timezone.now(), by
    report.save(update_fields=["resolved_at", "resolved_by"])
    audit(by, "report_dismiss", community=community, post=report.post, target=report.person)
    return report
