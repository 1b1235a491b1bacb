"""Whose figures a dashboard shows: the whole company, or the people of a department and/or a site
(their current department and site: the facts do not copy them, docs/analytics.md)."""

from dataclasses import dataclass

from django.db.models import Q

from ruche.accounts.models import Department, Site


@dataclass(frozen=True)
class Scope:
    department: Department | None = None
    site: Site | None = None

    @property
    def is_company(self) -> bool:
        return self.department is None and self.site is None

    def people(self, prefix: str = "") -> Q:
        """The condition on users (or on rows reaching a user through `prefix`, e.g. "user__"): people
        only, never an integration's account (ruche.integrations), whose posts are a tool's."""
        condition = Q(**{f"{prefix}is_bot": False})
        if self.department is not None:
            condition &= Q(**{f"{prefix}profile__department": self.department})
        if self.site is not None:
            condition &= Q(**{f"{prefix}profile__site": self.site})
        return condition

    @property
    def label(self) -> str:
        return " · ".join(str(unit) for unit in (self.department, self.site) if unit is not None)

    def query(self) -> dict[str, int]:
        """For links and exports: the same scope as query parameters."""
        return {
            name: unit.pk for name, unit in (("department", self.department), ("site", self.site)) if unit
        }
