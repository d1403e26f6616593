"""EventBridge schedule expressions: `rate(...)` and `cron(...)` parsing and next fire times (UTC)."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

__all__ = ["CronSchedule", "RateSchedule", "Schedule", "ScheduleError", "parse"]


class ScheduleError(ValueError):
    """The expression is not one AWS accepts (AWS answers `Parameter ScheduleExpression is not valid.`)."""


_RATE_RE = re.compile(r"rate\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\)")
_CRON_RE = re.compile(r"cron\(([^()]*)\)")
_DIGITS_RE = re.compile(r"[0-9]+")

_JAVA_INT_MAX = 2**31 - 1  # the service reads the rate value as a Java int

_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

_MONTH_NAMES = {name: i for i, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
_DAY_NAMES = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}

MIN_YEAR = 1970
MAX_YEAR = 2199


def parse(expression: str) -> Schedule:
    """Parse a ScheduleExpression exactly as AWS spells it; raise ScheduleError otherwise."""
    if not isinstance(expression, str):
        raise ScheduleError(f"schedule expression must be a string, not {type(expression).__name__}")
    if expression.startswith("rate("):
        return _parse_rate(expression)
    if expression.startswith("cron("):
        return _parse_cron(expression)
    raise ScheduleError(f"not a rate(...) or cron(...) expression: {expression!r}")


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule expression."""

    expression: str

    def next_fire(self, after: datetime, anchor: datetime) -> datetime | None:
        """The first fire time strictly after `after`, or None when there is none.

        `anchor` is when the rule was put or enabled; only rate schedules use it.
        Naive datetimes are taken as UTC; the result is UTC.
        """
        raise NotImplementedError

    def count_fires(self, first: datetime, until: datetime, anchor: datetime) -> int:
        """How many fire times lie in [`first`, `until`], `first` being one (counted, not listed)."""
        raise NotImplementedError


@dataclass(frozen=True)
class RateSchedule(Schedule):
    """`rate(N unit)`: fires at anchor + k * period for k >= 1."""

    value: int
    unit: str  # singular: minute, hour or day

    @property
    def period(self) -> timedelta:
        return timedelta(seconds=self.value * _UNIT_SECONDS[self.unit])

    def next_fire(self, after: datetime, anchor: datetime) -> datetime | None:
        after, anchor = _as_utc(after), _as_utc(anchor)
        try:
            period = self.period
            if after < anchor:
                return anchor + period
            return anchor + ((after - anchor) // period + 1) * period
        except OverflowError:  # after the year 9999: never, for a clock
            return None

    def count_fires(self, first: datetime, until: datetime, anchor: datetime) -> int:
        first, until = _as_utc(first), _as_utc(until)
        if until < first:
            return 0
        return (until - first) // self.period + 1


def _parse_rate(expression: str) -> RateSchedule:
    match = _RATE_RE.fullmatch(expression)
    if match is None:
        raise ScheduleError(f"malformed rate expression: {expression!r}")
    value, unit = int(match.group(1)), match.group(2)
    if value > _JAVA_INT_MAX:
        raise ScheduleError(f"rate value {value} is larger than AWS reads")
    plural = unit.endswith("s")
    if (value == 1) == plural:
        raise ScheduleError(f"rate value {value} needs the {'singular' if value == 1 else 'plural'} unit")
    return RateSchedule(expression=expression, value=value, unit=unit.rstrip("s"))


# Day-of-month / day-of-week rules: each maps (first weekday of the month as AWS numbers it, days in
# month) to the matching days of that month. AWS numbers weekdays 1 = SUN ... 7 = SAT.
DayRule = Callable[[int, int], list[int]]


def _aws_weekday(first_dow: int, day: int) -> int:
    return (first_dow - 1 + day - 1) % 7 + 1


def _dom_values(values: frozenset[int]) -> DayRule:
    ordered = sorted(values)
    return lambda first_dow, ndays: [d for d in ordered if d <= ndays]


def _dom_last(first_dow: int, ndays: int) -> list[int]:
    return [ndays]


def _weekday_near(day: int, first_dow: int, ndays: int) -> int:
    """The weekday (MON-FRI) nearest `day` without leaving the month."""
    dow = _aws_weekday(first_dow, day)
    if dow == 7:  # Saturday: the Friday before, or the Monday after when the 1st is a Saturday
        return day + 2 if day == 1 else day - 1
    if dow == 1:  # Sunday: the Monday after, or the Friday before when it ends the month
        return day - 2 if day == ndays else day + 1
    return day


def _dom_last_weekday(first_dow: int, ndays: int) -> list[int]:
    return [_weekday_near(ndays, first_dow, ndays)]


def _dom_nearest_weekday(day: int) -> DayRule:
    # A day past the end of the month (31W in April) matches nothing that month.
    return lambda first_dow, ndays: [_weekday_near(day, first_dow, ndays)] if day <= ndays else []


def _dow_values(values: frozenset[int]) -> DayRule:
    return lambda first_dow, ndays: [d for d in range(1, ndays + 1) if _aws_weekday(first_dow, d) in values]


def _dow_last(weekday: int) -> DayRule:
    def rule(first_dow: int, ndays: int) -> list[int]:
        last = ndays - (_aws_weekday(first_dow, ndays) - weekday) % 7
        return [last]
    return rule


def _dow_nth(weekday: int, nth: int) -> DayRule:
    def rule(first_dow: int, ndays: int) -> list[int]:
        day = 1 + (weekday - first_dow) % 7 + 7 * (nth - 1)
        return [day] if day <= ndays else []
    return rule


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int] = field(default_factory=dict)
    max_step: int | None = None
    wraps: bool = True
    """Whether a range whose start is after its end runs past the field's end to its start."""


