"""Proposals at scale: ``python -m bench generate --proposals 100000 --supports
2000000 --comments 1000000`` and the scenarios of ``python -m bench run --only
proposals``.

Generation (PostgreSQL, a database whose name contains ``bench``):

- participants: ``--users`` generated accounts (``bench-<n>@bench.example``,
  verified residents, unusable password) so that supports are distinct
  (proposal, user) pairs;
- three processes: ``bench-ideas`` (city-wide, proposals phase open today, 85 %
  of the proposals), ``bench-district`` (one district, debate phase, 10 %) and
  ``bench-past`` (finished, 5 %, mostly answered);
- proposals with ``INSERT ... SELECT`` over ``generate_series``: titles and
  texts from word lists, topics, districts, half with a map location, some
  withdrawn, answered or hidden;
- supports: per proposal a heavy-tailed (Lomax) count, exact in total, users
  taken as a run of consecutive generated users from a random start, so the
  pairs are distinct without checking;
- comments: per proposal a heavy-tailed count (correlated with its supports),
  60 % top level, 30 % replies, 10 % replies to replies, each reply attached to
  a random comment of the level above on the same proposal; stances for / against
  / neutral;
- one proposal, "Benchmark: a proposal with 500 comments", gets exactly 500
  (250 top level, 175 replies, 75 replies to replies) and up/down votes as
  ``CommentVote`` rows, with the comments' vote counters computed from them;
- ``support_count``, ``comment_count`` and ``qualified_at`` are computed from the
  rows, then ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import datetime as dt
import time

MAIN_SLUG = "bench-ideas"
DETAIL_TITLE = "Benchmark: a proposal with 500 comments"
DETAIL_SPLIT = (250, 175, 75)  # top level, replies, replies to replies
USER_EMAIL = "bench-{}@bench.example"

# slug, title, scope, share of the proposals, phases (kind, first day, last day
# relative to today), the phase proposals were written in, answered shares
# (evaluating, accepted, rejected), support threshold.
PROCESSES = [
    (
        MAIN_SLUG, "Ideas for Lindenbrug 2027", "city", 0.85,
        [("information", -120, -61), ("proposals", -60, 30), ("evaluation", 31, 60),
         ("implementation", 61, 365)],
        (-60, 0), (0.03, 0.01, 0.01), 500,
    ),
    (
        "bench-district", "Our neighbourhood, our plans", "district", 0.10,
        [("information", -200, -151), ("proposals", -150, -31), ("debate", -30, 30)],
        (-150, -31), (0.2, 0.1, 0.1), 300,
    ),
    (
        "bench-past", "Green city 2025", "city", 0.05,
        [("proposals", -500, -400), ("evaluation", -399, -300), ("implementation", -299, -10)],
        (-500, -400), (0.1, 0.45, 0.45), 200,
    ),
]  # fmt: skip

TOPICS = [
    ("Mobility", "mobility"), ("Green spaces", "green-spaces"), ("Housing", "housing"),
    ("Culture", "culture"), ("Sport", "sport"), ("Safety", "safety"),
    ("Climate", "climate"), ("Youth", "youth"),
]  # fmt: skip

NAMES = [
    "Anouk", "Bas", "Chiara", "Daan", "Elif", "Femke", "Gert", "Hanna", "Ilias", "Joost",
    "Karin", "Lars", "Maaike", "Noah", "Olga", "Pieter", "Rania", "Sem", "Tessa", "Umut",
]  # fmt: skip
WHATS = [
    "More trees", "A safe bike lane", "A playground", "Benches and shade", "A community garden",
    "Better street lighting", "A pedestrian zone", "Water fountains", "A skate park",
    "Covered bike parking", "A dog park", "Solar panels", "A weekly market",
    "Public toilets", "A quiet zone", "Free wifi", "An outdoor gym", "Flower meadows",
]  # fmt: skip
WHERES = [
    "on Kerkstraat", "near the station", "in the Lindepark", "at the harbour",
    "along the Oude Gracht", "on the Marktplein", "near the schools", "in every district",
    "by the river", "at the sports park", "on Molenweg", "around the town hall",
]  # fmt: skip
REASONS = [
    "It would make the street safer for children.", "Older residents have asked for it.",
    "The area is too hot in summer.", "Many people cycle here every day.",
    "It costs little and helps a lot.", "Neighbours are ready to help maintain it.",
    "Other cities did this with good results.", "It brings people together.",
    "The current situation is dangerous at night.", "It reduces noise and pollution.",
]  # fmt: skip
OPINIONS = [
    "I fully agree with this.", "Good idea, but who pays for it?",
    "This has been needed for years.", "I am not sure this is the right place.",
    "Please think about people with a wheelchair.", "We tried this before; it failed.",
    "Count me in to help!", "What about parking for residents?",
    "Could this be combined with the market?", "I live there and would love it.",
    "The budget is better spent on schools.", "Let's start with a pilot.",
]  # fmt: skip


def _array(words: list[str]) -> str:
    from bench.sqlfill import literal

    return "ARRAY[" + ",".join(literal(w) for w in words) + "]"


def _pick(words: list[str], u: str) -> str:
    return f"({_array(words)})[1 + floor({u} * {len(words)})::int]"


def _setup():
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    import django

    django.setup()


def _step(started: float, message: str) -> None:
    print(f"  {message} ({time.monotonic() - started:.0f} s)", flush=True)


def generate(
    *,
    proposals: int,
    supports: int,
    comments: int,
    users: int,
    replace: bool,
    allow_any_database: bool,
) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("bench generate needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not allow_any_database:
        raise SystemExit(
            f"Refusing to fill database {name!r}: its name should contain 'bench' "
            "(or pass --allow-any-database)."
        )
    if supports > proposals * users:
        raise SystemExit("More supports than (proposal, user) pairs: raise --users.")
    if comments < sum(DETAIL_SPLIT) or proposals < 1:
        raise SystemExit(f"Need at least one proposal and {sum(DETAIL_SPLIT)} comments.")
    started = time.monotonic()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", "--if-empty")

    from wegov.proposals.models import Proposal

    existing = Proposal.objects.filter(process__slug__startswith="bench-").count()
    if existing and not replace:
        raise SystemExit(
            f"{existing:,} benchmark proposals already exist: pass --replace to start again."
        )
    if existing:
        print("Removing earlier benchmark proposals, their supports and comments ...")
        with transaction.atomic():
            _remove_earlier()
        _step(started, "removed")
    with transaction.atomic():
        n_users = _users(users, started)
        processes = _processes()
    _proposals(proposals, processes, started)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_proposal")
    plan_sql = _plan(supports, comments, processes, n_users)
    with connection.cursor() as cursor:
        cursor.execute(plan_sql)
    _supports(n_users, started)
    _comments(n_users, started)
    _counters(processes, started)
    with connection.cursor() as cursor:
        print("VACUUM ANALYZE ...", flush=True)
        for table in (
            "accounts_user",
            "proposals_proposal",
            "proposals_support",
            "comments_comment",
            "comments_commentvote",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(
            "SELECT count(*), sum(support_count), sum(comment_count) FROM proposals_proposal p "
            "JOIN processes_process r ON r.id = p.process_id WHERE r.slug LIKE %s",
            ["bench-%"],
        )
        n, s, c = cursor.fetchone()
    print(
        f"{n:,} proposals, {s:,} supports, {c:,} comments in {name} "
        f"after {time.monotonic() - started:.0f} s."
    )


def _remove_earlier() -> None:
    """Deletes the benchmark proposals and their comments, with every row that
    points at them (supports, votes, versions, flags ...: found in the catalogue,
    as Django's foreign keys do not cascade in the database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_old_proposals AS SELECT p.id FROM proposals_proposal p "
            "JOIN processes_process r ON r.id = p.process_id WHERE r.slug LIKE %s",
            ["bench-%"],
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_old_comments AS SELECT id FROM comments_comment "
            "WHERE target_kind = 'proposal' AND target_id IN (SELECT id FROM bench_old_proposals)"
        )
        _delete_cascade(cursor, "comments_comment", "bench_old_comments")
        _delete_cascade(cursor, "proposals_proposal", "bench_old_proposals")


