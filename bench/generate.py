"""``python -m bench generate --reports 1000000``: many reports, fast, on PostgreSQL.

Migrates the database named by DATABASE_URL, loads the demo city once (districts,
departments, categories), then inserts reports with ``INSERT ... SELECT`` over
``generate_series`` in batches: random points over the city's districts, two
years of history, every status with an age-dependent mix, the demo's category
weights and channels.
"""

from __future__ import annotations

import math
import time

STREETS = ["Kerkstraat", "Molenweg", "Lindelaan", "Stationsplein", "Havenkade", "Oude Gracht",
           "Beukenlaan", "Julianastraat", "Marktplein", "Dorpsstraat", "Schoolstraat",
           "Eikenlaan", "Vondelstraat", "Rembrandtlaan", "Zuiderweg", "Noorderkade"]  # fmt: skip

# Status mix by age (cumulative shares), as a city that mostly keeps up would have.
STATUS_SQL = """
CASE
  WHEN g.age < 2 THEN CASE WHEN g.u_st < 0.55 THEN 'submitted' WHEN g.u_st < 0.8 THEN
    'acknowledged' WHEN g.u_st < 0.93 THEN 'in_progress' ELSE 'resolved' END
  WHEN g.age < 30 THEN CASE WHEN g.u_st < 0.06 THEN 'submitted' WHEN g.u_st < 0.16 THEN
    'acknowledged' WHEN g.u_st < 0.32 THEN 'in_progress' WHEN g.u_st < 0.84 THEN 'resolved'
    WHEN g.u_st < 0.91 THEN 'closed' WHEN g.u_st < 0.95 THEN 'not_responsible'
    ELSE 'duplicate' END
  ELSE CASE WHEN g.u_st < 0.01 THEN 'submitted' WHEN g.u_st < 0.025 THEN 'acknowledged'
    WHEN g.u_st < 0.05 THEN 'in_progress' WHEN g.u_st < 0.84 THEN 'resolved'
    WHEN g.u_st < 0.91 THEN 'closed' WHEN g.u_st < 0.95 THEN 'not_responsible'
    ELSE 'duplicate' END
END
"""

CHANNEL_SQL = """CASE WHEN g.u_ch < 0.55 THEN 'web' WHEN g.u_ch < 0.75 THEN 'app'
  WHEN g.u_ch < 0.87 THEN 'phone' WHEN g.u_ch < 0.91 THEN 'counter'
  WHEN g.u_ch < 0.96 THEN 'email' ELSE 'api' END"""


def _setup():
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    import django

    django.setup()


