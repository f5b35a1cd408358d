"""``python -m bench export --rows 100000 1000000``: the open-data export of
reports in constant memory.

Each size runs in a fresh child process (``python -m bench.opendata child N``)
that exports the first N public reports of the database (DATABASE_URL) with
the production code path (``wegov.opendata.writer.write_dataset``) into a
temporary folder; the parent reads the child's peak resident set size from
``os.wait4`` (ru_maxrss) and the child reports its time, rows and file sizes.
Constant memory means the peak RSS hardly moves from 100,000 to 1,000,000 rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def child(rows: int, formats: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    import resource

    import django

    django.setup()
    import dataclasses

    from django.db import connection
    from django.utils import timezone

    from wegov.opendata import registry, writer
    from wegov.opendata.models import OpenDataSettings
    from wegov.opendata.services import file_metadata

    dataset = registry.get("reports")
    limited = dataclasses.replace(dataset, rows=lambda: itertools.islice(dataset.rows(), rows))
    od = OpenDataSettings.load()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = writer.write_dataset(
        limited, metadata=file_metadata(dataset, od, timezone.now()), formats=tuple(formats)
    )
    seconds = time.monotonic() - started
    print(
        json.dumps(
            {
                "rows": result.rows,
                "seconds": round(seconds, 2),
                "rows_per_second": round(result.rows / seconds) if seconds else None,
                "bytes": result.sizes,
                "rss_before_export_kb": baseline,
                "database": connection.vendor,
            }
        )
    )


def run(*, sizes: list[int], formats: list[str], results_dir: str | None) -> dict:
    runs = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="wegov-opendata-bench-") as tmp:
            env = {**os.environ, "WEGOV_OPENDATA_DIR": tmp}
            cmd = [sys.executable, "-m", "bench.opendata", "child", str(n), *formats]
            proc = subprocess.Popen(
                cmd, env=env, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent
            )
            out = proc.stdout.read()
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode:
                raise SystemExit(f"export of {n} rows failed (exit {proc.returncode})")
            measured = json.loads(out.decode().strip().splitlines()[-1])
            measured["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
            measured["rss_before_export_mb"] = round(measured.pop("rss_before_export_kb") / 1024, 1)
            measured["requested_rows"] = n
            runs.append(measured)
            print(
                f"{measured['rows']:>10,} rows  {measured['seconds']:>7.1f} s  "
                f"{measured['rows_per_second'] or 0:>8,} rows/s  peak RSS "
                f"{measured['peak_rss_mb']:>6.1f} MB (before export "
                f"{measured['rss_before_export_mb']:.1f} MB)  files {measured['bytes']}",
                flush=True,
            )
    peaks = [r["peak_rss_mb"] for r in runs]
    report = {
        "scenario": "opendata_export_reports",
        "formats": formats,
        "date": dt.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": runs,
        "peak_rss_spread_mb": round(max(peaks) - min(peaks), 1) if peaks else None,
    }
    folder = Path(results_dir) if results_dir else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "" if formats == ["csv"] else "-" + "-".join(formats)
    path = folder / f"{report['date']}-opendata-export{suffix}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results in {path}")
    return report


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "child":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        child(int(sys.argv[2]), sys.argv[3:] or ["csv"])
    else:
        raise SystemExit("usage: python -m bench export --rows N [N ...]")