def _delete_cascade(cursor, table: str, ids: str, depth: int = 0) -> None:
    """DELETE FROM table WHERE id IN (SELECT id FROM ids), referencing rows first."""
    if depth > 5:
        raise SystemExit(f"Foreign keys nest too deeply under {table}.")
    cursor.execute(
        """SELECT c.conrelid::regclass::text, a.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND c.conrelid <> c.confrelid""",
        [table],
    )
    for ref_table, column in cursor.fetchall():
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
            [ref_table],
        )
        if cursor.fetchone():
            child_ids = f"bench_del_{depth}_{ref_table}"[:60]
            cursor.execute(
                f"CREATE TEMP TABLE {child_ids} AS SELECT id FROM {ref_table} "
                f"WHERE {column} IN (SELECT id FROM {ids})"
            )
            _delete_cascade(cursor, ref_table, child_ids, depth + 1)
            cursor.execute(f"DROP TABLE {child_ids}")
        else:
            cursor.execute(f"DELETE FROM {ref_table} WHERE {column} IN (SELECT id FROM {ids})")
    cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {ids})")
    if depth == 0:
        cursor.execute(f"DROP TABLE {ids}")


def _users(count: int, started: float) -> int:
    """Creates the missing generated participants and the temporary table
    ``bench_users`` (k, id) numbering them from 0; returns how many there are."""
    from django.db import connection

    from bench.sqlfill import insert_select
    from wegov.accounts.models import User

    values = {
        "password": "'!bench'",
        "email": "format('bench-%%s@bench.example', g.i)",
        "display_name": f"{_pick(NAMES, 'random()')} || ' ' || g.i",
        "date_joined": "now() - random() * interval '700 days'",
        "is_active": "true",
        "preferred_language": "'nl'",
        "verified_resident_since": "now() - random() * interval '300 days'",
    }
    sql = insert_select(
        User,
        values,
        "FROM generate_series(1, %s) AS g(i) "
        "WHERE NOT EXISTS (SELECT 1 FROM accounts_user u "
        "WHERE u.email = format('bench-%%s@bench.example', g.i))",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])
        # Participant k (0 ..) of the run: supports and comments pick users by k.
        cursor.execute(
            """DROP TABLE IF EXISTS bench_users;
            CREATE TEMP TABLE bench_users AS
              SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id FROM accounts_user
              WHERE email LIKE 'bench-%@bench.example'
                AND substr(email, 7, length(email) - 20) ~ '^[0-9]+$'
                AND substr(email, 7, length(email) - 20)::int <= """
            + str(int(count))
            + """;
            CREATE UNIQUE INDEX ON bench_users (k);
            ANALYZE bench_users;"""
        )
        cursor.execute("SELECT count(*) FROM bench_users")
        n = cursor.fetchone()[0]
    _step(started, f"{n:,} participants")
    return n