def generate(*, reports: int, batch: int, replace: bool, allow_any_database: bool) -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from wegov.places import demo as places_demo
    from wegov.places.models import Area
    from wegov.reports import demo as reports_demo
    from wegov.reports.models import Category, Report

    if connection.vendor != "postgresql":
        raise SystemExit("bench generate needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not allow_any_database:
        raise SystemExit(
            f"Refusing to fill database {name!r}: its name should contain 'bench' "
            "(or pass --allow-any-database)."
        )
    started = time.monotonic()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", "--if-empty")
    with connection.cursor() as cursor:
        if replace:
            print("Removing earlier reports ...")
            cursor.execute("TRUNCATE reports_report CASCADE")

    # Categories with cumulative weights from the demo's mix.
    weights = {code: weight for code, *_r, weight, _k in reports_demo.CATEGORIES}
    categories = list(Category.objects.filter(service_code__in=weights).order_by("pk"))
    total = sum(weights[c.service_code] for c in categories)
    rows, low = [], 0.0
    for c in categories:
        high = low + weights[c.service_code] / total
        rows.append(
            (c.pk, c.department_id, c.sla_hours, c.name, low, 1.0 if c is categories[-1] else high)
        )
        low = high
    cats_sql = ",".join(
        f"({pk},{dept},{sla},%s::text,{lo!r},{hi!r})" for pk, dept, sla, _n, lo, hi in rows
    )
    cats_params = [r[3] for r in rows]

    # Districts: the centre disc, then seven sectors by bearing (places/demo.py).
    areas = {a.slug: a.pk for a in Area.objects.all()}
    centre_id = areas["binnenstad"]
    sector_ids = [areas[n.lower()] for n, _p in places_demo.DISTRICTS]
    lat0, lon0 = places_demo.CENTRE
    inner, outer = places_demo.INNER_KM, places_demo.OUTER_KM - 0.05
    km_lat = 1 / 111.32
    km_lon = 1 / (111.32 * math.cos(math.radians(lat0)))
    sectors = "ARRAY[" + ",".join(str(i) for i in sector_ids) + "]"
    streets = "ARRAY[" + ",".join(f"'{s}'" for s in STREETS) + "]"

    values = {
        "created_at": "now() - g.age * interval '1 day'",
        "updated_at": "coalesce(s.resolved, s.ack, now() - g.age * interval '1 day')",
        "category_id": "c.id",
        "department_id": "c.dept",
        "title": f"c.name || ' on ' || ({streets})[1 + floor(g.u_t * {len(STREETS)})::int]",
        "description": "'Generated for the benchmark: ' || c.name || '. Please have a look.'",
        "lat": f"{lat0!r} + g.r * cos(radians(g.b)) * {km_lat!r}",
        "lon": f"{lon0!r} + g.r * sin(radians(g.b)) * {km_lon!r}",
        "address": "''",
        "district_id": (
            f"CASE WHEN g.r < {inner!r} THEN {centre_id} "
            f"ELSE ({sectors})[1 + floor(g.b / (360.0 / 7))::int] END"
        ),
        "status": "s.status",
        "status_changed_at": "coalesce(s.resolved, s.ack, now() - g.age * interval '1 day')",
        "acknowledged_at": "s.ack",
        "resolved_at": "s.resolved",
        "due_at": "now() - g.age * interval '1 day' + c.sla * interval '1 hour'",
        "channel": CHANNEL_SQL,
        "reporter_id": "NULL",
        "reporter_email": "''",
        "reporter_name": "''",
        "reporter_phone": "''",
        "is_anonymous": "true",
        "filed_by_id": "NULL",
        "duplicate_of_id": "NULL",
        "responsible_body": "CASE WHEN s.status = 'not_responsible' THEN 'ProRail' ELSE '' END",
        "confirmations_count": "floor(g.u_t * g.u_t * 6)::int",
        "is_hidden": "g.u_ch > 0.9995",
        "hidden_reason": "''",
        "hidden_at": "CASE WHEN g.u_ch > 0.9995 THEN now() ELSE NULL END",
        "api_client_id": "NULL",
        "device_id": "''",
        "account_id": "''",
        "token": "gen_random_uuid()",
        "media_url": "''",
    }
    columns = [f.column for f in Report._meta.concrete_fields if f.column != "id"]
    missing = [c for c in columns if c not in values]
    if missing:
        raise SystemExit(f"bench/generate.py does not know how to fill {missing}: add them.")
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    select_sql = ", ".join(values[c] for c in columns)
    sql = f"""
    WITH cats(id, dept, sla, name, lo, hi) AS (VALUES {cats_sql}),
    g AS MATERIALIZED (
      SELECT i, random() AS u_cat, sqrt(random()) * {outer!r} AS r, random() * 360 AS b,
             random() * 730 AS age, random() AS u_st, random() AS u_ch, random() AS u_ack,
             random() AS u_res, random() AS u_t
      FROM generate_series(1, %s) AS i
    ),
    gc AS MATERIALIZED (
      SELECT g.*, c.id AS cat, c.sla AS cat_sla, {STATUS_SQL} AS status
      FROM g JOIN cats c ON g.u_cat >= c.lo AND g.u_cat < c.hi
    ),
    s AS MATERIALIZED (
      SELECT gc.i, gc.status,
        CASE WHEN gc.status = 'submitted' THEN NULL ELSE least(now(),
          now() - gc.age * interval '1 day' + (0.5 + gc.u_ack * 70) * interval '1 hour') END
          AS ack,
        CASE WHEN gc.status IN ('submitted', 'acknowledged', 'in_progress') THEN NULL
          ELSE least(now(), now() - gc.age * interval '1 day'
            + (0.5 + gc.u_ack * 70) * interval '1 hour'
            + gc.u_res * gc.cat_sla * 1.6 * interval '1 hour') END AS resolved
      FROM gc
    )
    INSERT INTO reports_report ({column_sql})
    SELECT {select_sql}
    FROM gc AS g JOIN cats c ON c.id = g.cat JOIN s ON s.i = g.i
    """
    done = 0
    with connection.cursor() as cursor:
        while done < reports:
            n = min(batch, reports - done)
            cursor.execute(sql, [*cats_params, n])
            done += n
            print(f"  {done:,} reports ({time.monotonic() - started:.0f} s)", flush=True)
        print("VACUUM ANALYZE ...", flush=True)
        cursor.execute("VACUUM ANALYZE reports_report")
        cursor.execute("SELECT count(*) FROM reports_report")
        count = cursor.fetchone()[0]
    print(f"{count:,} reports in {name} after {time.monotonic() - started:.0f} s.")
