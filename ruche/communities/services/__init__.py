"""Writes on communities, by concern: the audit log and refusals (`audit`), a community's life
(`lifecycle`), memberships and directory rules (`membership`), posts in communities and their
moderation (`moderation`), reports (`reports`). Callers import them from here:
`from ruche.communities import services; services.community_join(...)`."""

from ruche.communities.services.audit import Refused, atomic, audit, governance_update, refuse
from ruche.communities.services.lifecycle import (
    COMPANY_WIDE_SLUG,
    community_approve_creation,
    community_archive,
    community_create,
    community_update,
    company_wide_community,
)
from ruche.communities.services.membership import (
    _add_member,
    _remove_member,
    community_invite,
    community_join,
    community_leave,
    invitation_answer,
    join_request_create,
    join_request_decide,
    member_counts_refresh,
    member_remove,
    member_set_role,
    rule_add,
    rule_remove,
    rules_apply,
    rules_apply_to_user,
)
from ruche.communities.services.moderation import (
    HEALTH_EVERY,
    placement_decide,
    placement_pin,
    placements_for,
    post_hide,
    reply_decide,
    reply_waits,
    touch,
)
from ruche.communities.services.reports import report_create, report_dismiss

__all__ = [
    "COMPANY_WIDE_SLUG",
    "HEALTH_EVERY",
    "Refused",
    "_add_member",
    "_remove_member",
    "atomic",
    "audit",
    "community_approve_creation",
    "community_archive",
    "community_create",
    "community_invite",
    "community_join",
    "community_leave",
    "community_update",
    "company_wide_community",
    "governance_update",
    "invitation_answer",
    "join_request_create",
    "join_request_decide",
    "member_counts_refresh",
    "member_remove",
    "member_set_role",
    "placement_decide",
    "placement_pin",
    "placements_for",
    "post_hide",
    "refuse",
    "reply_decide",
    "reply_waits",
    "report_create",
    "report_dismiss",
    "rule_add",
    "rule_remove",
    "rules_apply",
    "rules_apply_to_user",
    "touch",
]