def _processes() -> list[dict]:
    from django.utils import timezone

    from wegov.accounts.models import Organisation
    from wegov.places.models import District
    from wegov.processes.models import Phase, Process, Topic

    today = timezone.localdate()
    organisation = (
        Organisation.objects.filter(slug="participation").first()
        or Organisation.objects.order_by("pk").first()
    )
    if organisation is None:
        raise SystemExit("No organisation: the demo city did not load.")
    topics = []
    for label, slug in TOPICS:
        topic = Topic.objects.filter(slug=slug).first() or Topic.objects.filter(name=label).first()
        topics.append(topic or Topic.objects.create(name=label, slug=slug))
    district = District.objects.order_by("pk").first()
    result = []
    for slug, title, scope, share, phases, written, answered, threshold in PROCESSES:
        days = [today + dt.timedelta(days=d) for _k, a, b in phases for d in (a, b)]
        process, _created = Process.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": f"{title}: benchmark data.",
                "description": f"<p>{title}. Generated for the benchmark.</p>",
                "scope": scope,
                "district": district if scope == "district" else None,
                "topic": topics[0],
                "organisation": organisation,
                "is_published": True,
                "starts_on": min(days),
                "ends_on": max(days),
                "support_threshold": threshold,
            },
        )
        process.phases.all().delete()
        Phase.objects.bulk_create(
            Phase(
                process=process,
                kind=kind,
                starts_on=today + dt.timedelta(days=a),
                ends_on=today + dt.timedelta(days=b),
                position=index,
            )
            for index, (kind, a, b) in enumerate(phases)
        )
        result.append(
            {
                "id": process.pk,
                "slug": slug,
                "share": share,
                "written": written,
                "answered": answered,
                "threshold": threshold,
            }
        )
    return result