_MINUTES = _Field("minutes", 0, 59, max_step=59)
_HOURS = _Field("hours", 0, 23, max_step=23)
_DOM = _Field("day-of-month", 1, 31, max_step=31)
_MONTHS = _Field("month", 1, 12, _MONTH_NAMES, max_step=12)
_DOW = _Field("day-of-week", 1, 7, _DAY_NAMES, max_step=7)
_YEARS = _Field("year", MIN_YEAR, MAX_YEAR, wraps=False)


def _number(text: str, what: str) -> int:
    if not _DIGITS_RE.fullmatch(text):
        raise ScheduleError(f"{what}: {text!r} is not a number")
    return int(text)


def _value(text: str, spec: _Field) -> int:
    value = spec.names[text] if text in spec.names else _number(text, spec.name)
    if not spec.low <= value <= spec.high:
        raise ScheduleError(f"{spec.name}: {value} is outside {spec.low}-{spec.high}")
    return value


def _values(text: str, spec: _Field) -> frozenset[int]:
    """A field of `,`-separated items, each `*`, `v`, `a-b`, optionally followed by `/step`.

    A range whose start is after its end wraps around the field's cycle: hours `20-2` are
    20-23 and 0-2 (AWS's own example, `cron(0/30 20-2 ? * MON-FRI *)`, in the EventBridge user
    guide's schedule expressions page), `FRI-MON` is FRI, SAT, SUN, MON; a step counts on across
    the wrap (`22-3/2` is 22, 0, 2). Years have no cycle, so a backward year range is refused.
    """
    result: set[int] = set()
    for item in text.split(","):
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            step = _number(step_text, spec.name)
            if step < 1 or (spec.max_step is not None and step > spec.max_step):
                raise ScheduleError(f"{spec.name}: increment {step} is out of range")
        if base == "*":
            start, end = spec.low, spec.high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _value(first, spec), _value(last, spec)
            if start > end:
                if not spec.wraps:
                    raise ScheduleError(f"{spec.name}: range {base!r} runs backwards")
                cycle = [*range(start, spec.high + 1), *range(spec.low, end + 1)]
                result.update(cycle[::step])
                continue
        else:
            start = _value(base, spec)
            end = spec.high if slash else start
        result.update(range(start, end + 1, step))
    return frozenset(result)


