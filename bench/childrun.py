"""Time and peak memory of work in a fresh child process (the pb and opinions benches).

The parent runs ``python -m <module> child ...``; the child prepares its
inputs untimed, then ``report_work`` times ``work()`` ``repeat`` times,
resetting the kernel's peak-RSS mark before each run, and prints one JSON
line that ``run_child`` reads back.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def report_work(work: Callable[[], object], repeat: int, key: str, to_json=lambda x: x) -> None:
    """Run ``work`` ``repeat`` times and print the median time, the RSS before,
    the highest peak RSS and the last run's result (under ``key``)."""
    times, peaks = [], []
    rss_before = status_kb("VmRSS")
    result = None
    for _ in range(repeat):
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM (peak RSS)
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
        peaks.append(status_kb("VmHWM"))
    print(
        json.dumps(
            {
                "seconds": round(statistics.median(times), 3),
                "seconds_all": [round(t, 3) for t in times],
                "rss_before_kb": rss_before,
                "rss_peak_kb": max(peaks),
                key: to_json(result),
            }
        )
    )


def run_child(module: str, arguments: list[str], *, env=None) -> dict:
    """Run ``python -m module child arguments...`` and return its JSON line,
    with ``rss_growth_kb`` (peak RSS during the work over the RSS before it)."""
    command = [sys.executable, "-m", module, "child", *arguments]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env=env)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rss_growth_kb"] = result["rss_peak_kb"] - result["rss_before_kb"]
    return result
