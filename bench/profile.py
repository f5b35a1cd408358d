"""``python -m bench profile --only proposal_detail_500``: where a scenario's time goes.

Runs the scenario's requests in this process through Django's test client
with the same production settings as ``bench run`` (no server, no load), and
prints per request: the time, the number of SQL queries and their total time;
the slowest queries with ``EXPLAIN ANALYZE``; and the functions with the most
cumulative time under cProfile. Meant for finding why a scenario misses its
target, not for numbers to publish.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path


def _setup(workdir: Path) -> None:
    from bench.run import _collectstatic, _env

    env = _env(workdir, 8765)
    _collectstatic(env)
    os.environ.update(env)
    import django

    django.setup()


def profile(
    *, only: list[str], repeat: int, explain_ms: float, top: int, sort: str = "cumulative"
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wegov-bench-profile-"))
    _setup(workdir)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import GROUPS, _selected

    for group, names in _selected(only).items():
        _facts, group_scenarios = GROUPS[group]()
        for scenario in group_scenarios:
            if names is not None and scenario["name"] not in names:
                continue
            print(f"\n=== {scenario['name']}: {scenario['label']}")
            client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
            keep_cookies = scenario.get("session") or scenario.get("sign_in")
            if scenario.get("sign_in"):
                from wegov.accounts.models import User

                client.force_login(User.objects.get(email=scenario["sign_in"][0]))
            paths = scenario["paths"][: max(1, repeat)]
            timings, counts, sql_ms = [], [], []
            slowest: list[tuple[float, str]] = []
            for index in range(repeat):
                path = paths[index % len(paths)]
                if not keep_cookies:
                    client.cookies.clear()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path)
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    print(f"  {path}: HTTP {response.status_code}")
                    break
                timings.append(elapsed)
                counts.append(len(queries.captured_queries))
                sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                if index == repeat - 1:
                    slowest = sorted(
                        ((float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries),
                        reverse=True,
                    )
            if not timings:
                continue
            print(
                f"  {len(timings)} requests: median {statistics.median(timings):.1f} ms, "
                f"queries {min(counts)}-{max(counts)}, "
                f"SQL median {statistics.median(sql_ms):.1f} ms"
            )
            for ms, sql in slowest[:5]:
                print(f"  {ms:7.1f} ms  {sql[:300]}")
                if ms >= explain_ms and sql.lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        for (line,) in cursor.fetchall():
                            print("           " + line)
            profiler = cProfile.Profile()
            profiler.enable()
            for index in range(max(5, repeat // 2)):
                if not keep_cookies:
                    client.cookies.clear()
                response = client.get(paths[index % len(paths)])
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
            print("\n".join("  " + line for line in out.getvalue().splitlines()[4:]))
