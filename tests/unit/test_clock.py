"""Times are UTC instants shown in the practice's zone; DST gaps and folds are honest."""

import datetime as dt

import arrow
import pytest

from frontdesk.data.clock import (
    Clock,
    check_time_zone,
    from_stored,
    local_wall_time,
    to_stored,
)
from frontdesk.errors import BadTime

CHICAGO = "America/Chicago"


def test_a_time_in_the_spring_forward_gap_is_refused() -> None:
    # 2026-03-08: clocks in Chicago jump from 02:00 to 03:00.
    with pytest.raises(BadTime, match="does not exist on Sun 08 Mar 2026"):
        local_wall_time(dt.date(2026, 3, 8), dt.time(2, 30), CHICAGO)


def test_a_time_in_the_fall_back_fold_must_say_which() -> None:
    # 2026-11-01: 01:00-02:00 happens twice in Chicago.
    with pytest.raises(BadTime, match="happens twice"):
        local_wall_time(dt.date(2026, 11, 1), dt.time(1, 30), CHICAGO)
    earlier = local_wall_time(dt.date(2026, 11, 1), dt.time(1, 30), CHICAGO, which="earlier")
    later = local_wall_time(dt.date(2026, 11, 1), dt.time(1, 30), CHICAGO, which="later")
    assert earlier.isoformat() == "2026-11-01T06:30:00+00:00"  # CDT, UTC-5
    assert later.isoformat() == "2026-11-01T07:30:00+00:00"  # CST, UTC-6
    assert later - earlier == dt.timedelta(hours=1)


def test_an_ordinary_time_is_one_instant_whatever_the_season() -> None:
    summer = local_wall_time(dt.date(2026, 7, 1), dt.time(9, 0), CHICAGO)
    winter = local_wall_time(dt.date(2026, 12, 1), dt.time(9, 0), CHICAGO)
    assert summer.isoformat() == "2026-07-01T14:00:00+00:00"
    assert winter.isoformat() == "2026-12-01T15:00:00+00:00"
    assert summer.to(CHICAGO).format("HH:mm") == winter.to(CHICAGO).format("HH:mm") == "09:00"


def test_business_date_is_the_local_date() -> None:
    # 03:30 UTC on the 25th is still the evening of the 24th in Chicago.
    clock = Clock(CHICAGO, source=lambda: arrow.get("2026-11-25T03:30:00+00:00"))
    assert clock.business_date() == dt.date(2026, 11, 24)
    assert clock.local_now().format("HH:mm") == "21:30"


def test_stored_instants_round_trip_in_utc() -> None:
    moment = arrow.get("2026-11-24T15:30:00.123456+00:00")
    text = to_stored(moment.to(CHICAGO))
    assert text == "2026-11-24T15:30:00.123456Z"
    assert from_stored(text) == moment
    # Stored text sorts in time order.
    assert to_stored(moment) < to_stored(moment.shift(microseconds=1))


@pytest.mark.parametrize(
    "bad", ["", "Mars/Olympus", "EST5EDT; DROP TABLE", "chicago", "EST", "CST6CDT"]
)
def test_unknown_time_zones_are_refused(bad: str) -> None:
    with pytest.raises(BadTime):
        check_time_zone(bad)


def test_known_time_zone_is_accepted() -> None:
    assert check_time_zone(" America/Denver ") == "America/Denver"


def test_stored_instants_are_utc_with_microseconds_whatever_they_came_as() -> None:
    instant = arrow.get("2026-11-24T09:30:00.25-06:00")
    assert to_stored(instant) == "2026-11-24T15:30:00.250000Z"
    assert to_stored(instant.datetime) == "2026-11-24T15:30:00.250000Z"
    assert to_stored(dt.datetime(2026, 11, 24, 15, 30)) == "2026-11-24T15:30:00.000000Z"
    assert from_stored("2026-11-24T15:30:00.250000Z") == instant
    assert from_stored("2026-11-24T15:30:00") == arrow.get("2026-11-24T15:30:00+00:00")


def test_a_held_clock_stands_still_until_the_block_ends() -> None:
    ticks = iter(arrow.get("2026-11-25T05:59:00+00:00").shift(minutes=n) for n in range(10))
    clock = Clock(CHICAGO, source=lambda: next(ticks))
    with clock.held() as instant:
        # 11:59pm on the 24th in Chicago: the next minute would be the 25th.
        assert clock.now() == instant and clock.stamp() == to_stored(instant)
        assert clock.business_date() == dt.date(2026, 11, 24)
        with clock.held() as inner:
            assert inner == instant  # a block inside keeps the outer instant
        assert clock.stamp() == to_stored(instant)
    assert clock.now() > instant
    assert clock.business_date() == dt.date(2026, 11, 25)