def _day_of_month(text: str) -> DayRule:
    if text == "L":
        return _dom_last
    if text == "LW":
        return _dom_last_weekday
    if text.endswith("W"):
        return _dom_nearest_weekday(_value(text[:-1], _DOM))
    return _dom_values(_values(text, _DOM))


def _day_of_week(text: str) -> DayRule:
    if text == "L":
        return _dow_values(frozenset({7}))
    if text.endswith("L"):
        return _dow_last(_value(text[:-1], _DOW))
    if "#" in text:
        weekday, _, nth = text.partition("#")
        count = _number(nth, _DOW.name)
        if not 1 <= count <= 5:
            raise ScheduleError(f"day-of-week: #{count} must be 1-5")
        return _dow_nth(_value(weekday, _DOW), count)
    return _dow_values(_values(text, _DOW))


@dataclass(frozen=True)
class CronSchedule(Schedule):
    """`cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC."""

    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    days: DayRule = field(compare=False, repr=False)

    def next_fire(self, after: datetime, anchor: datetime) -> datetime | None:
        try:
            start = _as_utc(after).replace(second=0, microsecond=0) + timedelta(minutes=1)
        except OverflowError:  # after the last minute of the year 9999: never, for a clock
            return None
        # Walk the fields from the year down; once a field passes its value in `start`, the
        # smaller fields are free to take their first allowed values.
        for year in self.years[bisect_left(self.years, start.year):]:
            exact = year == start.year
            for month in self.months:
                if exact and month < start.month:
                    continue
                exact_month = exact and month == start.month
                first_dow = (calendar.weekday(year, month, 1) + 1) % 7 + 1
                for day in self.days(first_dow, calendar.monthrange(year, month)[1]):
                    if exact_month and day < start.day:
                        continue
                    exact_day = exact_month and day == start.day
                    for hour in self.hours:
                        if exact_day and hour < start.hour:
                            continue
                        exact_hour = exact_day and hour == start.hour
                        for minute in self.minutes:
                            if exact_hour and minute < start.minute:
                                continue
                            return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)
        return None

    def count_fires(self, first: datetime, until: datetime, anchor: datetime) -> int:
        first, until = _as_utc(first), _as_utc(until)
        if until < first:
            return 0
        times = sorted(hour * 60 + minute for hour in self.hours for minute in self.minutes)
        start_minute = first.hour * 60 + first.minute + (1 if first.second or first.microsecond else 0)
        end_minute = until.hour * 60 + until.minute
        total = 0
        # Day by day across the matching days: whole days count every time of day, the first
        # and last day only the times within the span.
        for year in self.years[bisect_left(self.years, first.year):]:
            if year > until.year:
                break
            for month in self.months:
                if (year, month) < (first.year, first.month) or (year, month) > (until.year, until.month):
                    continue
                first_dow = (calendar.weekday(year, month, 1) + 1) % 7 + 1
                for day in self.days(first_dow, calendar.monthrange(year, month)[1]):
                    date = (year, month, day)
                    if date < (first.year, first.month, first.day) or date > (until.year, until.month, until.day):
                        continue
                    low = start_minute if date == (first.year, first.month, first.day) else 0
                    high = end_minute if date == (until.year, until.month, until.day) else 24 * 60
                    total += bisect_right(times, high) - bisect_left(times, low)
        return total


def _parse_cron(expression: str) -> CronSchedule:
    match = _CRON_RE.fullmatch(expression)
    if match is None:
        raise ScheduleError(f"malformed cron expression: {expression!r}")
    fields = match.group(1).split(" ")
    if len(fields) != 6:
        raise ScheduleError(f"cron needs 6 fields separated by single spaces, got {expression!r}")
    minutes, hours, dom, months, dow, years = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError("exactly one of day-of-month and day-of-week must be '?'")
    days = _day_of_week(dow) if dom == "?" else _day_of_month(dom)
    return CronSchedule(
        expression=expression,
        minutes=tuple(sorted(_values(minutes, _MINUTES))),
        hours=tuple(sorted(_values(hours, _HOURS))),
        months=tuple(sorted(_values(months, _MONTHS))),
        years=tuple(sorted(_values(years, _YEARS))),
        days=days,
    )
