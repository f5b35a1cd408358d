"""Every reason code of the tally rules has plain words, with the figures."""

import pytest

from wegov.budgeting import pb
from wegov.budgeting.reasons import explain, money, rule_explanation

from .factories import BudgetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {
                "reason": "funded",
                "votes": 12,
                "score": 12,
                "round": 2,
                "cost": 300,
                "detail": {"remaining_before": "1000"},
            },
            "Funded as number 2: with 12 votes it was next in line, and its cost of 300 EUR "
            "fitted in the 1,000 EUR still left.",
        ),
        (
            {
                "reason": "did_not_fit",
                "votes": 3,
                "score": 9,
                "cost": 700,
                "detail": {"remaining_before": "500"},
            },
            "Not funded: when its turn came (9 points) only 500 EUR was left, less than its "
            "cost of 700 EUR.",
        ),
        (
            {
                "reason": "below_threshold",
                "votes": 4,
                "score": 4,
                "cost": 10,
                "detail": {"threshold": "46"},
            },
            "fewer than the 46 a project needs",
        ),
        ({"reason": "greedy_stopped", "votes": 1, "score": 1, "cost": 1}, "stops at the first"),
        (
            {
                "reason": "mes_funded",
                "votes": 4,
                "score": 4,
                "round": 1,
                "cost": 400,
                "detail": {"price_per_supporter": "100.4"},
            },
            "Each supporter paid at most 100 EUR.",
        ),
        ({"reason": "mes_free", "votes": 1, "score": 1, "cost": 0}, "costs nothing"),
        (
            {
                "reason": "mes_supporters_short",
                "votes": 5,
                "score": 5,
                "cost": 900,
                "detail": {"supporters_money_left": "600.5", "short_by": "299.5"},
            },
            "had 600 EUR left of their equal shares",
        ),
        ({"reason": "mes_no_supporters", "votes": 0, "score": 0, "cost": 5}, "nobody voted"),
        (
            {"reason": "completion_funded", "votes": 2, "score": 2, "round": 5, "cost": 50},
            "by the completion step",
        ),
        ({"reason": "something_new", "selected": True}, "Funded."),
        ({"reason": "something_new", "selected": False}, "Not funded."),
    ],
)
def test_explain(data, expected):
    assert expected in explain(BudgetFactory(currency="EUR"), data)


def test_every_rule_reason_has_its_own_words():
    budget = BudgetFactory()
    generic = {explain(budget, {"reason": "x", "selected": s}) for s in (True, False)}
    for code in pb.REASONS:
        text = explain(budget, {"reason": code, "votes": 1, "score": 1, "cost": 1, "round": 1})
        assert text not in generic, code


def test_money_and_rule_words():
    assert money("1234.6", "PLN") == "1,235 PLN"
    assert money(None, "EUR") == ""
    assert "equally" in rule_explanation("mes")
    assert "order of votes" in rule_explanation("greedy")
    # The completion the tally used is the one described.
    add1 = rule_explanation("mes", {"completion": "add1"})
    assert "share is raised" in add1 and "by votes" not in add1
    both = rule_explanation("mes", {"completion": "add1_greedy"})
    assert "share is raised" in both and "by votes that still fit" in both
    assert "is not spent" in rule_explanation("mes", {"completion": "none"})
