"""``python -m bench pb``: the Method of Equal Shares, ours against pabutools.

Two instances: the largest real Pabulib file in ``../shared/data/pabulib``
(most voters x projects) and a generated approval election (seeded; default
100,000 voters, 200 projects: ``wegov.budgeting.pb.synthetic.large_instance``).
Each measurement runs in a fresh child process (``python -m bench.pb_mes child
...``) that loads the instance (not timed; pabutools parses the same .pb text
with its own parser), resets the kernel's peak-RSS mark (``/proc/self/clear_refs``),
runs the tally and reports its time, its resident memory before and its peak
RSS during the tally, and the selected projects. The parent checks that both
outcomes are identical (it fails otherwise) and writes
``bench/results/<date>-pb.json``.

Ours is timed as ``tally(instance, "mes", ...)`` (which also builds its arrays
and the input hash); pabutools as ``method_of_equal_shares`` on its parsed
instance and profile (``voter_budget_increment=1`` for add1).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

from bench.childrun import report_work, run_child

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _pabulib_folder() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data" / "pabulib").is_dir():
            return base / "shared" / "data" / "pabulib"
    raise SystemExit("../shared/data/pabulib not found")


def largest_real() -> Path:
    from wegov.budgeting.pb import read

    def size(path: Path) -> int:
        instance = read(path)
        return len(instance.votes) * len(instance.projects)

    return max(sorted(_pabulib_folder().glob("*.pb")), key=size)


def _load(case: str):
    from wegov.budgeting.pb import read
    from wegov.budgeting.pb.synthetic import large_instance

    kind, _, rest = case.partition(":")
    if kind == "file":
        return read(rest)
    seed, voters, projects = (int(x) for x in rest.split(":"))
    return large_instance(seed=seed, voters=voters, projects=projects)


def child(impl: str, case: str, completion: str, repeat: int) -> None:
    instance = _load(case)
    if impl == "pabutools":
        from wegov.budgeting.pb.reference import pabutools_election, pabutools_mes

        election = pabutools_election(instance)

        def work():
            return pabutools_mes(
                instance, satisfaction="cost", completion=completion, election=election
            )
    else:
        from wegov.budgeting.pb import tally

        def work():
            return tally(instance, "mes", satisfaction="cost", completion=completion).selected

    report_work(work, repeat, "selected")


def _measure(impl: str, case: str, completion: str, repeat: int) -> dict:
    print("  ", impl, completion, "...", flush=True)
    return run_child("bench.pb_mes", [impl, case, completion, str(repeat)])


def run(
    *,
    voters: int,
    projects: int,
    seed: int,
    completions: list[str],
    synthetic_completions: list[str],
    pabutools: bool,
    results_dir: str | None,
) -> dict:
    real = largest_real()
    cases = [
        (f"file:{real}", real.stem, completions),
        (f"synthetic:{seed}:{voters}:{projects}", f"synthetic {voters}x{projects} seed {seed}",
         synthetic_completions),
    ]  # fmt: skip
    rows = []
    for case, label, wanted in cases:
        instance = _load(case)
        print(f"{label}: {len(instance.votes)} voters, {len(instance.projects)} projects")
        for completion in wanted:
            ours = _measure("ours", case, completion, repeat=3)
            row = {
                "instance": label,
                "voters": len(instance.votes),
                "projects": len(instance.projects),
                "completion": completion,
                "satisfaction": "cost",
                "ours": ours,
            }
            if pabutools:
                theirs = _measure("pabutools", case, completion, repeat=1)
                if theirs["selected"] != ours["selected"]:
                    raise SystemExit(
                        f"DIFFERENT OUTCOMES on {label} ({completion}):\n"
                        f"ours      {ours['selected']}\npabutools {theirs['selected']}"
                    )
                row["pabutools"] = theirs
                row["identical_outcome"] = True
                row["speedup"] = round(theirs["seconds"] / max(ours["seconds"], 1e-9), 1)
                row["memory_ratio"] = round(
                    theirs["rss_growth_kb"] / max(ours["rss_growth_kb"], 1), 1
                )
            rows.append(row)
            _print_row(row)
    from importlib.metadata import version

    document = {
        "date": dt.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "pabutools": version("pabutools") if pabutools else None,
        "results": rows,
    }
    folder = Path(results_dir) if results_dir else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{document['date']}-pb.json"
    out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"written {out}")
    return document


def _print_row(row: dict) -> None:
    ours = row["ours"]
    text = (
        f"    {row['completion']:>5}: ours {ours['seconds']:.3f} s, "
        f"+{ours['rss_growth_kb'] / 1024:.1f} MiB peak RSS"
    )
    if "pabutools" in row:
        theirs = row["pabutools"]
        text += (
            f" | pabutools {theirs['seconds']:.3f} s, +{theirs['rss_growth_kb'] / 1024:.1f} MiB"
            f" | {row['speedup']}x faster, identical: {row['identical_outcome']}"
        )
    print(text + f" | {len(ours['selected'])} funded", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) == 6 and sys.argv[1] == "child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit("usage: python -m bench pb (see docs/bench.md)")
