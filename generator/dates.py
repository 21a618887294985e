"""Document dates: ISO 8601 and its reduced forms, with EDTF's `?` (uncertain) and `~` (approximate).

`1951`, `1951-10`, `1951-10-18`, `1951-10-18?`, `1951~`, `1951-10%` (both). YAML hands us
unquoted full dates as `datetime.date` and bare years as `int`; both are accepted.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

_EDTF = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<qualifier>[?~%])?$")


class DateProblem(ValueError):
    pass


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day; `None` marks the parts not known."""

    year: int
    month: int | None = None
    day: int | None = None
    uncertain: bool = False
    approximate: bool = False

    @property
    def sort_key(self) -> tuple[int, int, int]:
        # A year alone sorts before its months, a month before its days.
        return (self.year, self.month or 0, self.day or 0)

    @property
    def iso(self) -> str:
        """The date in ISO 8601 form, without qualifiers (for `datetime` attributes and data)."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def edtf(self) -> str:
        qualifier = "%" if self.uncertain and self.approximate else "?" if self.uncertain else "~" if self.approximate else ""
        return self.iso + qualifier

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def display(self) -> str:
        """`18 October 1951`, `October 1951`, `1951`; `?` after an uncertain date, `c.` before an approximate one."""
        if self.day and self.month:
            text = f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        elif self.month:
            text = f"{MONTHS[self.month - 1]} {self.year}"
        else:
            text = str(self.year)
        if self.approximate:
            text = f"c. {text}"
        if self.uncertain:
            text = f"{text}?"
        return text

    def __str__(self) -> str:
        return self.edtf


def parse_date(value: object) -> PartialDate:
    """Turn a front-matter value into a PartialDate, or raise DateProblem saying what is wrong."""
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool) or value is None:
        raise DateProblem("the date is empty")
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise DateProblem("the date must be written like 1951-10-18, 1951-10 or 1951")
    text = value.strip()
    if not text:
        raise DateProblem("the date is empty")
    match = _EDTF.match(text)
    if not match:
        raise DateProblem(f"'{text}' is not a date in the form 1951-10-18, 1951-10 or 1951 (add ? if uncertain, ~ if approximate)")
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if year == 0:  # ISO 8601 has a year 0000, but XML Schema's dates (and so TEI's @when) do not
        raise DateProblem(f"'{text}' has the year 0000, which TEI and XML dates do not allow: the years run from 0001")
    if month is not None and not 1 <= month <= 12:
        raise DateProblem(f"'{text}' has no month {month}: months run from 01 to 12")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateProblem(f"'{text}' is not a real day: {MONTHS[month - 1]} {year} has {last} days")
    qualifier = match["qualifier"] or ""
    return PartialDate(year, month, day, uncertain=qualifier in "?%" and bool(qualifier), approximate=qualifier in "~%" and bool(qualifier))


def parse_timestamp(value: object) -> str:
    """A moment for feeds, from `2026-12-07` or `2026-12-07T10:30:00+01:00` (a time without a zone is UTC), as RFC 3339
    (`2026-12-07T00:00:00Z`); raise DateProblem saying what is wrong."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise DateProblem(f"'{text}' is not a date such as 2026-12-07 or a time such as 2026-12-07T10:30:00Z") from None
    else:
        raise DateProblem("expected a date such as 2026-12-07 or a time such as 2026-12-07T10:30:00Z")
    return rfc3339(moment)


def rfc3339(moment: dt.datetime) -> str:
    """`2026-12-07T10:30:00Z`, or with its offset when it has one other than UTC; a moment without a zone is UTC."""
    if moment.tzinfo is None or moment.utcoffset() == dt.timedelta(0):
        return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    return moment.replace(microsecond=0).isoformat()


def build_time() -> str:
    """The moment of this build, for what must carry one: SOURCE_DATE_EPOCH when it is set, else now (RFC 3339)."""
    return source_date_epoch() or rfc3339(dt.datetime.now(dt.UTC))


def source_date_epoch() -> str | None:
    """SOURCE_DATE_EPOCH, the time reproducible builds give a build, as RFC 3339; None when it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return rfc3339(dt.datetime.fromtimestamp(int(epoch), dt.UTC)) if epoch.isdigit() else None
