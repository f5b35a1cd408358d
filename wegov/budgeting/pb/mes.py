"""The Method of Equal Shares (MES), exact and fast.

The rule (equalshares.net; Peters, Pierczyński and Skowron): every voter gets an
equal share of the budget. In each round, among the projects whose supporters
still hold at least its cost, the one is funded that its supporters can pay
for with the smallest price per unit of satisfaction ``rho``: each supporter
``i`` pays ``min(budget_i, rho * sat_i)`` and the payments add up to the cost.
Equal ``rho`` go to the project whose id comes first as text. The rule stops
when no project is affordable. Completions: ``add1`` re-runs it with one more
currency unit per voter until the outcome spends all it can (or would
overspend: then the last outcome within the budget stands), ``greedy`` fills
what is left by satisfaction per cost, ``add1_greedy`` does both.

This gives pabutools' outcome (``method_of_equal_shares`` with exact gmpy2
fractions, lexicographic tie-breaking, ``voter_budget_increment=1``;
``completion_by_rule_combination`` with ``greedy_utilitarian_welfare``) on
every instance: the tests compare the two. It is computed differently:

* Budgets are kept as floats in numpy arrays for speed, and exactly by their
  history: a voter who has never run out of money holds
  ``b0 - sum(rho_j * sat_ij)`` over the funded projects ``j`` they support
  (one who ran out holds exactly 0). So an exact sum over any set of voters
  costs one integer count per funded project, and no per-voter fraction is
  ever stored.
* Each round computes ``rho`` in floats, lazily (``rho`` only grows as money is
  spent, so a project whose last ``rho`` is already above the round's best is
  not looked at again), then settles exactly, with fractions, everything the
  floats cannot tell apart: the projects within a relative 1e-9 of the best
  ``rho`` (ties), a voter whose remaining money is within 1e-9 of the price
  (did they run out?), a supporters' total within 1e-9 of the cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain

import numpy as np

from .instance import Instance, PabulibError
from .rules import Outcome, ProjectResult, input_hash, votes_and_scores

SATISFACTIONS = ("cost", "cardinality", "points")
COMPLETIONS = ("none", "add1", "greedy", "add1_greedy")

TOL = 1e-9  # relative band inside which floats defer to exact fractions


@dataclass
class _Election:
    """The instance as arrays: per project its supporters (sorted voter
    indices) and their satisfaction (an int when equal for all, else an array)."""

    ids: list[str]
    costs: list[int]
    supporters: list[np.ndarray]
    sats: list[int | np.ndarray]
    total_sat: list[int]
    voters: int
    budget: int


def _election(instance: Instance, satisfaction: str) -> _Election:
    ids = list(instance.projects)
    index = {pid: k for k, pid in enumerate(ids)}
    costs = [instance.projects[pid].cost for pid in ids]
    if satisfaction == "points" and instance.vote_type not in ("cumulative", "scoring"):
        raise PabulibError("satisfaction 'points' needs cumulative or scoring ballots")
    lengths = np.fromiter((len(v.projects) for v in instance.votes), dtype=np.int64)
    voter_arr = np.repeat(np.arange(len(instance.votes), dtype=np.int64), lengths)
    project_arr = np.fromiter(
        map(index.__getitem__, chain.from_iterable(v.projects for v in instance.votes)),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    points = []
    if satisfaction == "points":
        points = list(
            chain.from_iterable(v.points or [0] * len(v.projects) for v in instance.votes)
        )
    order = np.lexsort((voter_arr, project_arr))
    voter_arr, project_arr = voter_arr[order], project_arr[order]
    bounds = np.searchsorted(project_arr, np.arange(len(ids) + 1))
    supporters, sats, totals = [], [], []
    point_arr = np.asarray(points, dtype=np.int64)[order] if satisfaction == "points" else None
    for k in range(len(ids)):
        who = voter_arr[bounds[k] : bounds[k + 1]]
        if satisfaction == "points":
            sat = point_arr[bounds[k] : bounds[k + 1]]
            keep = sat > 0
            who, sat = who[keep], sat[keep]
            total = int(sat.sum())
        else:
            sat = costs[k] if satisfaction == "cost" else 1
            if sat == 0:
                who = who[:0]
            total = sat * len(who)
        supporters.append(who)
        sats.append(sat)
        totals.append(total)
    return _Election(ids, costs, supporters, sats, totals, len(instance.votes), instance.budget)


@dataclass
class _Round:
    project: int
    rho: Fraction
    paying_price: int  # supporters who paid rho * sat
    ran_out: int  # supporters who paid all they had left (less than the price)
    ran_out_paid: float  # for the explanation only: floats are exact enough


@dataclass
class _Run:
    share: Fraction
    free: list[int]
    rounds: list[_Round] = field(default_factory=list)
    money_left: dict[int, float] = field(default_factory=dict)  # not funded, at the end
    unaffordable_after: dict[int, int] = field(default_factory=dict)  # found so after round
    exact_fallbacks: int = 0

    @property
    def selected(self) -> list[int]:
        return self.free + [r.project for r in self.rounds]


class _State:
    """Voters' money during one run: floats plus the exact history."""

    def __init__(self, election: _Election, share: Fraction):
        self.e = election
        self.share = share
        self.money = np.full(election.voters, float(share))
        self.broke = np.zeros(election.voters, dtype=bool)  # exactly 0 left
        # funded projects in order: rho, and (binary satisfaction) the sat per
        # supporter; column j of ``paid`` marks who paid for the j-th (or holds
        # their satisfaction when it varies)
        self.rhos: list[Fraction] = []
        self.unit: list[int] = []
        self.binary = not any(isinstance(sat, np.ndarray) for sat in election.sats)
        self.paid = np.zeros((election.voters, 8), dtype=bool if self.binary else np.int64)

    def _sat_of(self, project: int, positions: np.ndarray) -> np.ndarray:
        sat = self.e.sats[project]
        if isinstance(sat, np.ndarray):
            return sat[positions]
        return np.full(len(positions), sat, dtype=np.int64)

    def _units(self) -> list[int]:
        """Per funded project, the satisfaction its payers paid rho for (1 when it
        varies per voter: then ``paid`` holds it). Python ints: no overflow."""
        return self.unit if self.binary else [1] * len(self.rhos)

    def exact_sum(self, voters: np.ndarray) -> Fraction:
        """Exact money of the given voters (none of them broke)."""
        total = Fraction(len(voters)) * self.share
        if len(voters) and self.rhos:
            block = self.paid[voters, : len(self.rhos)]
            sums = block.sum(axis=0).tolist()  # counts, or sums of points
            for rho, count, unit in zip(self.rhos, sums, self._units(), strict=True):
                if count:
                    total -= rho * (count * unit)
        return total

    def exact_each(self, voters: np.ndarray) -> list[Fraction]:
        """Exact money of each given voter (none of them broke)."""
        if not self.rhos:
            return [self.share] * len(voters)
        values = []
        units = self._units()
        for row in self.paid[voters, : len(self.rhos)].tolist():
            value = self.share
            for rho, paid, unit in zip(self.rhos, row, units, strict=True):
                if paid:
                    value -= rho * (int(paid) * unit)
            values.append(value)
        return values

    def affordable(self, project: int) -> bool:
        """Do the supporters hold at least the cost together? (exactly)"""
        sup = self.e.supporters[project]
        cost = self.e.costs[project]
        held = float(self.money[sup].sum())
        if abs(held - cost) > TOL * (cost + 1.0):
            return held > cost
        alive = sup[~self.broke[sup]]
        return self.exact_sum(alive) >= cost

    def rho_float(self, project: int) -> float:
        """The smallest rho with sum(min(money_i, rho * sat_i)) = cost, in floats."""
        sup = self.e.supporters[project]
        cost = self.e.costs[project]
        money = self.money[sup]
        sat = self.e.sats[project]
        if isinstance(sat, np.ndarray):
            ratio = money / sat
            order = np.argsort(ratio, kind="stable")
            ratio, money, sat_sorted = ratio[order], money[order], sat[order].astype(float)
            paid_before = np.cumsum(money) - money
            sat_after = sat_sorted[::-1].cumsum()[::-1]  # sat of this voter and richer ones
            rho = (cost - paid_before) / sat_after
            ok = rho <= ratio * (1 + 1e-12)
        else:
            # equal satisfaction: work in price per supporter, rho = price / sat
            money = np.sort(money)
            paid_before = np.cumsum(money) - money
            price = (cost - paid_before) / np.arange(len(money), 0, -1)
            ok = price <= money * (1 + 1e-12)
            rho = price / sat
        k = int(np.argmax(ok)) if ok.any() else len(rho) - 1
        return float(rho[k])

    def rho_exact(self, project: int, rho_f: float, run: _Run) -> tuple[Fraction, np.ndarray]:
        """The exact rho, and for each supporter whether they run out of money
        (pay all they have) at that rho."""
        sup = self.e.supporters[project]
        cost = self.e.costs[project]
        sat = self._sat_of(project, np.arange(len(sup)))
        money = self.money[sup]
        broke = self.broke[sup]
        price = rho_f * sat
        band = TOL * np.maximum(price, float(self.share))
        capped = broke | (money < price - band)
        unsure = ~broke & ~capped & (money <= price + band)
        uncapped = ~capped & ~unsure
        rho = self._settle(sup, sat, cost, capped, unsure, uncapped)
        if rho is not None and abs(float(rho) - rho_f) <= 1e-10 * rho_f:
            runs_out = capped.copy()
            idx = np.flatnonzero(unsure)
            if len(idx):
                exact = self.exact_each(sup[idx])
                sat_u = sat[idx].tolist()
                runs_out[idx] = [m <= rho * s for m, s in zip(exact, sat_u, strict=True)]
            return rho, runs_out
        # the floats were too far off to trust the split: settle every voter exactly
        run.exact_fallbacks += 1
        unsure = ~broke
        rho = self._settle(sup, sat, cost, broke, unsure, np.zeros(len(sup), dtype=bool))
        runs_out = broke.copy()
        idx = np.flatnonzero(unsure)
        exact = self.exact_each(sup[idx])
        runs_out[idx] = [m <= rho * s for m, s in zip(exact, sat[idx].tolist(), strict=True)]
        return rho, runs_out

    def _settle(self, sup, sat, cost, capped, unsure, uncapped) -> Fraction | None:
        """pabutools' scan, exactly, over the unsure voters only: the capped pay
        all they have, the uncapped pay rho * sat."""
        alive_capped = capped & ~self.broke[sup]
        paid = self.exact_sum(sup[alive_capped]) if alive_capped.any() else Fraction(0)
        counted = unsure | uncapped
        if self.binary:  # Python ints: cost x voters may not fit in 64 bits
            denominator = (int(sat[0]) if len(sat) else 0) * int(counted.sum())
        else:
            denominator = int(sat[counted].sum())
        idx = np.flatnonzero(unsure)
        exact = self.exact_each(sup[idx]) if len(idx) else []
        sat_u = sat[idx].tolist()
        for m, s in sorted(zip(exact, sat_u, strict=True), key=lambda ms: ms[0] / ms[1]):
            rho = (cost - paid) / denominator
            if rho * s <= m:
                return rho
            paid += m
            denominator -= s
        if denominator <= 0:
            return None
        return Fraction(cost - paid) / denominator

    def pay(self, project: int, rho: Fraction, runs_out: np.ndarray) -> _Round:
        sup = self.e.supporters[project]
        sat = self._sat_of(project, np.arange(len(sup)))
        alive_out = runs_out & ~self.broke[sup]
        ran_out_paid = float(self.money[sup[alive_out]].sum())
        payers = sup[~runs_out]
        self.money[payers] -= float(rho) * sat[~runs_out]
        np.maximum(self.money, 0.0, out=self.money)
        self.money[sup[runs_out]] = 0.0
        self.broke[sup[runs_out]] = True
        column = len(self.rhos)
        if column == self.paid.shape[1]:
            self.paid = np.concatenate([self.paid, np.zeros_like(self.paid)], axis=1)
        if self.binary:
            self.paid[sup, column] = True
            self.unit.append(int(sat[0]) if len(sat) else 0)
        else:
            self.paid[sup, column] = sat
        self.rhos.append(rho)
        return _Round(project, rho, len(payers), int(alive_out.sum()), ran_out_paid)


