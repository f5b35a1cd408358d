"""The same tallies computed by pabutools, to verify ours against (tests, bench).

pabutools is a development dependency only: nothing at run time imports this
module. The instance goes to pabutools as .pb text (:func:`dumps`), so its own
Pabulib parser reads it, as it would read a file.
"""

from __future__ import annotations

from .instance import Instance
from .pabulib import dumps

COMPLETIONS = ("none", "add1", "greedy", "add1_greedy")


def pabutools_election(instance: Instance):
    from pabutools.election.pabulib import parse_pabulib_from_string

    return parse_pabulib_from_string(dumps(instance))


def _sat_class(satisfaction: str):
    from pabutools.election import Additive_Cardinal_Sat, Cardinality_Sat, Cost_Sat

    return {"cost": Cost_Sat, "cardinality": Cardinality_Sat, "points": Additive_Cardinal_Sat}[
        satisfaction
    ]


def pabutools_mes(
    instance: Instance,
    *,
    satisfaction: str = "cost",
    completion: str = "add1",
    election=None,
) -> list[str]:
    """pabutools' outcome (project ids in order of selection) of
    ``method_of_equal_shares`` with ``sat_class`` for ``satisfaction``,
    ``voter_budget_increment=1`` for the add1 completions, and
    ``completion_by_rule_combination`` with ``greedy_utilitarian_welfare`` (same
    satisfaction) for the greedy completions."""
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}")
    pb_instance, profile = election or pabutools_election(instance)
    sat_class = _sat_class(satisfaction)
    mes_params = {"sat_class": sat_class}
    if completion in ("add1", "add1_greedy"):
        mes_params["voter_budget_increment"] = 1
    if completion in ("none", "add1"):
        allocation = method_of_equal_shares(pb_instance, profile, **mes_params)
    else:
        allocation = completion_by_rule_combination(
            pb_instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [mes_params, {"sat_class": sat_class}],
        )
    return [project.name for project in allocation]


def satisfactions_for(instance: Instance) -> list[str]:
    """The satisfaction measures pabutools' MES supports for these ballots."""
    if instance.vote_type in ("cumulative", "scoring"):
        return ["cost", "cardinality", "points"]
    return ["cost", "cardinality"]


def record(folder, out, completions=("add1",)) -> None:
    """Write pabutools' outcomes on every .pb file in ``folder`` to the JSON
    file ``out`` (the tests compare with it where running pabutools live would
    take minutes): ``python -m wegov.budgeting.pb.reference FOLDER OUT``."""
    import json
    from importlib.metadata import version
    from pathlib import Path

    from .pabulib import read

    outcomes: dict = {}
    for path in sorted(Path(folder).glob("*.pb")):
        instance = read(path)
        election = pabutools_election(instance)
        for satisfaction in satisfactions_for(instance):
            for completion in completions:
                selected = pabutools_mes(
                    instance, satisfaction=satisfaction, completion=completion, election=election
                )
                outcomes.setdefault(path.name, {})[f"{satisfaction}/{completion}"] = selected
                print(path.name, satisfaction, completion, len(selected), flush=True)
    document = {"pabutools": version("pabutools"), "outcomes": outcomes}
    Path(out).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    record(sys.argv[1], sys.argv[2])
