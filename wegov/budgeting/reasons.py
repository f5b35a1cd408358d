"""Why a project was funded or not, in plain translatable words, from the
reason codes and figures a tally stores (``TallyRecord.outcome``; the codes
are ``wegov.budgeting.pb.REASONS``)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Budget, TallyRule


def money(amount, currency: str) -> str:
    try:
        amount = round(float(amount))
    except (TypeError, ValueError):
        return ""
    return f"{number_format(amount, 0, force_grouping=True)} {currency}"


def rule_explanation(rule: str, options: dict | None = None) -> str:
    """The rule in plain words, with the completion the tally actually used
    (the page shows the rule's name next to it)."""
    if rule == TallyRule.GREEDY:
        return str(
            _(
                "Projects are taken in order of votes, most first; each is funded if its "
                "cost fits in what is left of the budget, otherwise it is skipped and the "
                "next one is tried."
            )
        )
    text = str(
        _(
            "The budget is split equally between the voters. A project is funded when its "
            "supporters can pay for it together from their shares; at each step the "
            "project that costs its supporters the least per person is chosen. Voters "
            "whose projects were funded have spent their share, so the others' projects "
            "get their turn."
        )
    )
    completion = (options or {}).get("completion", "add1")
    steps = []
    if completion in ("add1", "add1_greedy"):
        steps.append(
            _(
                "When no more projects can be paid that way, every voter's share is raised "
                "a little and the count is run again, as long as what it funds stays within "
                "the budget."
            )
        )
    if completion in ("greedy", "add1_greedy"):
        steps.append(_("Money still left then funds the next projects by votes that still fit."))
    if completion == "none":
        steps.append(_("Money left at the end is not spent."))
    return " ".join([text, *map(str, steps)])


def explain(budget: Budget, data: dict) -> str:
    """One or two sentences for a row of ``TallyRecord.outcome``."""
    detail = data.get("detail") or {}
    currency = budget.currency

    def m(key, fallback=None):
        value = detail.get(key, fallback)
        return money(value, currency) if value not in (None, "") else ""

    values = {
        "votes": data.get("votes", 0),
        "score": data.get("score", 0),
        "cost": money(data.get("cost", detail.get("cost", 0)), currency),
        "round": data.get("round") or "",
        "left": m("remaining_before"),
        "threshold": detail.get("threshold", ""),
    }
    reason = data.get("reason", "")
    points = values["score"] != values["votes"]
    if reason == "funded" and points:
        return (
            _(
                "Funded as number %(round)s: with %(score)s points it was next in line, and "
                "its cost of %(cost)s fitted in the %(left)s still left."
            )
            % values
        )
    if reason == "did_not_fit" and points:
        return (
            _(
                "Not funded: when its turn came (%(score)s points) only %(left)s was left, "
                "less than its cost of %(cost)s."
            )
            % values
        )
    if reason == "funded":
        return (
            _(
                "Funded as number %(round)s: with %(score)s votes it was next in line, and "
                "its cost of %(cost)s fitted in the %(left)s still left."
            )
            % values
        )
    if reason == "did_not_fit":
        return (
            _(
                "Not funded: when its turn came (%(score)s votes) only %(left)s was left, "
                "less than its cost of %(cost)s."
            )
            % values
        )
    if reason == "below_threshold":
        return (
            _(
                "Not funded: it had %(score)s votes, fewer than the %(threshold)s a project "
                "needs to be funded."
            )
            % values
        )
    if reason == "greedy_stopped":
        return _(
            "Not funded: the rule stops at the first project that does not fit, and "
            "that project came before this one."
        )
    if reason == "mes_funded":
        text = (
            _(
                "Funded as number %(round)s: its %(votes)s supporters paid its cost of "
                "%(cost)s together from their equal shares of the budget."
            )
            % values
        )
        for key in ("per_supporter", "price_per_supporter", "payment_per_supporter"):
            if detail.get(key):
                text += " " + _("Each supporter paid at most %(amount)s.") % {"amount": m(key)}
                break
        return text
    if reason == "mes_free":
        return _("Funded: it costs nothing and people voted for it.")
    if reason == "mes_supporters_short":
        if detail.get("supporters_money_left") and detail.get("short_by"):
            return _(
                "Not funded: its %(votes)s supporters had %(money_left)s left of their "
                "equal shares after paying for other projects they supported, %(short)s "
                "short of its cost of %(cost)s; the money left at the end was not enough "
                "either."
            ) % {**values, "money_left": m("supporters_money_left"), "short": m("short_by")}
        return (
            _(
                "Not funded: its %(votes)s supporters had spent too much of their shares "
                "on other projects they supported to pay its cost of %(cost)s together, "
                "and it did not fit in the money left for the completion step."
            )
            % values
        )
    if reason == "mes_zero_satisfaction":
        return _(
            "Not funded: it costs nothing, and equal shares measures what a project gives "
            "its supporters by its cost, so it counted for nobody."
        )
    if reason == "mes_no_supporters":
        return _("Not funded: nobody voted for it.")
    if reason == "completion_funded":
        return (
            _(
                "Funded as number %(round)s by the completion step: after equal shares, "
                "the money left was enough for its cost of %(cost)s (%(votes)s votes)."
            )
            % values
        )
    if data.get("selected"):
        return _("Funded.")
    return _("Not funded.")