def _proposals(count: int, processes: list[dict], started: float) -> None:
    from django.db import connection

    from bench.sqlfill import insert_select
    from wegov.places.models import District
    from wegov.processes.models import Topic
    from wegov.proposals.models import Proposal

    topic_ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    district_ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    # Processes by cumulative share; each with its writing window and answer mix.
    cases, low = [], 0.0
    for index, p in enumerate(processes):
        high = 1.0 if index == len(processes) - 1 else low + p["share"]
        ev, acc, rej = p["answered"]
        cases.append(
            f"({p['id']}, {low!r}, {high!r}, {p['written'][0]}, {p['written'][1]}, "
            f"{ev!r}, {ev + acc!r}, {ev + acc + rej!r})"
        )
        low = high
    topics = "ARRAY[" + ",".join(map(str, topic_ids)) + "]"
    districts = "ARRAY[" + ",".join(map(str, district_ids)) + "]"
    values = {
        "created_at": "g.created",
        "updated_at": "g.created",
        "is_hidden": "g.u_hide > 0.999",
        "hidden_reason": "CASE WHEN g.u_hide > 0.999 THEN 'Off-topic (benchmark).' ELSE '' END",
        "hidden_at": "CASE WHEN g.u_hide > 0.999 THEN g.created END",
        "process_id": "g.process_id",
        "author_id": "u.id",
        "title": (
            f"{_pick(WHATS, 'g.u_what')} || ' ' || {_pick(WHERES, 'g.u_where')} "
            "|| ' (' || g.i || ')'"
        ),
        "body": (
            f"{_pick(WHATS, 'g.u_where')} || ' ' || {_pick(WHERES, 'g.u_what')} || '. ' || "
            f"{_pick(REASONS, 'g.u_a')} || ' ' || {_pick(REASONS, 'g.u_b')} || ' ' || "
            f"{_pick(REASONS, 'g.u_hide')}"
        ),
        "topic_id": f"({topics})[1 + floor(g.u_a * {len(topic_ids)})::int]",
        "district_id": (
            f"CASE WHEN g.u_b < 0.7 THEN ({districts})[1 + floor(g.u_b / 0.7 * "
            f"{len(district_ids)})::int] END"
        ),
        "lat": "CASE WHEN g.u_loc < 0.5 THEN 52.1561 + (g.u_a - 0.5) * 0.06 END",
        "lon": "CASE WHEN g.u_loc < 0.5 THEN 5.3878 + (g.u_b - 0.5) * 0.1 END",
        "address": "''",
        "state": "CASE WHEN g.u_state < 0.02 THEN 'withdrawn' ELSE 'published' END",
        "withdrawn_at": (
            "CASE WHEN g.u_state < 0.02 THEN g.created + (now() - g.created) * 0.5 END"
        ),
        "answer_state": (
            "CASE WHEN g.u_ans < g.ev THEN 'evaluating' WHEN g.u_ans < g.acc THEN 'accepted' "
            "WHEN g.u_ans < g.rej THEN 'rejected' ELSE 'not_answered' END"
        ),
        "answer_text": (
            "CASE WHEN g.u_ans < g.rej THEN 'Thank you. The department has looked at this "
            "proposal and explains its decision here (benchmark).' ELSE '' END"
        ),
        "answered_at": "CASE WHEN g.u_ans < g.rej THEN g.created + (now() - g.created) * 0.8 END",
        "answered_by_id": "NULL",
        "support_count": "0",
        "comment_count": "0",
        "qualified_at": "NULL",
        "shuffle_key": "floor(random() * 2147483647)::integer",
    }
    sql = insert_select(
        Proposal,
        values,
        f"""FROM (
          SELECT s.*, c.process_id, c.ev, c.acc, c.rej, least(now() - interval '1 minute',
            date_trunc('day', now()) + (c.w0 + s.u_day * (c.w1 - c.w0 + 1)) * interval '1 day'
          ) AS created
          FROM (
            SELECT i, random() AS u_proc, random() AS u_what, random() AS u_day,
              random() AS u_where, random() AS u_a, random() AS u_b, random() AS u_hide,
              random() AS u_loc, random() AS u_state, random() AS u_ans,
              floor(random() * (SELECT count(*) FROM bench_users))::int AS uk
            FROM generate_series(1, %s) AS i
          ) s
          JOIN (VALUES {",".join(cases)}) AS c(process_id, lo, hi, w0, w1, ev, acc, rej)
            ON s.u_proc >= c.lo AND s.u_proc < c.hi
        ) g JOIN bench_users u ON u.k = g.uk""",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])
    _step(started, f"{count:,} proposals")


