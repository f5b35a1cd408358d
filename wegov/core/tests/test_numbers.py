"""Whole numbers from hostile input: ASCII digits only, and no larger than a database id."""

import pytest

from wegov.core.numbers import LARGEST_ID, object_id, whole_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("42", 42),
        (" 7 ", 7),
        (12, 12),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),
        ("99999999999999999999", None),
        ("\u00b2", None),  # superscript two: isdigit() says yes, int() says no
        ("\u0663", None),  # Arabic-Indic three: int() would take it
        ("\uff11", None),  # fullwidth one
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("1e3", None),
        ("", None),
        (None, None),
    ],
)
def test_whole_number(value, expected):
    assert whole_number(value) == expected


def test_whole_number_with_a_maximum():
    assert whole_number("10", maximum=10) == 10
    assert whole_number("11", maximum=10) is None


def test_an_object_id_starts_at_one():
    assert object_id("0") is None
    assert object_id("1") == 1
    assert object_id(str(LARGEST_ID)) == LARGEST_ID
