"""The period a dashboard covers, and the previous period it is compared with."""

import datetime
from dataclasses import dataclass

PRESETS = (7, 28, 90)
DEFAULT_DAYS = 28
MAX_DAYS = 731  # two years: the facts are kept 25 months (docs/analytics.md)


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included (the company's local days, like the facts)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last(cls, days: int, today: datetime.date) -> "Period":
        return cls(today - datetime.timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The same number of days just before: what the period is compared with."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def each_day(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=n) for n in range(self.days)]

    def ending(self, days: int) -> "Period":
        """The last `days` days of this period's end (a week or 28 days: weekly, monthly actives)."""
        return Period.last(days, self.end)
