"""Unit tests for mock_events.schedule."""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_events.schedule import CronSchedule, RateSchedule, ScheduleError, parse
from conftest import profile_examples

UTC = timezone.utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


ANCHOR = utc(2024, 1, 1)

# eventbridge-facts.md section 5
ACCEPTED_FACTS = [
    "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(1 day)",
    "cron(0 2 ? * SAT *)", "cron(0 12 * * ? *)", "cron(5,35 14 * * ? *)",
    "cron(15 10 ? * 6L 2002-2005)", "cron(0 2 ? * SAT#3 *)", "cron(* * ? * SAT#3 *)",
    "cron(0/5 5 ? JAN 1-5 2022)", "cron(0 10 * * ? *)", "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0/30 20-23 ? * MON-FRI *)",
    "cron(0/30 0-2 ? * MON-FRI *)", "cron(0 20 * * ? *)",
]
REJECTED_FACTS = [
    "rate(10 seconds)", "rate(10 years)", "rate(1 minutes)", "rate(1 hours)", "rate(1 days)",
    "rate(10 minute)", "rate(10 hour)", "rate(10 day)", "rate()", "rate(10)", "rate(10 minutess)",
    "rate(foo minutes)", "rate(0 minutes)", "rate(-10 minutes)", "rate(10 MINUTES)",
    "rate( 10 minutes )", " rate(10 minutes)",
    "cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)", "cron(0 dummy ? * MON-FRI *)",
    "cron(71 8 1 * ? *)",
]
# From the AWS cron reference: wildcards per field, value ranges, one '#' expression only.
ACCEPTED_DOCS = [
    "rate(2 hours)", "rate(10 days)", "rate(1000 minutes)",
    "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)", "cron(0 0 3W * ? *)", "cron(0 0 ? * L *)",
    "cron(0 0 ? * FRIL *)", "cron(0 0 ? * 3#2 *)", "cron(0 0 ? * 1#5 *)",
    "cron(1/10 * * * ? *)", "cron(*/10 * * * ? *)", "cron(0 0 1/5 * ? *)", "cron(0 0 1 JAN,FEB,MAR ? *)",
    "cron(0 0 1 JAN-MAR ? *)", "cron(0 0 1 1/3 ? *)", "cron(0 0 ? * SUN,SAT *)", "cron(0 0 ? * 2-FRI *)",
    "cron(0 0 1 1 ? 1970)", "cron(0 0 1 1 ? 2199)", "cron(0 0 1 1 ? 2020/5)", "cron(59 23 31 12 ? 1970-2199)",
    "cron(0 0 ? * * *)", "cron(0 0 * * ? *)",
    # A range whose start is after its end wraps around (the user guide's own example first).
    "cron(0/30 20-2 ? * MON-FRI *)", "cron(5-1 * * * ? *)", "cron(0 0 28-3 * ? *)",
    "cron(0 0 1 NOV-FEB ? *)", "cron(0 0 ? * FRI-MON *)", "cron(0 22-3/2 * * ? *)",
]
REJECTED_DOCS = [
    "cron(0 0 ? * ? *)",  # '?' in both day fields
    "cron(0 0 1 * 2 *)",  # values in both day fields
    "cron(0 0 ? * 3#1,6#3 *)",  # '#' allows one expression only
    "cron(0 0 1 1 ? 1969)", "cron(0 0 1 1 ? 2200)", "cron(60 0 * * ? *)", "cron(0 24 * * ? *)",
    "cron(0 0 0 * ? *)", "cron(0 0 32 * ? *)", "cron(0 0 1 0 ? *)", "cron(0 0 1 13 ? *)",
    "cron(0 0 ? * 0 *)", "cron(0 0 ? * 8 *)", "cron(0 0 ? * 2#6 *)", "cron(0 0 ? * 2#0 *)",
    "cron(0 0 ? * mon *)", "cron(0 0 1 jan ? *)", "cron(0 0 1 JANUARY ? *)",
    "cron(? 0 * * ? *)", "cron(0 ? * * ? *)", "cron(0 0 * ? ? *)", "cron(0 0 * * ? ?)",
    "cron(L 0 * * ? *)", "cron(0 0 * L ? *)", "cron(0 0 ? * MON#L *)", "cron(0 0 1W,15 * ? *)",
    "cron(0 0 1,L * ? *)", "cron(0 0 ? * 2L,3 *)", "cron(0 0 ? * 2W *)", "cron(0 0 L W ? *)",
    "cron(0 0 * * ?)", "cron(0 0 * * ? * *)", "cron(0  0 * * ? *)", "cron( 0 0 * * ? *)",
    "cron(0 0 * * ? * )", "cron(0 0 * * ? *) ", "cron()", "cron", "CRON(0 0 * * ? *)",
    "Rate(1 minute)", "rate(1  minute)", "rate(1 minute) ", "rate(1.5 hours)", "",
    "cron(0/0 * * * ? *)", "cron(0/60 * * * ? *)", "cron(0-60 * * * ? *)", "cron(0 0 1 1 ? 2030-2020)",
    "cron(-1 * * * ? *)", "cron(1,,2 * * * ? *)", "cron(0 0 * * ? 2020-)", "cron(0 0 ? * 3## *)",
    "cron(0 0 ? * #2 *)", "cron(0 0 32W * ? *)", "cron(0 0 0W * ? *)",
]