def _run(election: _Election, share: Fraction, candidates: list[int], free: list[int]) -> _Run:
    state = _State(election, share)
    run = _Run(share=share, free=list(free))
    # a lower bound of each candidate's rho: cost / total satisfaction
    bound = {p: election.costs[p] / election.total_sat[p] * (1 - 1e-12) for p in candidates}
    remaining = set(candidates)
    while remaining:
        best = float("inf")
        near: list[tuple[float, int]] = []
        for p in sorted(remaining, key=lambda q: (bound[q], election.ids[q])):
            if bound[p] > best * (1 + TOL):
                break
            if not state.affordable(p):
                remaining.discard(p)
                run.unaffordable_after[p] = len(run.rounds)
                continue
            rho_f = state.rho_float(p)
            bound[p] = rho_f * (1 - TOL)
            best = min(best, rho_f)
            near.append((rho_f, p))
        if not near:
            break
        near = [(r, p) for r, p in near if r <= best * (1 + TOL)]
        exact = [(*state.rho_exact(p, r, run), p) for r, p in near]
        rho, runs_out, winner = min(exact, key=lambda t: (t[0], election.ids[t[2]]))
        run.rounds.append(state.pay(winner, rho, runs_out))
        remaining.discard(winner)
    funded = set(run.selected)
    for p in candidates:
        if p not in funded:  # what its supporters had left when the rule stopped
            run.money_left[p] = float(state.money[election.supporters[p]].sum())
    return run