def _plan(supports: int, comments: int, processes: list[dict], n_users: int) -> str:
    """A temporary table: per benchmark proposal, how many supports and comments
    (per level) it gets, and where its run of supporters starts."""
    main = next(p["id"] for p in processes if p["slug"] == MAIN_SLUG)
    ids = ",".join(str(p["id"]) for p in processes)
    top, r1, r2 = DETAIL_SPLIT
    rest = comments - (top + r1 + r2)
    return f"""
    DROP TABLE IF EXISTS bench_plan;
    CREATE TEMP TABLE bench_plan AS
    WITH p AS MATERIALIZED (
      SELECT id, process_id, created_at,
        power(1 - random(), -1 / 1.6) - 1 AS ws,
        random() AS u, floor(random() * {n_users})::int AS start
      FROM proposals_proposal WHERE process_id IN ({ids})
    ),
    d AS (  -- the detail scenario's proposal: the first visible one in the main process
      SELECT id FROM p JOIN proposals_proposal x USING (id)
      WHERE p.process_id = {main} AND NOT x.is_hidden AND x.state = 'published'
        AND x.answer_state = 'not_answered'
      ORDER BY id LIMIT 1
    ),
    w AS (
      SELECT p.*, p.id = (SELECT id FROM d) AS detail,
        CASE WHEN p.id = (SELECT id FROM d) THEN 0
          ELSE 0.5 * p.ws + power(1 - p.u, -1 / 2.0) - 1 END AS wc
      FROM p
    ),
    scaled AS (
      SELECT w.*,
        least({n_users}, w.ws * {supports}::float8 / sum(w.ws) OVER ()) AS xs,
        w.wc * {rest}::float8 / sum(w.wc) OVER () AS xc
      FROM w
    ),
    ranked AS (  -- largest remainders get the units the floors left over
      SELECT scaled.*,
        row_number() OVER (ORDER BY xs - floor(xs) DESC) AS rs,
        row_number() OVER (ORDER BY xc - floor(xc) DESC) AS rc,
        {supports} - sum(floor(xs)) OVER () AS left_s,
        {rest} - sum(floor(xc)) OVER () AS left_c
      FROM scaled
    )
    SELECT id, process_id, created_at, start, detail,
      least({n_users}, floor(xs)::int + (rs <= left_s)::int) AS n_s,
      CASE WHEN detail THEN {top + r1 + r2}
        ELSE floor(xc)::int + (rc <= left_c)::int END AS n_c
    FROM ranked;
    ALTER TABLE bench_plan ADD COLUMN c_top int, ADD COLUMN c_r1 int, ADD COLUMN c_r2 int;
    -- 30 % replies and 10 % replies to replies, rounded at random; at least
    -- one comment above every reply.
    UPDATE bench_plan SET
      c_r1 = CASE WHEN detail THEN {r1}
        ELSE greatest(0, least(n_c - 1, floor(n_c * 0.3 + random())::int)) END;
    UPDATE bench_plan SET
      c_r2 = CASE WHEN detail THEN {r2} WHEN c_r1 = 0 THEN 0
        ELSE least(n_c - 1 - c_r1, floor(n_c * 0.1 + random())::int) END;
    UPDATE bench_plan SET c_top = n_c - c_r1 - c_r2;
    CREATE INDEX ON bench_plan (id);
    ANALYZE bench_plan;
    """