@pytest.mark.parametrize("expression", ACCEPTED_FACTS + ACCEPTED_DOCS)
def test_accepted_expressions_parse_and_keep_their_text(expression: str) -> None:
    assert parse(expression).expression == expression


@pytest.mark.parametrize("expression", REJECTED_FACTS + REJECTED_DOCS)
def test_rejected_expressions_raise_schedule_error(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse(expression)


def test_schedule_error_is_a_value_error() -> None:
    assert issubclass(ScheduleError, ValueError)


@pytest.mark.parametrize("value", [None, 5, b"rate(1 minute)"])
def test_non_string_expression_raises_schedule_error(value: object) -> None:
    with pytest.raises(ScheduleError):
        parse(value)  # type: ignore[arg-type]


def _corpus_schedule_cases() -> list[tuple[str, str]]:
    path = Path(__file__).resolve().parent / "conformance" / "api_errors.json"
    cases = json.loads(path.read_text())
    return [
        (case["name"], case["request"]["ScheduleExpression"])
        for case in cases
        if case.get("operation") == "PutRule"
        and "ScheduleExpression" in case.get("request", {})
        and case.get("message") == "Parameter ScheduleExpression is not valid."
    ]


@pytest.mark.parametrize(("name", "expression"), _corpus_schedule_cases())
def test_corpus_invalid_schedule_expressions_are_rejected(name: str, expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse(expression)


def test_corpus_valid_expression_on_custom_bus_case_parses() -> None:
    # The custom-bus error in the corpus is about the bus, not the expression.
    assert isinstance(parse("rate(1 minute)"), RateSchedule)


# ---- rate ----

@pytest.mark.parametrize(
    ("expression", "period"),
    [("rate(1 minute)", timedelta(minutes=1)), ("rate(7 minutes)", timedelta(minutes=7)),
     ("rate(1 hour)", timedelta(hours=1)), ("rate(3 hours)", timedelta(hours=3)),
     ("rate(1 day)", timedelta(days=1)), ("rate(2 days)", timedelta(days=2))],
)
def test_rate_period(expression: str, period: timedelta) -> None:
    schedule = parse(expression)
    assert isinstance(schedule, RateSchedule)
    assert schedule.period == period


def test_rate_first_fire_is_one_period_after_anchor() -> None:
    anchor = utc(2024, 5, 1, 12, 0, 17)
    assert parse("rate(5 minutes)").next_fire(anchor, anchor) == utc(2024, 5, 1, 12, 5, 17)


def test_rate_before_anchor_fires_one_period_after_anchor() -> None:
    anchor = utc(2024, 5, 1, 12)
    assert parse("rate(1 hour)").next_fire(utc(2020, 1, 1), anchor) == utc(2024, 5, 1, 13)


def test_rate_fire_time_is_strictly_after() -> None:
    anchor = utc(2024, 5, 1, 12)
    schedule = parse("rate(10 minutes)")
    assert schedule.next_fire(utc(2024, 5, 1, 12, 30), anchor) == utc(2024, 5, 1, 12, 40)
    assert schedule.next_fire(utc(2024, 5, 1, 12, 30, 0, 1), anchor) == utc(2024, 5, 1, 12, 40)
    assert schedule.next_fire(utc(2024, 5, 1, 12, 29, 59), anchor) == utc(2024, 5, 1, 12, 30)


def test_rate_far_in_the_future_stays_on_the_anchor_grid() -> None:
    anchor = utc(2024, 1, 1, 0, 3)
    fire = parse("rate(7 minutes)").next_fire(utc(2190, 6, 1), anchor)
    assert fire is not None and (fire - anchor) % timedelta(minutes=7) == timedelta(0)
    assert utc(2190, 6, 1) < fire <= utc(2190, 6, 1, 0, 7)


# ---- cron ----

def fire(expression: str, after: datetime) -> datetime | None:
    return parse(expression).next_fire(after, ANCHOR)


def fires(expression: str, after: datetime, count: int) -> list[datetime | None]:
    result: list[datetime | None] = []
    for _ in range(count):
        nxt = fire(expression, after)
        result.append(nxt)
        if nxt is None:
            break
        after = nxt
    return result


def test_cron_fires_later_the_same_day() -> None:
    assert fire("cron(0 10 * * ? *)", utc(2024, 3, 5, 9, 59, 59)) == utc(2024, 3, 5, 10)


def test_cron_fire_time_is_strictly_after() -> None:
    assert fire("cron(0 10 * * ? *)", utc(2024, 3, 5, 10)) == utc(2024, 3, 6, 10)


def test_cron_ignores_seconds_of_after() -> None:
    assert fire("cron(* * * * ? *)", utc(2024, 3, 5, 10, 0, 59, 999999)) == utc(2024, 3, 5, 10, 1)


def test_cron_ignores_anchor() -> None:
    schedule = parse("cron(0 10 * * ? *)")
    after = utc(2024, 3, 5)
    assert schedule.next_fire(after, utc(2000, 1, 1)) == schedule.next_fire(after, utc(2030, 1, 1))


def test_cron_step_from_start_value() -> None:
    assert fires("cron(0/15 * * * ? *)", utc(2024, 3, 5, 10, 50), 3) == [
        utc(2024, 3, 5, 11, 0), utc(2024, 3, 5, 11, 15), utc(2024, 3, 5, 11, 30)]
    assert fires("cron(1/10 * * * ? *)", utc(2024, 3, 5, 10, 45), 3) == [
        utc(2024, 3, 5, 10, 51), utc(2024, 3, 5, 11, 1), utc(2024, 3, 5, 11, 11)]


def test_cron_star_step_and_range_step() -> None:
    assert fires("cron(*/20 * * * ? *)", utc(2024, 3, 5, 10, 30), 2) == [
        utc(2024, 3, 5, 10, 40), utc(2024, 3, 5, 11, 0)]
    assert fires("cron(10-30/10 * * * ? *)", utc(2024, 3, 5, 10, 25), 2) == [
        utc(2024, 3, 5, 10, 30), utc(2024, 3, 5, 11, 10)]


def test_cron_minute_list() -> None:
    assert fires("cron(5,35 14 * * ? *)", utc(2024, 3, 5, 14, 10), 3) == [
        utc(2024, 3, 5, 14, 35), utc(2024, 3, 6, 14, 5), utc(2024, 3, 6, 14, 35)]


def test_cron_hour_range_past_midnight_wraps_around() -> None:
    # AWS's example: every 30 minutes, 10:00 pm to 2:00 am, days MON-FRI (each field on its own).
    # 2024-03-08 is a Friday, 2024-03-11 a Monday.
    assert fires("cron(0/30 20-2 ? * MON-FRI *)", utc(2024, 3, 8, 23, 15), 8) == [
        utc(2024, 3, 8, 23, 30),
        utc(2024, 3, 11, 0, 0), utc(2024, 3, 11, 0, 30), utc(2024, 3, 11, 1, 0),
        utc(2024, 3, 11, 1, 30), utc(2024, 3, 11, 2, 0), utc(2024, 3, 11, 2, 30),
        utc(2024, 3, 11, 20, 0),
    ]


def test_cron_wrapped_range_step_counts_on_across_the_wrap() -> None:
    assert fires("cron(0 22-3/2 * * ? *)", utc(2024, 3, 5, 21), 4) == [
        utc(2024, 3, 5, 22), utc(2024, 3, 6, 0), utc(2024, 3, 6, 2), utc(2024, 3, 6, 22)]


def test_cron_wrapped_minutes_days_months_and_weekdays() -> None:
    assert fires("cron(58-1 10 * * ? *)", utc(2024, 3, 5, 9), 4) == [
        utc(2024, 3, 5, 10, 0), utc(2024, 3, 5, 10, 1), utc(2024, 3, 5, 10, 58), utc(2024, 3, 5, 10, 59)]
    # Day 30-2: the 30th and 31st where the month has them, then the 1st and 2nd.
    assert fires("cron(0 0 30-2 * ? *)", utc(2024, 2, 3), 4) == [
        utc(2024, 3, 1), utc(2024, 3, 2), utc(2024, 3, 30), utc(2024, 3, 31)]
    assert fires("cron(0 0 1 NOV-FEB ? *)", utc(2024, 3, 1), 4) == [
        utc(2024, 11, 1), utc(2024, 12, 1), utc(2025, 1, 1), utc(2025, 2, 1)]
    # FRI-MON: 2024-03-08 is a Friday.
    assert [d.strftime("%a") for d in fires("cron(0 0 ? * FRI-MON *)", utc(2024, 3, 7), 5)] == [
        "Fri", "Sat", "Sun", "Mon", "Fri"]


def test_cron_backward_year_range_is_refused() -> None:
    with pytest.raises(ScheduleError):
        parse("cron(0 0 1 1 ? 2030-2020)")


def test_cron_weekday_range_skips_the_weekend() -> None:
    # 2024-03-08 is a Friday.
    assert fire("cron(0/5 8-17 ? * MON-FRI *)", utc(2024, 3, 8, 17, 55)) == utc(2024, 3, 11, 8, 0)


def test_cron_day_of_week_names_count_sunday_as_one() -> None:
    # 2024-03-10 is a Sunday, 2024-03-16 a Saturday.
    assert fire("cron(0 0 ? * 1 *)", utc(2024, 3, 5)) == utc(2024, 3, 10)
    assert fire("cron(0 0 ? * SUN *)", utc(2024, 3, 5)) == utc(2024, 3, 10)
    assert fire("cron(0 0 ? * 7 *)", utc(2024, 3, 5)) == utc(2024, 3, 9)
    assert fire("cron(0 2 ? * SAT *)", utc(2024, 3, 9, 3)) == utc(2024, 3, 16, 2)


def test_cron_month_names_and_lists() -> None:
    assert fires("cron(0 0 1 JAN,JUL ? *)", utc(2024, 3, 5), 3) == [
        utc(2024, 7, 1), utc(2025, 1, 1), utc(2025, 7, 1)]
    assert fire("cron(0 0 1 OCT-DEC ? *)", utc(2024, 3, 5)) == utc(2024, 10, 1)


def test_cron_day_of_month_skips_short_months() -> None:
    assert fires("cron(0 0 31 * ? *)", utc(2024, 3, 31, 1), 3) == [
        utc(2024, 5, 31), utc(2024, 7, 31), utc(2024, 8, 31)]


def test_cron_last_day_of_month_honours_leap_years() -> None:
    assert fire("cron(0 0 L * ? *)", utc(2024, 2, 1)) == utc(2024, 2, 29)
    assert fire("cron(0 0 L * ? *)", utc(2023, 2, 1)) == utc(2023, 2, 28)
    assert fire("cron(0 0 L 2 ? *)", utc(2100, 1, 1)) == utc(2100, 2, 28)  # 2100 is not a leap year
    assert fire("cron(0 0 L 2 ? *)", utc(2000, 1, 1)) == utc(2000, 2, 29)  # 2000 is


def test_cron_february_29_waits_for_a_leap_year() -> None:
    assert fire("cron(0 12 29 2 ? *)", utc(2025, 3, 1)) == utc(2028, 2, 29, 12)
    assert fire("cron(0 0 29 2 ? *)", utc(2096, 3, 1)) == utc(2104, 2, 29)


def test_cron_last_friday_of_month() -> None:
    # 2002-01-31 is a Thursday, so the last Friday is the 25th; 2005-12-30 is the last one in range.
    assert fires("cron(15 10 ? * 6L 2002-2005)", utc(2002, 1, 1), 2) == [
        utc(2002, 1, 25, 10, 15), utc(2002, 2, 22, 10, 15)]
    assert fire("cron(15 10 ? * 6L 2002-2005)", utc(2005, 12, 1)) == utc(2005, 12, 30, 10, 15)
    assert fire("cron(15 10 ? * FRIL 2002-2005)", utc(2005, 12, 30, 10, 15)) is None


def test_cron_l_alone_in_day_of_week_is_saturday() -> None:
    assert fire("cron(0 0 ? * L *)", utc(2024, 3, 5)) == utc(2024, 3, 9)


def test_cron_nearest_weekday_on_a_weekday_is_that_day() -> None:
    assert fire("cron(0 0 15W * ? *)", utc(2024, 3, 1)) == utc(2024, 3, 15)  # Friday


def test_cron_nearest_weekday_to_a_saturday_is_the_friday_before() -> None:
    assert fire("cron(0 0 15W * ? *)", utc(2024, 6, 1)) == utc(2024, 6, 14)  # 15 Jun 2024 is a Saturday


def test_cron_nearest_weekday_to_a_sunday_is_the_monday_after() -> None:
    assert fire("cron(0 0 15W * ? *)", utc(2024, 9, 1)) == utc(2024, 9, 16)  # 15 Sep 2024 is a Sunday


def test_cron_nearest_weekday_does_not_leave_the_month() -> None:
    assert fire("cron(0 0 1W * ? *)", utc(2024, 5, 31)) == utc(2024, 6, 3)  # 1 Jun 2024 is a Saturday
    assert fire("cron(0 0 31W * ? *)", utc(2024, 3, 1)) == utc(2024, 3, 29)  # 31 Mar 2024 is a Sunday


def test_cron_nearest_weekday_past_month_end_skips_the_month() -> None:
    assert fire("cron(0 0 31W * ? *)", utc(2024, 4, 1)) == utc(2024, 5, 31)


def test_cron_last_weekday_of_month() -> None:
    assert fire("cron(0 0 LW * ? *)", utc(2024, 3, 1)) == utc(2024, 3, 29)  # 31st is a Sunday
    assert fire("cron(0 0 LW * ? *)", utc(2024, 8, 1)) == utc(2024, 8, 30)  # 31st is a Saturday
    assert fire("cron(0 0 LW * ? *)", utc(2024, 7, 1)) == utc(2024, 7, 31)  # 31st is a Wednesday


def test_cron_nth_weekday_of_month() -> None:
    assert fires("cron(0 2 ? * SAT#3 *)", utc(2024, 3, 1), 2) == [utc(2024, 3, 16, 2), utc(2024, 4, 20, 2)]
    assert fire("cron(0 0 ? * 3#2 *)", utc(2024, 3, 1)) == utc(2024, 3, 12)  # second Tuesday


def test_cron_fifth_weekday_skips_months_without_one() -> None:
    # In 2024 January has five Mondays (the 29th); the next month with five is April (the 29th).
    assert fires("cron(0 0 ? * MON#5 *)", utc(2024, 1, 1), 2) == [utc(2024, 1, 29), utc(2024, 4, 29)]


def test_cron_year_range_in_the_past_never_fires() -> None:
    assert fire("cron(0/5 5 ? JAN 1-5 2022)", utc(2024, 1, 1)) is None


def test_cron_year_range_fires_until_its_end() -> None:
    assert fire("cron(0/5 5 ? JAN 1-5 2022)", utc(2021, 6, 1)) == utc(2022, 1, 2, 5, 0)  # 1-5 is SUN-THU
    assert fire("cron(0/5 5 ? JAN 1-5 2022)", utc(2022, 1, 31, 5, 50)) == utc(2022, 1, 31, 5, 55)
    assert fire("cron(0/5 5 ? JAN 1-5 2022)", utc(2022, 1, 31, 5, 55)) is None


def test_cron_year_2199_answers_without_walking_minutes() -> None:
    assert fire("cron(59 23 31 12 ? 2199)", utc(2024, 1, 1)) == utc(2199, 12, 31, 23, 59)
    assert fire("cron(59 23 31 12 ? 2199)", utc(2199, 12, 31, 23, 59)) is None
    assert fire("cron(0 0 31 2 ? *)", utc(1970, 1, 1)) is None  # never matches: walks every month once


def test_cron_year_step() -> None:
    assert fires("cron(0 0 1 1 ? 2020/50)", utc(2021, 1, 1), 4) == [
        utc(2070, 1, 1), utc(2120, 1, 1), utc(2170, 1, 1), None]


def test_cron_after_before_1970_fires_in_1970() -> None:
    assert fire("cron(0 0 1 1 ? *)", utc(1960, 5, 5)) == utc(1970, 1, 1)


def test_naive_after_is_taken_as_utc() -> None:
    assert fire("cron(0 10 * * ? *)", datetime(2024, 3, 5, 9)) == utc(2024, 3, 5, 10)


def test_aware_non_utc_after_is_converted_and_result_is_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    result = fire("cron(0 10 * * ? *)", datetime(2024, 3, 5, 11, 30, tzinfo=plus_two))
    assert result == utc(2024, 3, 5, 10) and result is not None and result.tzinfo == UTC


def test_cron_parse_returns_cron_schedule() -> None:
    assert isinstance(parse("cron(0 10 * * ? *)"), CronSchedule)


# ---- property test against a brute-force reference ----

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


def _token(draw: st.DrawFn, value: int, names: list[str] | None, low: int) -> str:
    if names and draw(st.booleans()):
        return names[value - low]
    return str(value)


@st.composite
def value_field(draw: st.DrawFn, low: int, high: int, names: list[str] | None = None) -> tuple[str, set[int]]:
    """A `,`-list of `*`, `v`, `a-b`, each maybe with `/step`: its text and the values it means.

    A range may run backwards (`b` before `a`): it wraps around the field's cycle.
    """
    items, values = [], set()
    cycle = high - low + 1

    def in_range(v: int, a: int, b: int, step: int) -> bool:
        offset = (v - a) % cycle  # how far along the cycle from a
        return offset <= (b - a) % cycle and offset % step == 0

    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["star", "value", "range", "star_step", "value_step", "range_step"]))
        a = draw(st.integers(low, high))
        b = draw(st.integers(low, high))
        step = draw(st.integers(1, min(high, 2 * (high - low + 1) // 3 + 1)))
        tok_a, tok_b = _token(draw, a, names, low), _token(draw, b, names, low)
        if kind == "star":
            items.append("*")
            values |= set(range(low, high + 1))
        elif kind == "value":
            items.append(tok_a)
            values.add(a)
        elif kind == "range":
            items.append(f"{tok_a}-{tok_b}")
            values |= {v for v in range(low, high + 1) if in_range(v, a, b, 1)}
        elif kind == "star_step":
            items.append(f"*/{step}")
            values |= {v for v in range(low, high + 1) if (v - low) % step == 0}
        elif kind == "value_step":
            items.append(f"{tok_a}/{step}")
            values |= {v for v in range(a, high + 1) if (v - a) % step == 0}
        else:
            items.append(f"{tok_a}-{tok_b}/{step}")
            values |= {v for v in range(low, high + 1) if in_range(v, a, b, step)}
    return ",".join(items), values


def aws_dow(day: date) -> int:
    return day.isoweekday() % 7 + 1


def days_of(day: date) -> tuple[date, ...]:
    return _month_days(day.year, day.month)


@lru_cache(maxsize=None)
def _month_days(year: int, month: int) -> tuple[date, ...]:
    return tuple(date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1))


def nearest_weekday(day: date, target: int) -> date | None:
    return _nearest_weekday(day.year, day.month, target)


@lru_cache(maxsize=None)
def _nearest_weekday(year: int, month: int, target: int) -> date | None:
    month_days = _month_days(year, month)
    if target > len(month_days):
        return None
    weekdays = [d for d in month_days if aws_dow(d) not in (1, 7)]
    return min(weekdays, key=lambda d: abs(d.day - target))


@st.composite
def day_fields(draw: st.DrawFn) -> tuple[str, str, Callable[[date], bool]]:
    """Day-of-month and day-of-week texts (one of them '?') and a predicate on dates."""
    kind = draw(st.sampled_from(["dom", "L", "LW", "W", "dow", "dowL", "nthL", "nth"]))
    if kind == "dom":
        text, values = draw(value_field(1, 31))
        return text, "?", lambda d: d.day in values
    if kind == "L":
        return "L", "?", lambda d: d.day == len(days_of(d))
    if kind == "LW":
        return "LW", "?", lambda d: d == max(x for x in days_of(d) if aws_dow(x) not in (1, 7))
    if kind == "W":
        target = draw(st.integers(1, 31))
        return f"{target}W", "?", lambda d: d == nearest_weekday(d, target)
    if kind == "dow":
        text, values = draw(value_field(1, 7, DAYS))
        return "?", text, lambda d: aws_dow(d) in values
    if kind == "dowL":
        return "?", "L", lambda d: aws_dow(d) == 7
    weekday = draw(st.integers(1, 7))
    token = _token(draw, weekday, DAYS, 1)
    if kind == "nthL":
        return "?", f"{token}L", lambda d: aws_dow(d) == weekday and (d + timedelta(days=7)).month != d.month
    nth = draw(st.integers(1, 5))
    return "?", f"{token}#{nth}", lambda d: aws_dow(d) == weekday and (d.day - 1) // 7 + 1 == nth


@st.composite
def cron_cases(draw: st.DrawFn) -> tuple[str, Callable[[datetime], bool]]:
    minute_text, minutes = draw(value_field(0, 59))
    hour_text, hours = draw(value_field(0, 23))
    if draw(st.booleans()):
        month_text, months = "*", set(range(1, 13))
    else:
        month_text, months = draw(value_field(1, 12, MONTHS))
    dom_text, dow_text, day_ok = draw(day_fields())
    year_kind = draw(st.sampled_from(["star", "range", "step"]))
    if year_kind == "star":
        year_text, years = "*", set(range(1970, 2200))
    elif year_kind == "range":
        first = draw(st.integers(2021, 2027))
        last = draw(st.integers(first, 2027))
        year_text, years = f"{first}-{last}", set(range(first, last + 1))
    else:
        first = draw(st.integers(2018, 2026))
        step = draw(st.integers(1, 3))
        year_text, years = f"{first}/{step}", set(range(first, 2200, step))
    day_cache = lru_cache(maxsize=None)(lambda d: d.year in years and d.month in months and day_ok(d))

    def matches(moment: datetime) -> bool:
        return moment.minute in minutes and moment.hour in hours and day_cache(moment.date())

    fields = " ".join([minute_text, hour_text, dom_text, month_text, dow_text, year_text])
    return f"cron({fields})", matches


WINDOW = timedelta(days=70)


SPECIAL_DAYS = (
    [(f"{n}W", lambda d, n=n: d == nearest_weekday(d, n)) for n in range(1, 32)]
    + [("L", lambda d: d.day == len(days_of(d))),
       ("LW", lambda d: d == max(x for x in days_of(d) if aws_dow(x) not in (1, 7)))]
)
SPECIAL_WEEKDAYS = (
    [(f"{w}L", lambda d, w=w: aws_dow(d) == w and (d + timedelta(days=7)).month != d.month) for w in range(1, 8)]
    + [(f"{w}#{n}", lambda d, w=w, n=n: aws_dow(d) == w and (d.day - 1) // 7 + 1 == n)
       for w in range(1, 8) for n in range(1, 6)]
)


@pytest.mark.parametrize(
    ("dom", "dow", "expected"),
    [(text, "?", rule) for text, rule in SPECIAL_DAYS] + [("?", text, rule) for text, rule in SPECIAL_WEEKDAYS],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_special_day_forms_agree_with_reference_over_a_28_year_cycle(
    dom: str, dow: str, expected: Callable[[date], bool]
) -> None:
    # 28 years repeat every combination of month length, leap year and first weekday.
    schedule = parse(f"cron(0 0 {dom} * {dow} *)")
    for year in range(2000, 2028):
        for month in range(1, 13):
            start = date(year, month, 1)
            want = [d for d in days_of(start) if expected(d)]
            got = schedule.next_fire(utc(year, month, 1) - timedelta(minutes=1), ANCHOR)
            assert got is not None
            if want:
                assert got.date() == want[0], (year, month)
            else:
                assert (got.year, got.month) != (year, month), (year, month)


@settings(max_examples=profile_examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=cron_cases(),
    after=st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2026, 12, 31)),
)
def test_cron_next_fire_matches_minute_by_minute_reference(
    case: tuple[str, Callable[[datetime], bool]], after: datetime
) -> None:
    expression, matches = case
    after = after.replace(tzinfo=UTC)
    result = parse(expression).next_fire(after, ANCHOR)

    expected = None
    moment = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = after + WINDOW
    while moment <= end:
        if matches(moment):
            expected = moment
            break
        moment += timedelta(minutes=1)

    if expected is not None:
        assert result == expected, expression
    else:
        assert result is None or (result > end and matches(result)), expression
