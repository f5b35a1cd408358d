"""``python -m bench run``: the read endpoints under load, against the ceiling.

Starts gunicorn (2 workers, gthread) on 127.0.0.1 with production settings
(DEBUG off, WEGOV_ENV=production; plain HTTP on loopback), records one response
per scenario, then drives each scenario with wrk and, right after it, the same
server returning that response's bytes from a trivial view through the same
middleware stack (``bench/urls.py``): the framework's ceiling.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
CENTRE = (52.1561, 5.3878)


def _box(lat: float, lon: float, km: float) -> str:
    dlat = km / 2 / 111.32
    dlon = km / 2 / (111.32 * math.cos(math.radians(lat)))
    return f"{lon - dlon:.6f},{lat - dlat:.6f},{lon + dlon:.6f},{lat + dlat:.6f}"


def _random_point(rng: random.Random, radius_km: float) -> tuple[float, float]:
    r, b = math.sqrt(rng.random()) * radius_km, rng.uniform(0, 2 * math.pi)
    return (
        CENTRE[0] + r * math.cos(b) / 111.32,
        CENTRE[1] + r * math.sin(b) / (111.32 * math.cos(math.radians(CENTRE[0]))),
    )


def scenarios(service_code: str) -> list[dict]:
    rng = random.Random(7)
    city_box = _box(*CENTRE, 8.0)
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "name": "open311_default",
            "label": "GET /open311/v2/requests.json (default 90 days)",
            "paths": ["/open311/v2/requests.json"],
        },
        {
            "name": "open311_filtered",
            "label": f"... ?status=open&service_code={service_code}",
            "paths": [f"/open311/v2/requests.json?status=open&service_code={service_code}"],
        },
        {
            "name": "open311_uncached",
            "label": "GET requests.json, a different 90-day window each time (no cache hits)",
            "paths": [
                "/open311/v2/requests.json?start_date="
                + (now - dt.timedelta(days=90, minutes=m)).strftime("%Y-%m-%dT%H:%M:00Z")
                for m in range(1, 20001)
            ],
        },
        {
            "name": "map_1km",
            "label": "map.geojson, 1 km boxes at random places (zoom 15)",
            "paths": [
                f"/reports/map.geojson?bbox={_box(*_random_point(rng, 3.0), 1.0)}&zoom=15"
                for _ in range(5000)
            ],
        },
        {
            "name": "map_city",
            "label": "map.geojson, whole city (zoom 12, clustered)",
            "paths": [f"/reports/map.geojson?bbox={city_box}&zoom=12"],
        },
        {
            "name": "map_city_uncached",
            "label": "map.geojson, whole city, a different start date each time",
            "paths": [
                f"/reports/map.geojson?bbox={city_box}&zoom=12&start={today - dt.timedelta(days=d)}"
                for d in range(1, 731)
            ],
        },
    ]


def _env(workdir: Path, port: int) -> dict:
    from wegov.core.keys import generate_rsa_private_key_pem

    key = workdir / "oidc.pem"
    key.write_text(generate_rsa_private_key_pem())
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        WEGOV_ENV="production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        WEGOV_BASE_URL=f"http://127.0.0.1:{port}",
        OIDC_RSA_PRIVATE_KEY_FILE=str(key),
        WEGOV_RESIDENCY_CENSUS_KEY=secrets.token_urlsafe(32),
        SECURE_SSL_REDIRECT="0",
        WEGOV_BEHIND_TLS_PROXY="0",
        SECURE_HSTS_SECONDS="0",
        WEGOV_VAR_DIR=str(workdir),
        STATIC_ROOT=str(workdir / "static"),
        WEGOV_CACHE_PREFIX="wegov-bench",
        BENCH_FIXED_DIR=str(workdir / "fixed"),
        EMAIL_URL="console:",
    )
    (workdir / "fixed").mkdir()
    (workdir / "static").mkdir()
    return env


def _collectstatic(env: dict) -> None:
    """HTML pages link hashed static files (CompressedManifestStaticFilesStorage):
    the manifest must exist, as after a deployment's collectstatic."""
    if not (ROOT / "wegov" / "static" / "dist").exists():
        raise SystemExit("The front-end assets are not built: make assets")
    print("collectstatic ...", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=20):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url}")


