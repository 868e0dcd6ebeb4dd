"""Contact hours from the bundled directory, and the times reps type."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.bundled_cards import bundled, bundled_of_kind
from workaid.core.content.hours import (
    ContactHours,
    HoursError,
    WhenError,
    check_callback,
    is_open,
    next_open,
    parse_hours,
    parse_when,
)

LONDON = ZoneInfo("Europe/London")
BILLING = "Mon-Fri 08:00-18:00"
RETENTIONS = "Mon-Fri 08:00-20:00, Sat 09:00-17:00"


def at(y, mo, d, h, mi, tz=LONDON) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


def test_every_bundled_contact_with_hours_parses():
    contacts = [c for c in bundled_of_kind("contact") if c.fields.get("hours")]
    assert len(contacts) >= 7
    for c in contacts:
        ch = ContactHours.from_fields(c.fields)
        assert ch is not None and ch.hours.intervals and ch.team == c.fields["team"], c.id


def test_billing_specialists_are_open_weekdays_eight_to_six():
    fri = at(2026, 11, 27, 0, 0)
    assert fri.strftime("%A") == "Friday"
    assert is_open(BILLING, "Europe/London", fri.replace(hour=8))
    assert is_open(BILLING, "Europe/London", fri.replace(hour=17, minute=59))
    assert not is_open(BILLING, "Europe/London", fri.replace(hour=18))  # closing time is closed
    assert not is_open(BILLING, "Europe/London", fri.replace(hour=7, minute=59))
    assert not is_open(BILLING, "Europe/London", at(2026, 11, 28, 12, 0))  # Saturday


def test_two_part_hours_cover_saturday():
    sat = at(2026, 11, 28, 10, 0)
    assert is_open(RETENTIONS, "Europe/London", sat)
    assert not is_open(RETENTIONS, "Europe/London", sat.replace(hour=17))
    assert is_open(RETENTIONS, "Europe/London", at(2026, 11, 27, 19, 30))
    assert not is_open(RETENTIONS, "Europe/London", at(2026, 11, 29, 10, 0))  # Sunday


def test_hours_are_the_teams_local_time_whatever_zone_the_moment_is_in():
    # 07:30 UTC is 08:30 in London in summer (open) but 07:30 in winter (closed).
    assert is_open(BILLING, "Europe/London", dt.datetime(2026, 6, 1, 7, 30, tzinfo=dt.UTC))
    assert not is_open(BILLING, "Europe/London", dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC))
    # A desk in New York at 13:30 on a Friday in November is 18:30 in London.
    assert not is_open(BILLING, "Europe/London", at(2026, 11, 27, 13, 30, ZoneInfo("America/New_York")))


def test_next_open_after_friday_evening_is_monday_morning():
    opens = next_open(BILLING, "Europe/London", at(2026, 11, 27, 19, 30))
    assert opens == at(2026, 11, 30, 8, 0) and opens.strftime("%A %H:%M") == "Monday 08:00"
    assert opens.tzinfo is not None and opens.utcoffset() == dt.timedelta(0)
    now = at(2026, 11, 27, 10, 0)
    assert next_open(BILLING, "Europe/London", now) == now  # open now: now
    assert next_open(BILLING, "Europe/London", at(2026, 11, 27, 6, 0)) == at(2026, 11, 27, 8, 0)


def test_ranges_past_midnight_and_wrapping_the_week():
    late = parse_hours("Fri 22:00-02:00")
    assert is_open(late, "Europe/London", at(2026, 11, 27, 23, 0))
    assert is_open(late, "Europe/London", at(2026, 11, 28, 1, 59))
    assert not is_open(late, "Europe/London", at(2026, 11, 28, 2, 0))
    weekend = parse_hours("Fri-Mon 10:00-12:00")
    assert [i.day for i in weekend.intervals] == [4, 5, 6, 0]
    assert is_open("Mon-Sun 00:00-24:00", "UTC", at(2026, 11, 29, 23, 59))


def test_callback_outside_hours_gives_the_warning_a_rep_can_act_on():
    warning = check_callback(BILLING, "Europe/London", at(2026, 11, 27, 19, 30), "Billing specialists")
    assert warning == (
        "Billing specialists are closed at 19:30 on Friday (Mon-Fri 08:00-18:00 Europe/London); they next open Monday 08:00"
    )
    assert check_callback(BILLING, "Europe/London", at(2026, 11, 27, 16, 0), "Billing specialists") is None
    desk = check_callback("Mon-Sat 08:00-20:00", "Europe/London", at(2026, 11, 27, 21, 0), "Duty supervisor desk")
    assert desk.startswith("Duty supervisor desk is closed at 21:00 on Friday") and desk.endswith(
        "it next opens Saturday 08:00"
    )


def test_callback_warning_shows_the_reps_own_time_when_zones_differ():
    ny = at(2026, 11, 27, 14, 30, ZoneInfo("America/New_York"))
    warning = check_callback(BILLING, "Europe/London", ny, "Billing specialists")
    assert "closed at 19:30 on Friday, 14:30 your time (Mon-Fri 08:00-18:00 Europe/London)" in warning


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "No hours"),
        ("Mon-Fry 08:00-18:00", "'Fry' in the hours 'Mon-Fry 08:00-18:00' is not a day"),
        ("Mon-Fri 8am-6pm", "Cannot read the hours"),
        ("Mon-Fri 08:00-18:00, Sun whenever", "Cannot read 'Sun whenever'"),
        ("Mon-Fri 08:00-25:00", "'25:00' in the hours"),
        ("Mon-Fri 08:60-18:00", "'08:60'"),
        ("Mon 09:00-09:00", "opens and closes at the same time"),
        ("Mon 24:00-02:00", "not a time of day"),
    ],
)
def test_bad_hours_name_the_part_to_fix(text, words):
    with pytest.raises(HoursError) as e:
        parse_hours(text)
    assert words in str(e.value)


def test_bad_zone_and_naive_times_are_clear_errors():
    with pytest.raises(HoursError, match="'Europe/Londn' is not a known time zone"):
        is_open(BILLING, "Europe/Londn", at(2026, 11, 27, 10, 0))
    with pytest.raises(HoursError, match="has no time zone"):
        is_open(BILLING, "Europe/London", dt.datetime(2026, 11, 27, 10, 0))
    with pytest.raises(HoursError, match="callback time"):
        check_callback(BILLING, "Europe/London", dt.datetime(2026, 11, 27, 10, 0))


def test_contact_hours_from_a_bundled_card():
    ch = ContactHours.from_fields(bundled("contact-billing-specialists").fields)
    assert ch.describe() == "Mon-Fri 08:00-18:00 Europe/London" and ch.team == "Billing specialists"
    assert ContactHours.from_fields({"team": "No hours"}) is None


# -- what a rep types ------------------------------------------------------------------
NOW = at(2026, 11, 24, 16, 0)  # a Tuesday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("17:30", at(2026, 11, 24, 17, 30)),
        ("9:05pm", at(2026, 11, 24, 21, 5)),
        ("tomorrow 10:00", at(2026, 11, 25, 10, 0)),
        ("Tomorrow at 3 pm", at(2026, 11, 25, 15, 0)),
        ("10:00 tomorrow", at(2026, 11, 25, 10, 0)),
        ("today 16:45", at(2026, 11, 24, 16, 45)),
        ("mon 09:15", at(2026, 11, 30, 9, 15)),
        ("Monday 9.15", at(2026, 11, 30, 9, 15)),
        ("tue 17:00", at(2026, 11, 24, 17, 0)),  # today, still ahead
        ("tue 15:00", at(2026, 12, 1, 15, 0)),  # today's has passed: next week
        ("2026-11-24 16:00", at(2026, 11, 24, 16, 0)),
        ("2026-12-01T09:30", at(2026, 12, 1, 9, 30)),
        ("now", NOW),
    ],
)
def test_parse_when_reads_what_reps_type(text, expected):
    assert parse_when(text, NOW) == expected


def test_parse_when_keeps_the_desk_zone_across_a_clock_change():
    before = at(2026, 10, 24, 12, 0)  # BST; the clocks go back on the 25th
    result = parse_when("mon 10:00", before)
    assert result == at(2026, 10, 26, 10, 0) and result.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "No time given"),
        ("14:30", "has already passed (it is 16:00 now); for tomorrow type 'tomorrow 14:30'"),
        ("2026-11-20 10:00", "has already passed"),
        ("25:00", "'25:00' is not a time of day"),
        ("13pm", "with am/pm the hour runs 1-12"),
        ("tomorrow", "needs a time of day"),
        ("fred 10:00", "Cannot read 'fred' as a day"),
        ("2026-02-30 10:00", "not a date in the calendar"),
        ("10:00 11:00", "has two times"),
        ("next week sometime", "Cannot read"),
    ],
)
def test_parse_when_errors_say_what_to_type(text, words):
    with pytest.raises(WhenError) as e:
        parse_when(text, NOW)
    assert words in str(e.value)


def test_past_times_are_allowed_when_not_asking_for_the_future():
    assert parse_when("14:30", NOW, future=False) == at(2026, 11, 24, 14, 30)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_parse_when_never_raises_anything_but_a_clear_error(text):
    try:
        result = parse_when(text, NOW)
    except WhenError as e:
        assert str(e).strip()
    else:
        assert result.tzinfo is not None and result >= NOW.replace(second=0)


@st.composite
def hours_lines(draw):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        a, b = (
            draw(st.sampled_from(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])),
            draw(st.sampled_from(["Mon", "Fri", "Sun"])),
        )
        start = draw(st.integers(0, 23))
        end = draw(st.integers(1, 24).filter(lambda e, s=start: e != s))
        parts.append(f"{a}-{b} {start:02d}:{draw(st.sampled_from(['00', '30']))}-{end:02d}:00")
    return ", ".join(parts)


@settings(max_examples=300, deadline=None)
@given(
    hours=hours_lines(),
    minutes=st.integers(0, 60 * 24 * 400),
    zone=st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata"]),
)
def test_next_open_is_never_earlier_and_always_open(hours, minutes, zone):
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    opens = next_open(hours, zone, when)
    assert opens >= when
    assert is_open(hours, zone, opens)
    assert (check_callback(hours, zone, when, "Team") is None) == is_open(hours, zone, when)
