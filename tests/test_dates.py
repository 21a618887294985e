import datetime as dt

import pytest

from generator.dates import DateProblem, PartialDate, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1951", PartialDate(1951)),
        (1951, PartialDate(1951)),
        ("1951-10", PartialDate(1951, 10)),
        ("1951-10-18", PartialDate(1951, 10, 18)),
        (dt.date(1951, 10, 18), PartialDate(1951, 10, 18)),
        ("1951-10-18?", PartialDate(1951, 10, 18, uncertain=True)),
        ("1951~", PartialDate(1951, approximate=True)),
        ("1951-10%", PartialDate(1951, 10, uncertain=True, approximate=True)),
    ],
)
def test_accepts_iso_and_edtf_forms(value: object, expected: PartialDate) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["1951-02-30", "1951-13", "18 October 1951", "", None, "1951-1-5", [1951]])
def test_rejects_impossible_or_malformed_dates(value: object) -> None:
    with pytest.raises(DateProblem):
        parse_date(value)


def test_impossible_day_names_the_month_length() -> None:
    with pytest.raises(DateProblem, match="February 1951 has 28 days"):
        parse_date("1951-02-30")


def test_partial_dates_sort_before_their_parts_and_display_as_written() -> None:
    dates = [parse_date(v) for v in ["1951-10-18", "1951", "1951-10", "1950-12-31"]]
    assert [d.iso for d in sorted(dates, key=lambda d: d.sort_key)] == ["1950-12-31", "1951", "1951-10", "1951-10-18"]
    assert parse_date("1951-10-18").display() == "18 October 1951"
    assert parse_date("1951-10?").display() == "October 1951?"
    assert parse_date("1951~").display() == "c. 1951"
    assert parse_date("1951-10-18?").edtf == "1951-10-18?"