def _fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, str, float, list]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            return (
                response.status,
                body,
                response.headers["Content-Type"],
                time.perf_counter() - started,
                response.headers.get_all("Set-Cookie") or [],
            )
    except urllib.error.HTTPError as exc:
        return (
            exc.code,
            exc.read(),
            exc.headers.get("Content-Type", ""),
            time.perf_counter() - started,
            [],
        )


def _workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time of the gunicorn master's workers (from /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == master_pid:  # the parent pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _wrk_with_cpu(master_pid: int, *args, **kwargs) -> dict:
    """wrk's figures plus the server's CPU milliseconds per request: unlike
    requests per second, CPU time does not depend on how fast the machine is
    running at the moment (other guests on the host), only on the work done."""
    before = _workers_cpu_seconds(master_pid)
    result = _wrk(*args, **kwargs)
    used = _workers_cpu_seconds(master_pid) - before
    result["cpu_ms_per_request"] = round(used * 1000 / max(1, result["requests"]), 3)
    return result


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def _sign_in(base: str, email: str, password: str) -> str:
    """The Cookie header of a signed-in visitor: logs in through the log-in form
    as a browser would (the session is the server's own, with its secret key)."""
    _status, body, _type, _t, set_cookies = _fetch(base + "/accounts/login/")
    jar = dict(c.split("=", 1) for c in _session_cookies(set_cookies).split("; ") if "=" in c)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None:
        raise SystemExit("The log-in page has no CSRF token.")
    form = {"login": email, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
    request = urllib.request.Request(
        base + "/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
    )
    try:
        response = urllib.request.build_opener(_NoRedirect).open(request, timeout=60)
    except urllib.error.HTTPError as exc:
        response = exc
    if response.status != 302:
        raise SystemExit(f"Signing in as {email} failed: HTTP {response.status}")
    for cookie in _session_cookies(response.headers.get_all("Set-Cookie") or []).split("; "):
        if "=" in cookie:
            name, value = cookie.split("=", 1)
            jar[name] = value
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def wrk_figures(out: subprocess.CompletedProcess) -> dict:
    """The figures a wrk run printed (its Lua script's ``BENCH_JSON`` line)."""
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": round(data["requests"] / seconds_run, 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p95_ms": round(data["p95_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "non_2xx": data["non_2xx"],
        "socket_errors": data["socket_errors"],
        "mean_bytes": round(data["bytes"] / max(data["requests"], 1)),
    }


def _wrk(
    base: str,
    paths: list[str],
    workdir: Path,
    *,
    seconds: int,
    connections: int,
    headers: dict | None = None,
) -> dict:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(Path(__file__).with_name("wrk.lua")),
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(base + paths[0])
    out = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "BENCH_PATHS": str(listing)}
    )
    return wrk_figures(out)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench run expects PostgreSQL (DATABASE_URL=postgres://...).")


def _database_facts() -> dict:
    _setup_django()
    from django.db import connection

    from wegov.reports.models import Category, Report

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'reports_report'")
        estimate = cursor.fetchone()[0]
    # The most frequent category of the demo's mix.
    top = Category.objects.filter(service_code="pothole").values_list("service_code", flat=True)
    top = top.first()
    return {
        "database": connection.settings_dict["NAME"],
        "reports_estimate": estimate,
        "service_code": top or "pothole",
        "latest_report": str(
            Report.objects.order_by("-created_at").values_list("created_at", flat=True).first()
        ),
    }


def _reports_group() -> tuple[dict, list[dict]]:
    facts = _database_facts()
    return facts, scenarios(facts["service_code"])


def _proposals_group() -> tuple[dict, list[dict]]:
    _setup_django()
    from bench import proposals

    facts = proposals.facts()
    return facts, proposals.scenarios(facts)


def _map_group() -> tuple[dict, list[dict]]:
    from bench import mapview

    return mapview.facts(), mapview.scenarios()


# Each group writes bench/results/<date>-<group>.json.
GROUPS = {"reports": _reports_group, "proposals": _proposals_group, "map": _map_group}
HTML_GROUPS = {"proposals"}  # pages with static files: collectstatic first
SCENARIO_GROUPS = {
    "reports": {
        "open311_default", "open311_filtered", "open311_uncached",
        "map_1km", "map_city", "map_city_uncached",
    },
    "proposals": {
        "proposals_list_first", "proposals_list_seeded", "proposals_list_supported_p50",
        "proposal_detail_500", "proposals_list_signed_in", "proposal_detail_500_signed_in",
    },
    "map": {
        "map_items_street", "map_items_city", "map_items_city_proposals",
        "map_items_city_uncached",
    },
}  # fmt: skip


def _selected(only: list[str]) -> dict[str, set[str] | None]:
    """Group -> the scenario names to run (None: all of the group)."""
    if not only:
        return dict.fromkeys(GROUPS)
    chosen: dict[str, set[str] | None] = {}
    for name in only:
        if name in GROUPS:
            chosen[name] = None
            continue
        group = next((g for g, names in SCENARIO_GROUPS.items() if name in names), None)
        if group is None:
            known = sorted({*GROUPS, *(n for names in SCENARIO_GROUPS.values() for n in names)})
            raise SystemExit(f"Unknown scenario {name!r}; known: {', '.join(known)}")
        if group not in chosen:
            chosen[group] = set()
        if chosen[group] is not None:
            chosen[group].add(name)
    return chosen


def _session_cookies(set_cookies: list[str]) -> str:
    """The Cookie header a browser would send back after these Set-Cookie headers."""
    return "; ".join(c.split(";", 1)[0] for c in set_cookies if "=" in c.split(";", 1)[0])


def _measure(
    scenario: dict,
    base: str,
    workdir: Path,
    *,
    seconds: int,
    rounds: int,
    connections: int,
    server_pid: int,
) -> dict:
    headers = dict(scenario.get("headers", {}))
    if scenario.get("sign_in"):
        headers["Cookie"] = _sign_in(base, *scenario["sign_in"])
    if scenario.get("session"):
        # One visitor: the first answer's cookies (the session with its seed) go
        # with every request, to the endpoint and to the ceiling alike.
        *_r, set_cookies = _fetch(base + scenario["paths"][0], headers)
        if set_cookies:
            headers["Cookie"] = _session_cookies(set_cookies)
    status, body, content_type, first, _c = _fetch(base + scenario["paths"][0], headers)
    entry = {
        "name": scenario["name"],
        "label": scenario["label"],
        "status": status,
        "bytes": len(body),
        "first_request_s": round(first, 3),
    }
    if "Cookie" in headers:
        entry["cookie_names"] = [c.split("=", 1)[0] for c in headers["Cookie"].split("; ")]
    print(
        f"{scenario['name']}: HTTP {status}, {len(body):,} bytes, first {first:.3f} s",
        flush=True,
    )
    if status != 200:
        entry["error"] = body[:300].decode(errors="replace")
        return entry
    for check in scenario.get("expect", []):
        if check.encode() not in body:
            print(f"  warning: the response does not contain {check!r}", flush=True)
            entry.setdefault("warnings", []).append(f"missing {check!r}")
    (workdir / "fixed" / f"{scenario['name']}.body").write_bytes(body)
    (workdir / "fixed" / f"{scenario['name']}.type").write_text(content_type)
    # The machine's speed drifts by a factor of two or more within minutes (other
    # work on the host): the scenario and its ceiling are measured alternately,
    # several times, and the medians are reported; each round's ratio is kept.
    # A warm-up first, not counted: the first requests fill the caches (each of
    # the 64 random-order starting points renders once per 30 s), which steady
    # traffic pays only at that rate; the first response's time is reported apart.
    _wrk(
        base, scenario["paths"], workdir, seconds=seconds, connections=connections, headers=headers
    )
    apps, ceilings = [], []
    for _round in range(rounds):
        apps.append(
            _wrk_with_cpu(
                server_pid, base, scenario["paths"], workdir, seconds=seconds,
                connections=connections, headers=headers,
            )
        )  # fmt: skip
        ceilings.append(
            _wrk_with_cpu(
                server_pid, base, [f"/__bench__/fixed/{scenario['name']}"], workdir,
                seconds=seconds, connections=connections, headers=headers,
            )
        )  # fmt: skip
        print(f"  round: app {apps[-1]['rps']} req/s, ceiling {ceilings[-1]['rps']} req/s")
    entry["app"] = _median_run(apps)
    entry["ceiling"] = _median_run(ceilings)
    ratios = [a["rps"] / c["rps"] for a, c in zip(apps, ceilings, strict=True)]
    entry["ratio"] = round(statistics.median(ratios), 3)
    entry["round_ratios"] = [round(r, 3) for r in ratios]
    # The same ratio by the server's CPU time per request (ceiling / endpoint).
    cpu_ratios = [
        c["cpu_ms_per_request"] / a["cpu_ms_per_request"]
        for a, c in zip(apps, ceilings, strict=True)
        if a["cpu_ms_per_request"] > 0
    ]
    entry["cpu_ratio"] = round(statistics.median(cpu_ratios), 3) if cpu_ratios else None
    print(f"  app {entry['app']}\n  ceiling {entry['ceiling']}", flush=True)
    return entry


def _median_run(runs: list[dict]) -> dict:
    """The run with the median requests per second."""
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def run(
    *,
    seconds: int,
    rounds: int = 3,
    connections: int,
    workers: int,
    threads: int,
    only: list[str],
    results_dir: str | None = None,
) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    selected = _selected(only)
    planned = []
    for group, names in selected.items():
        facts, group_scenarios = GROUPS[group]()
        group_scenarios = [s for s in group_scenarios if names is None or s["name"] in names]
        planned.append((group, facts, group_scenarios))
    port = 8765
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="wegov-bench-"))
    env = _env(workdir, port)
    if any(group in HTML_GROUPS for group, _f, _s in planned):
        _collectstatic(env)
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")), "wegov.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads),
        "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        "--error-logfile", str(workdir / "gunicorn.log"), "--log-level", "warning",
    ]  # fmt: skip
    load_before = os.getloadavg()
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    outcomes = []
    try:
        _wait(base + "/healthz")
        for group, facts, group_scenarios in planned:
            results = []
            for scenario in group_scenarios:
                results.append(
                    _measure(
                        scenario,
                        base,
                        workdir,
                        seconds=seconds,
                        rounds=rounds,
                        connections=connections,
                        server_pid=server.pid,
                    )
                )
            outcomes.append((group, facts, results))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log = (workdir / "gunicorn.log").read_text() if (workdir / "gunicorn.log").exists() else ""
        shutil.rmtree(workdir, ignore_errors=True)
    folder = Path(results_dir) if results_dir else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    for group, facts, results in outcomes:
        document = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "load_average_before": load_before},
            "server": {"gunicorn_workers": workers, "worker_class": "gthread", "threads": threads},
            "load": {
                "tool": "wrk",
                "threads": 1,
                "connections": connections,
                "seconds_per_round": seconds,
                "rounds": rounds,
            },
            **facts,
            "scenarios": results,
        }
        out = folder / f"{dt.date.today().isoformat()}-{group}.json"
        if only and out.exists() and selected[group] is not None:
            # A partial run updates its scenarios in the day's file, keeping the others.
            earlier = json.loads(out.read_text())
            mine = {r["name"] for r in results}
            kept = [r for r in earlier.get("scenarios", []) if r["name"] not in mine]
            document["scenarios"] = kept + results
        out.write_text(json.dumps(document, indent=2) + "\n")
        _table(results)
        print(f"\nWritten to {out}")
    if log.strip():
        print("gunicorn log:\n" + log[-3000:])


def _table(results: list[dict]) -> None:
    head = (
        f"{'scenario':<30} {'bytes':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} | "
        f"{'ceil req/s':>10} {'p50':>6} {'p95':>6} | {'ratio':>6} {'cpu ms':>7} "
        f"{'ceil':>6} {'by cpu':>6}  rounds"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in results:
        if "app" not in r:
            print(f"{r['name']:<30} HTTP {r['status']}: {r.get('error', '')[:80]}")
            continue
        a, c = r["app"], r["ceiling"]
        print(
            f"{r['name']:<30} {r['bytes']:>9,} {a['rps']:>8.1f} "
            f"{a['p50_ms']:>8.2f} {a['p95_ms']:>8.2f} | "
            f"{c['rps']:>10.1f} {c['p50_ms']:>6.2f} {c['p95_ms']:>6.2f} | {r['ratio']:>6.0%} "
            f"{a.get('cpu_ms_per_request', 0):>7.2f} {c.get('cpu_ms_per_request', 0):>6.2f} "
            f"{(r.get('cpu_ratio') or 0):>6.0%}  "
            + " ".join(f"{x:.0%}" for x in r.get("round_ratios", []))
        )
