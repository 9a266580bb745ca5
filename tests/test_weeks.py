"""Issue weeks follow the seeds: a Sunday-start week takes the number of the Monday after."""

from datetime import date

import pytest

from mlnews.errors import UsageError
from mlnews.weeks import Week


def test_seed_weeks_start_on_the_sundays_the_seeds_name() -> None:
    assert Week(2020, 49).start("sunday") == date(2020, 11, 29)
    assert Week(2020, 43).start("sunday") == date(2020, 10, 18)


def test_sunday_belongs_to_the_week_of_the_following_monday() -> None:
    assert Week.containing(date(2020, 11, 29), "sunday") == Week(2020, 49)
    assert Week.containing(date(2020, 12, 5), "sunday") == Week(2020, 49)
    assert Week.containing(date(2020, 12, 6), "sunday") == Week(2020, 50)


def test_monday_start_is_plain_iso() -> None:
    assert Week(2020, 49).start("monday") == date(2020, 11, 30)
    assert Week.containing(date(2020, 11, 29), "monday") == Week(2020, 48)


def test_year_boundary() -> None:
    # Sunday 27 Dec 2020 starts the week of Monday 28 Dec, ISO week 53 of 2020.
    assert Week.containing(date(2020, 12, 27), "sunday") == Week(2020, 53)
    assert Week.containing(date(2021, 1, 3), "sunday") == Week(2021, 1)


@pytest.mark.parametrize("text", ["2020-W49", "2020W49", "2020-w49"])
def test_parse(text: str) -> None:
    assert str(Week.parse(text)) == "2020-W49"


@pytest.mark.parametrize("text", ["2020-49", "week 49", "2021-W53", "2020-W00"])
def test_bad_weeks_are_clear_errors(text: str) -> None:
    with pytest.raises(UsageError, match=text):
        Week.parse(text)


def test_placeholder_and_real_dates() -> None:
    from datetime import datetime

    from mlnews.dates import iso

    assert iso("0001-01-01T00:00:00Z") is None  # Hugo's zero date
    assert iso("Mon, 30 Nov 2020 10:00:00 GMT") == "2020-11-30T10:00:00Z"
    assert iso(datetime(2020, 11, 30, 19, 0)) == "2020-11-30T19:00:00Z"
    assert iso("2020-11-30") == "2020-11-30"
    assert iso("yesterday") is None


def test_year_and_month_precision_is_kept() -> None:
    from mlnews.dates import iso

    assert iso("2017") == "2017"
    assert iso("2019-06") == "2019-06"
    assert iso("2019-13") is None