def _supports(n_users: int, started: float) -> None:
    from django.db import connection

    from bench.sqlfill import insert_select
    from wegov.proposals.models import Support

    sql = insert_select(
        Support,
        {
            "proposal_id": "s.id",
            "user_id": "u.id",
            "created_at": "s.created_at + random() * (now() - s.created_at)",
        },
        f"""FROM (
          SELECT p.id, p.created_at, (p.start + k) %% {n_users} AS k
          FROM bench_plan p CROSS JOIN LATERAL generate_series(0, p.n_s - 1) AS k
          WHERE p.id BETWEEN %s AND %s
        ) s JOIN bench_users u ON u.k = s.k""",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM bench_plan")
        low, high = cursor.fetchone()
        step = max(1, (high - low + 1) // 4)
        for first in range(low, high + 1, step):
            cursor.execute(sql, [first, min(high, first + step - 1)])
            _step(started, f"supports for proposals up to {min(high, first + step - 1)}")


def _comments(n_users: int, started: float) -> None:
    from django.db import connection

    from bench.sqlfill import insert_select
    from wegov.comments.models import Comment, CommentVote
    from wegov.core import registry

    try:
        stances = registry.get_kind("proposal").comment_stances
    except KeyError:
        stances = False
    stance_sql = (
        "CASE WHEN c.u_st < 0.45 THEN 'for' WHEN c.u_st < 0.8 THEN 'against' ELSE 'neutral' END"
        if stances
        else "''"
    )
    base = {
        "target_kind": "'proposal'",
        "target_id": "c.target_id",
        "author_id": "u.id",
        "body": (
            f"{_pick(OPINIONS, 'c.u_a')} || ' ' || {_pick(REASONS, 'c.u_b')} "
            f"|| CASE WHEN c.u_st < 0.3 THEN ' ' || {_pick(OPINIONS, 'c.u_b')} ELSE '' END"
        ),
        "stance": stance_sql,
        "upvotes": "0",
        "downvotes": "0",
        "created_at": "c.created",
        "updated_at": "c.created",
        "is_hidden": "false",
    }
    randoms = (
        f"random() AS u_a, random() AS u_b, random() AS u_st, "
        f"floor(random() * {n_users})::int AS uk"
    )
    top = insert_select(
        Comment,
        {**base, "parent_id": "NULL", "depth": "0"},
        f"""FROM (
          SELECT p.id AS target_id, {randoms},
            p.created_at + random() * (now() - p.created_at) AS created
          FROM bench_plan p CROSS JOIN LATERAL generate_series(1, p.c_top) AS k
        ) c JOIN bench_users u ON u.k = c.uk""",
    )

    def replies(depth: int, column: str) -> str:
        return insert_select(
            Comment,
            {**base, "parent_id": "c.parent_id", "depth": str(depth)},
            f"""FROM (
              SELECT r.*, par.id AS parent_id,
                par.created_at + r.u_t * (now() - par.created_at) AS created
              FROM (
                SELECT p.id AS target_id, {randoms}, random() AS u_t,
                  1 + floor(random() * p.{column})::int AS rn
                FROM bench_plan p CROSS JOIN LATERAL generate_series(1, p.c_r{depth}) AS k
              ) r JOIN bench_level par ON par.target_id = r.target_id AND par.rn = r.rn
            ) c JOIN bench_users u ON u.k = c.uk""",
        )

    level = """
    DROP TABLE IF EXISTS bench_level;
    CREATE TEMP TABLE bench_level AS
      SELECT c.id, c.target_id, c.created_at,
        row_number() OVER (PARTITION BY c.target_id ORDER BY c.id)::int AS rn
      FROM comments_comment c JOIN bench_plan p ON p.id = c.target_id
      WHERE c.target_kind = 'proposal' AND c.depth = %s;
    CREATE INDEX ON bench_level (target_id, rn);
    ANALYZE bench_level;
    """
    with connection.cursor() as cursor:
        cursor.execute(top)
        _step(started, "top-level comments")
        cursor.execute(level, [0])
        cursor.execute(replies(1, "c_top"))
        _step(started, "replies")
        cursor.execute(level, [1])
        cursor.execute(replies(2, "c_r1"))
        _step(started, "replies to replies")
        cursor.execute("DROP TABLE bench_level")
        # Votes on the detail proposal's comments: up to 40 distinct voters each,
        # mostly up for some comments, mostly down for others.
        votes = insert_select(
            CommentVote,
            {
                "comment_id": "v.id",
                "user_id": "u.id",
                "value": "CASE WHEN random() < v.q THEN 1 ELSE -1 END",
                "created_at": "v.created_at + random() * (now() - v.created_at)",
            },
            f"""FROM (
              SELECT c.id, c.created_at, c.q, (c.start + k) % {n_users} AS k
              FROM (
                SELECT c.id, c.created_at, 0.3 + 0.7 * random() AS q,
                  floor(random() * {n_users})::int AS start,
                  floor(power(random(), 2) * 40)::int AS n
                FROM comments_comment c JOIN bench_plan p ON p.id = c.target_id AND p.detail
                WHERE c.target_kind = 'proposal'
              ) c CROSS JOIN LATERAL generate_series(1, c.n) AS k
            ) v JOIN bench_users u ON u.k = v.k""",
        )
        cursor.execute(votes)
        cursor.execute(
            """UPDATE comments_comment c SET upvotes = v.up, downvotes = v.down
            FROM (SELECT comment_id, count(*) FILTER (WHERE value = 1) AS up,
                         count(*) FILTER (WHERE value = -1) AS down
                  FROM comments_commentvote GROUP BY comment_id) v
            WHERE v.comment_id = c.id"""
        )
        _step(started, "votes on the detail proposal's comments")


def _counters(processes: list[dict], started: float) -> None:
    """support_count, comment_count (visible comments) and qualified_at from the rows."""
    from django.db import connection

    ids = ",".join(str(p["id"]) for p in processes)
    thresholds = " ".join(f"WHEN {p['id']} THEN {p['threshold']}" for p in processes)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE proposals_proposal p SET
              support_count = coalesce(s.n, 0),
              comment_count = coalesce(c.n, 0),
              qualified_at = CASE WHEN coalesce(s.n, 0) >= CASE p.process_id {thresholds} END
                THEN p.created_at + (now() - p.created_at) * 0.5 END,
              title = CASE WHEN b.detail THEN %s ELSE p.title END
            FROM bench_plan b
            LEFT JOIN (SELECT proposal_id, count(*) AS n FROM proposals_support
                       GROUP BY proposal_id) s ON s.proposal_id = b.id
            LEFT JOIN (SELECT target_id, count(*) AS n FROM comments_comment
                       WHERE target_kind = 'proposal' AND NOT is_hidden AND deleted_at IS NULL
                       GROUP BY target_id) c ON c.target_id = b.id
            WHERE p.id = b.id AND p.process_id IN ({ids})""",
            [DETAIL_TITLE],
        )
    _step(started, "support and comment counts")


# --------------------------------------------------------------------------- run


def facts() -> dict:
    """What the scenarios need from the database (Django is set up)."""
    from django.db import connection

    from wegov.proposals.models import Proposal

    detail = (
        Proposal.objects.filter(process__slug=MAIN_SLUG, title=DETAIL_TITLE)
        .values("pk", "comment_count", "support_count")
        .first()
    )
    if detail is None:
        raise SystemExit(
            'No benchmark proposals: make bench ARGS="generate --proposals 100000 '
            '--supports 2000000 --comments 1000000"'
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(support_count), sum(comment_count) FROM proposals_proposal"
        )
        n, s, c = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM proposals_proposal p JOIN processes_process r "
            "ON r.id = p.process_id WHERE r.slug = %s AND NOT p.is_hidden",
            [MAIN_SLUG],
        )
        main_visible = cursor.fetchone()[0]
    return {
        "database": connection.settings_dict["NAME"],
        "proposals": n,
        "supports": s,
        "comments_on_proposals": c,
        "process": MAIN_SLUG,
        "process_visible_proposals": main_visible,
        "detail_proposal": detail["pk"],
        "detail_comments": detail["comment_count"],
        "detail_supports": detail["support_count"],
    }


SIGNED_IN_PASSWORD = "bench-password-2026"


def signed_in_participant() -> tuple[str, str]:
    """One generated participant who can log in (the others have no usable
    password): email and password, for the signed-in scenarios."""
    from allauth.account.models import EmailAddress

    from wegov.accounts.models import User

    email = USER_EMAIL.format(1)
    user = User.objects.get(email=email)
    if not user.check_password(SIGNED_IN_PASSWORD):
        user.set_password(SIGNED_IN_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return email, SIGNED_IN_PASSWORD


def scenarios(facts: dict) -> list[dict]:
    from django.urls import reverse

    listing = reverse("proposals:list", args=[MAIN_SLUG])
    detail = reverse("proposals:detail", args=[MAIN_SLUG, facts["detail_proposal"]])
    participant = signed_in_participant()
    return [
        {
            "name": "proposals_list_first",
            "label": "proposals list, first page, default (random) order, a new visitor each time",
            "paths": [listing],
        },
        {
            "name": "proposals_list_seeded",
            "label": "proposals list, pages 1-20 in one visitor's random order (order cookie)",
            "paths": [f"{listing}?page={n}" for n in range(1, 21)],
            "session": True,
        },
        {
            "name": "proposals_list_supported_p50",
            "label": "proposals list, most supported, page 50",
            "paths": [f"{listing}?order=supported&page=50"],
        },
        {
            "name": "proposal_detail_500",
            "label": f"proposal page with {facts['detail_comments']} comments",
            "paths": [detail],
            "expect": [DETAIL_TITLE],
        },
        # Signed-in people get no cached pages: these measure the pages as rendered.
        {
            "name": "proposals_list_signed_in",
            "label": "proposals list, pages 1-20 in the random order, signed in (never cached)",
            "paths": [f"{listing}?page={n}" for n in range(1, 21)],
            "sign_in": participant,
            "expect": ["Log out"],
        },
        {
            "name": "proposal_detail_500_signed_in",
            "label": f"proposal page with {facts['detail_comments']} comments, signed in",
            "paths": [detail],
            "sign_in": participant,
            "expect": [DETAIL_TITLE, "Publish comment"],
        },
    ]
