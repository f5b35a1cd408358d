"""``python -m bench opinions-vote``: the vote request of a conversation under
load, against the framework's ceiling in the same run.

A vote only writes its row and, after the commit, asks
``tasks.schedule_recompute`` to queue a recomputation (debounced): the maths
never runs in the request. This bench shows what that costs: the vote POST
(no JavaScript: a redirect; htmx: the next statement's card) measured
alternately with the same POST (same headers, cookies, CSRF check, body) to
``/__bench__/fixed/<scenario>``, a trivial view returning the recorded response
through the same middleware stack and gunicorn workers.

The conversation ``bench-vote`` (re)made in the database: ``--statements``
shown statements, ``--participants`` earlier participants with ``--votes-each``
votes each (``INSERT ... SELECT`` over ``generate_series``). During the load,
every request is one of ``--browsers`` anonymous browsers (its cookie, chosen
at random: the first request of each creates its participant) voting agree,
disagree or pass on a random statement (a new vote or a changed one).

Needs PostgreSQL (a database whose name contains ``bench``), ``wrk`` and Redis
(``REDIS_URL``): with a broker the recomputation is queued, as in production,
instead of running eagerly in the request; the queued tasks are purged after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.run import (
    RESULTS,
    ROOT,
    _collectstatic,
    _env,
    _fetch,
    _median_run,
    _wait,
    _workers_cpu_seconds,
    _wrk,
    wrk_figures,
)

SLUG = "bench-vote"


def _setup(allow_any_database: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench opinions-vote needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not allow_any_database:
        raise SystemExit(
            f"Refusing to fill database {name!r}: its name should contain 'bench' "
            "(or pass --allow-any-database)."
        )
    if not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "Set REDIS_URL (e.g. redis://127.0.0.1:6379/15): without a broker Celery runs "
            "the recomputation eagerly, inside the vote request, unlike production."
        )


def prepare(*, statements: int, participants: int, votes_each: int) -> dict:
    """(Re)make the conversation and its earlier votes; facts for the results."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from wegov.opinions.models import Conversation, Statement, Vote

    call_command("migrate", "--no-input", verbosity=0)
    votes_each = min(votes_each, statements)
    with transaction.atomic():
        Conversation.objects.filter(slug=SLUG).delete()
        conversation = Conversation.objects.create(
            slug=SLUG,
            topic="Benchmark: a car-free city centre?",
            is_published=True,
            allow_anonymous=True,
            moderation=Conversation.Moderation.POST,
        )
        Statement.objects.bulk_create(
            Statement(
                conversation=conversation,
                number=n,
                text=f"Benchmark statement {n}: the centre should change in way {n}.",
                state=Statement.State.ACCEPTED,
                is_seed=n <= 10,
            )
            for n in range(1, statements + 1)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO opinions_participant (conversation_id, number, browser_key, created_at)
                SELECT %s, g, md5('p' || g) || md5('q' || g), now()
                FROM generate_series(1, %s) AS g
                """,
                [conversation.pk, participants],
            )
            # Participant p votes on statements (p * 7919 + k * 104729) mod N for
            # k = 1..votes_each: distinct because 104729 is a prime not dividing N.
            cursor.execute(
                """
                INSERT INTO opinions_vote
                    (conversation_id, participant_id, statement_id, value, created_at, updated_at)
                SELECT %(c)s, p.id, s.id, floor(random() * 3)::int - 1, now(), now()
                FROM opinions_participant p
                CROSS JOIN generate_series(1, %(k)s) AS k
                JOIN opinions_statement s
                  ON s.conversation_id = %(c)s
                 AND s.number = 1 + ((p.number::bigint * 7919 + k * 104729) %% %(n)s)
                WHERE p.conversation_id = %(c)s
                """,
                {"c": conversation.pk, "k": votes_each, "n": statements},
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE opinions_vote")
        cursor.execute("VACUUM ANALYZE opinions_participant")
        cursor.execute("VACUUM ANALYZE opinions_statement")
    return {
        "database": connection.settings_dict["NAME"],
        "conversation": SLUG,
        "statements": statements,
        "participants_before": participants,
        "votes_before": Vote.objects.filter(conversation=conversation).count(),
    }


def _wrk_post(
    base: str,
    paths: list[str],
    workdir: Path,
    *,
    seconds: int,
    connections: int,
    csrf: tuple[str, str],
    htmx: bool,
) -> dict:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(Path(__file__).with_name("wrk_post.lua")), base + paths[0],
    ]  # fmt: skip
    env = {
        **os.environ,
        "BENCH_PATHS": str(listing),
        "BENCH_TOKENS": str(workdir / "tokens.txt"),
        "BENCH_CSRF_NAME": csrf[0],
        "BENCH_CSRF": csrf[1],
        "BENCH_HTMX": "1" if htmx else "",
    }
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    return wrk_figures(out)


def _csrf(base: str) -> tuple[str, str]:
    """The CSRF cookie (name, value) a browser gets with the conversation page."""
    status, _body, _type, _t, set_cookies = _fetch(base + f"/conversations/{SLUG}/")
    if status != 200:
        raise SystemExit(f"The conversation page answered HTTP {status}")
    for cookie in set_cookies:
        name, value = cookie.split(";", 1)[0].split("=", 1)
        if "csrftoken" in name:
            return name, value
    raise SystemExit("The conversation page set no CSRF cookie.")


def _post(base: str, path: str, csrf: tuple[str, str], token: str, htmx: bool):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrf[1],
        "Cookie": f"{csrf[0]}={csrf[1]}; wegov_opinions_browser={token}",
    }
    if htmx:
        headers["HX-Request"] = "true"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args, **_kwargs):
            return None

    request = urllib.request.Request(
        base + path, data=urllib.parse.urlencode({"value": "agree"}).encode(), headers=headers
    )
    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=60)
    except urllib.error.HTTPError as exc:
        response = exc
    return response.status, response.read(), response.headers.get("Content-Type", "")


def run(
    *,
    seconds: int,
    rounds: int,
    connections: int,
    workers: int,
    threads: int,
    statements: int,
    participants: int,
    votes_each: int,
    browsers: int,
    allow_any_database: bool,
    results_dir: str | None = None,
) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    _setup(allow_any_database)
    print("preparing the conversation ...", flush=True)
    facts = prepare(statements=statements, participants=participants, votes_each=votes_each)
    print(f"  {facts}", flush=True)
    port = 8765
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="wegov-bench-vote-"))
    env = _env(workdir, port)
    _collectstatic(env)
    (workdir / "tokens.txt").write_text(
        "\n".join(secrets.token_urlsafe(32) for _ in range(browsers)) + "\n"
    )
    paths = [f"/conversations/{SLUG}/statements/{n}/vote/" for n in range(1, statements + 1)]
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")), "wegov.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads),
        "--access-logfile", "/dev/null",
        "--error-logfile", str(workdir / "gunicorn.log"), "--log-level", "warning",
    ]  # fmt: skip
    load_before = os.getloadavg()
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    results = []
    try:
        _wait(base + "/healthz")
        csrf = _csrf(base)
        for name, label, htmx in (
            ("vote_nojs", "POST vote, no JavaScript: 302 back to the conversation", False),
            ("vote_htmx", "POST vote with htmx: 200, the next statement's card", True),
        ):
            status, body, content_type = _post(base, paths[0], csrf, "first-visit", htmx)
            print(f"{name}: HTTP {status}, {len(body):,} bytes", flush=True)
            (workdir / "fixed" / f"{name}.body").write_bytes(body)
            (workdir / "fixed" / f"{name}.type").write_text(content_type or "text/html")
            entry = {"name": name, "label": label, "status": status, "bytes": len(body)}
            if status not in (200, 302):
                entry["error"] = body[:300].decode(errors="replace")
                results.append(entry)
                continue
            ceiling_paths = [f"/__bench__/fixed/{name}"]
            common = {"seconds": seconds, "connections": connections, "csrf": csrf, "htmx": htmx}
            _wrk_post(base, paths, workdir, **common)  # warm-up, not counted
            apps, ceilings, healths = [], [], []
            for _round in range(rounds):
                for target, runs in ((paths, apps), (ceiling_paths, ceilings), (None, healths)):
                    before = _workers_cpu_seconds(server.pid)
                    if target is None:  # GET /healthz: the framework plus a DB and cache check
                        result = _wrk(
                            base, ["/healthz"], workdir, seconds=seconds, connections=connections
                        )
                    else:
                        result = _wrk_post(base, target, workdir, **common)
                    used = _workers_cpu_seconds(server.pid) - before
                    result["cpu_ms_per_request"] = round(
                        used * 1000 / max(1, result["requests"]), 3
                    )
                    runs.append(result)
                print(
                    f"  round: vote {apps[-1]['rps']} req/s, ceiling {ceilings[-1]['rps']} "
                    f"req/s, healthz {healths[-1]['rps']} req/s"
                )
            ratios = [a["rps"] / c["rps"] for a, c in zip(apps, ceilings, strict=True)]
            cpu = [
                c["cpu_ms_per_request"] / a["cpu_ms_per_request"]
                for a, c in zip(apps, ceilings, strict=True)
                if a["cpu_ms_per_request"] > 0
            ]
            health_ratios = [a["rps"] / h["rps"] for a, h in zip(apps, healths, strict=True)]
            entry.update(
                app=_median_run(apps),
                ceiling=_median_run(ceilings),
                healthz=_median_run(healths),
                ratio=round(statistics.median(ratios), 3),
                ratio_to_healthz=round(statistics.median(health_ratios), 3),
                round_ratios=[round(r, 3) for r in ratios],
                cpu_ratio=round(statistics.median(cpu), 3) if cpu else None,
            )
            print(f"  vote {entry['app']}\n  ceiling {entry['ceiling']}", flush=True)
            results.append(entry)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log = (workdir / "gunicorn.log").read_text() if (workdir / "gunicorn.log").exists() else ""
        shutil.rmtree(workdir, ignore_errors=True)
    facts.update(_after(facts))
    _purge_queued_tasks()
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
            "browsers": browsers,
        },
        **facts,
        "scenarios": results,
    }
    folder = Path(results_dir) if results_dir else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{dt.date.today().isoformat()}-opinions-vote.json"
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(
        f"\n{'scenario':<10} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} | {'ceiling':>8} | "
        f"{'healthz':>8} | ratio  to healthz"
    )
    for r in results:
        if "app" in r:
            print(
                f"{r['name']:<10} {r['app']['rps']:>8.1f} {r['app']['p50_ms']:>7.2f} "
                f"{r['app']['p95_ms']:>7.2f} | {r['ceiling']['rps']:>8.1f} | "
                f"{r['healthz']['rps']:>8.1f} | {r['ratio']:>5.0%}  {r['ratio_to_healthz']:.0%}"
            )
    print(f"\nWritten to {out}")
    if log.strip():
        print("gunicorn log:\n" + log[-3000:])


def _after(facts: dict) -> dict:
    from django.db import connection

    from wegov.opinions.models import Participant, Vote

    connection.close()
    return {
        "participants_after": Participant.objects.filter(conversation__slug=SLUG).count(),
        "votes_after": Vote.objects.filter(conversation__slug=SLUG).count(),
        "analyses_computed_during_run": _analyses(),
    }


def _analyses() -> int:
    from wegov.opinions.models import OpinionAnalysis

    return OpinionAnalysis.objects.filter(conversation__slug=SLUG).count()


def _purge_queued_tasks() -> None:
    """Drop the recomputations the run queued (no worker ran them)."""
    from wegov.celery import app

    try:
        app.control.purge()
    except Exception as exc:  # the broker went away: nothing to purge
        print(f"  (could not purge the queued tasks: {exc})")