def _mes(election: _Election, completion: str) -> tuple[_Run, int]:
    """The MES run whose outcome stands, and how many units were added per voter."""
    candidates = [
        p for p in range(len(election.ids)) if election.total_sat[p] > 0 and election.costs[p] > 0
    ]
    free = [
        p for p in range(len(election.ids)) if election.total_sat[p] > 0 and not election.costs[p]
    ]
    share = Fraction(election.budget, election.voters)
    run = _run(election, share, candidates, free)
    if completion not in ("add1", "add1_greedy"):
        return run, 0
    previous, added = None, 0
    while True:
        spent = sum(election.costs[p] for p in run.selected)
        if spent > election.budget:
            return previous, added - 1
        left = election.budget - spent
        chosen = set(run.selected)
        if all(election.costs[p] > left for p in candidates if p not in chosen):
            return run, added
        previous, added = run, added + 1
        run = _run(election, share + added, candidates, free)


def _dec(value: Fraction | float, places: int = 2) -> str:
    return f"{float(value):.{places}f}"


def equal_shares(
    instance: Instance, *, satisfaction: str = "cost", completion: str = "add1"
) -> Outcome:
    """The Method of Equal Shares.

    ``satisfaction``: "cost" (a voter's satisfaction with a project is its cost;
    pabutools' Cost_Sat, used by the cities), "cardinality" (1 per project,
    Cardinality_Sat) or "points" (the points given, cumulative ballots only,
    Additive_Cardinal_Sat). Ordinal and cumulative ballots count as approval of
    the projects they name for "cost" and "cardinality".

    ``completion``: "none", "add1" (default: what Wieliczka, Świecie and
    Amsterdam use), "greedy" or "add1_greedy".
    """
    if satisfaction not in SATISFACTIONS:
        raise PabulibError(f"unknown satisfaction {satisfaction!r}: use {', '.join(SATISFACTIONS)}")
    if completion not in COMPLETIONS:
        raise PabulibError(f"unknown completion {completion!r}: use {', '.join(COMPLETIONS)}")
    election = _election(instance, satisfaction)
    votes, scores = votes_and_scores(instance)
    ids = election.ids
    if election.voters:
        run, added = _mes(election, completion)
        mes_selected = run.selected
    else:  # nobody voted: MES funds nothing
        run, added, mes_selected = None, 0, []
    selected = [ids[p] for p in mes_selected]
    spent = sum(election.costs[p] for p in mes_selected)
    greedy_rows: dict[str, dict[str, str]] = {}
    if completion in ("greedy", "add1_greedy"):
        density = {}
        for p, pid in enumerate(ids):
            total, cost = election.total_sat[p], election.costs[p]
            density[pid] = Fraction(total, cost) if cost and total else (total and float("inf"))
        chosen = set(selected)
        left = election.budget - spent
        for pid in sorted((q for q in ids if q not in chosen), key=lambda q: (-density[q], q)):
            cost = instance.projects[pid].cost
            row = {"remaining_before": str(left)}
            if cost <= left:
                left -= cost
                selected.append(pid)
                row["remaining_after"] = str(left)
            greedy_rows[pid] = row
    results = {}
    rounds = {r.project: r for r in run.rounds} if run else {}
    for p, pid in enumerate(ids):
        cost = election.costs[p]
        detail = {"cost": str(cost), "supporters": str(len(election.supporters[p]))}
        base = {"id": pid, "votes": votes[pid], "score": scores[pid]}
        if pid in selected:
            position = selected.index(pid) + 1
            if p in rounds:
                r = rounds[p]
                sat = election.sats[p]
                if isinstance(sat, np.ndarray):
                    detail["price_per_point"] = _dec(r.rho, 4)
                else:
                    detail["price_per_supporter"] = _dec(r.rho * sat)
                detail.update(
                    rho=str(r.rho) if r.rho.denominator < 10**12 else _dec(r.rho, 12),
                    paying_price=str(r.paying_price),
                    ran_out=str(r.ran_out),
                    ran_out_paid=_dec(r.ran_out_paid),
                )
                reason = "mes_funded"
            elif run and p in run.free:
                reason = "mes_free"
            else:
                reason = "completion_funded"
                detail.update(greedy_rows.get(pid, {}))
                if run and p in run.money_left:
                    detail["supporters_money_left"] = _dec(run.money_left[p])
            results[pid] = ProjectResult(
                **base, selected=True, reason=reason, round=position, detail=detail
            )
            continue
        if not election.total_sat[p]:
            # a free project under cost satisfaction pleases nobody (pabutools)
            reason = "mes_zero_satisfaction" if votes[pid] else "mes_no_supporters"
        else:
            reason = "mes_supporters_short"
            if run and p in run.money_left:
                left = run.money_left[p]
                detail["supporters_money_left"] = _dec(left)
                detail["short_by"] = _dec(max(cost - left, 0.0))
            if run and p in run.unaffordable_after:
                detail["unaffordable_after_round"] = str(run.unaffordable_after[p])
        if pid in greedy_rows:
            detail.update(greedy_rows[pid])
        results[pid] = ProjectResult(
            **base, selected=False, reason=reason, round=None, detail=detail
        )
    share = run.share if run else Fraction(0)
    outcome_detail = {
        "budget": str(election.budget),
        "voters": str(election.voters),
        "share_per_voter": _dec(share),
        "share_per_voter_exact": str(share),
        "units_added_per_voter": str(added),
        "mes_spent": str(spent),
        "spent": str(sum(instance.projects[p].cost for p in selected)),
    }
    return Outcome(
        rule="mes",
        options={"satisfaction": satisfaction, "completion": completion},
        selected=selected,
        projects=results,
        input_hash=input_hash(instance),
        detail=outcome_detail,
    )
