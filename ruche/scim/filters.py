"""SCIM filters (RFC 7644 §3.4.2.2) as SQL: scim2-models parses a filter, this visitor turns its tree
into a Django `Q` over the attributes Ruche stores in columns. An expression naming anything else
(a value selection such as `emails[type eq "work"]`) raises `Unmapped`, and the caller evaluates the
filter in memory with scim2-models' own `match` instead: slower, never wrong."""

from datetime import datetime
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from scim2_models.path import CompareOperator, FilterVisitor

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user"

# SCIM attribute (lower case) → (ORM lookup, kind). Kinds: "ci" text compared case-insensitively,
# "cs" case-exact text, "bool", "date", "id" (a SCIM id that is the primary key), "username" (as
# "ci", but `eq`, what every identity provider asks before creating someone, uses two indexes).
USER_FIELDS = {
    "id": ("pk", "id"),
    "username": ("scim_user_name", "username"),
    "emails": ("email", "ci"),
    "emails.value": ("email", "ci"),
    "externalid": ("directory_id", "cs"),
    "name.givenname": ("first_name", "ci"),
    "name.familyname": ("last_name", "ci"),
    "displayname": ("scim_display_name", "ci"),
    "title": ("profile__job_title", "ci"),
    "active": ("is_active", "bool"),
    "preferredlanguage": ("language", "ci"),
    "phonenumbers": ("profile__phone", "ci"),
    "phonenumbers.value": ("profile__phone", "ci"),
    "addresses.locality": ("profile__site__name", "ci"),
    "meta.created": ("date_joined", "date"),
    "meta.lastmodified": ("scim_last_modified", "date"),
    f"{ENTERPRISE}:department": ("profile__department__name", "ci"),
    f"{ENTERPRISE}:employeenumber": ("scim__employee_number", "ci"),
    f"{ENTERPRISE}:manager.value": ("profile__manager_id", "id"),
    f"{ENTERPRISE}:manager": ("profile__manager_id", "id"),
}

TEXT_LOOKUPS = {
    CompareOperator.eq: "iexact",
    CompareOperator.co: "icontains",
    CompareOperator.sw: "istartswith",
    CompareOperator.ew: "iendswith",
}
ORDER_LOOKUPS = {
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


class Unmapped(Exception):
    """The filter names something Ruche has no column for: evaluate it in memory."""


def _key(attr_path) -> str:
    name = attr_path.attr + (f".{attr_path.sub_attr}" if attr_path.sub_attr else "")
    uri = (attr_path.uri or "").lower()
    return (f"{uri}:{name}" if uri and uri != CORE_USER else name).lower()


class ToQ(FilterVisitor[Q]):
    def __init__(self, fields: dict[str, tuple[str, str]]):
        self.fields = fields

    def _field(self, attr_path) -> tuple[str, str]:
        try:
            return self.fields[_key(attr_path)]
        except KeyError:
            raise Unmapped(str(attr_path)) from None

    def visit_comparison(self, node) -> Q:
        lookup, kind = self._field(node.attr_path)
        op, value = node.op, node.value
        if kind == "username":
            if op == CompareOperator.eq and isinstance(value, str):
                lowered = value.lower()
                kept_as = Q(scim_user_name_lower=lowered)  # the unique index on lower(user_name)
                address = Q(email=lowered) & (Q(scim__isnull=True) | Q(scim__user_name=""))
                return kept_as | address
            kind = "ci"
        if op == CompareOperator.ne:
            return ~self.visit_comparison(type(node)(node.attr_path, CompareOperator.eq, value))
        if value is None:
            return Q(**{f"{lookup}__isnull": True}) if kind != "ci" else Q(**{lookup: ""})
        if kind == "id":
            value = str(value)
            if not value.isdigit() or len(value) > 18:
                return Q(pk__in=[])
            value = int(value)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise Unmapped(str(node))
        elif kind == "date":
            value = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if op in ORDER_LOOKUPS:
            return Q(**{f"{lookup}__{ORDER_LOOKUPS[op]}": value})
        if kind == "ci":
            return Q(**{f"{lookup}__{TEXT_LOOKUPS[op]}": str(value)})
        if op == CompareOperator.eq:
            return Q(**{lookup: value})
        if kind == "cs":
            return Q(**{f"{lookup}__{TEXT_LOOKUPS[op][1:]}": str(value)})
        raise Unmapped(str(node))

    def visit_present(self, node) -> Q:
        lookup, kind = self._field(node.attr_path)
        present = ~Q(**{f"{lookup}__isnull": True})
        return present & ~Q(**{lookup: ""}) if kind in ("ci", "cs") else present

    def visit_not(self, node) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node) -> Q:
        return reduce(and_ if node.op.value == "and" else or_, (self.visit(term) for term in node.terms))

    def visit_value_path(self, node) -> Q:
        raise Unmapped(str(node))


def to_q(ast, fields: dict[str, tuple[str, str]]) -> Q:
    return ToQ(fields).visit(ast)
