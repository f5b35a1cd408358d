"""python -m bench {generate,run,profile,export,pb,opinions,opinions-vote}: see docs/bench.md."""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser(
        "generate",
        help="insert many reports and/or proposals into PostgreSQL (DATABASE_URL)",
        description="Without options: 1,000,000 reports. With --proposals (and optionally "
        "--supports, --comments): proposals only, unless --reports is given too.",
    )
    gen.add_argument("--reports", type=int, default=None, help="default 1,000,000")
    gen.add_argument("--batch", type=int, default=100_000)
    gen.add_argument("--proposals", type=int, default=None)
    gen.add_argument("--supports", type=int, default=None, help="default 20 per proposal")
    gen.add_argument("--comments", type=int, default=None, help="default 10 per proposal")
    gen.add_argument("--users", type=int, default=20_000, help="generated participants")
    gen.add_argument(
        "--replace", action="store_true", help="delete existing reports / proposals first"
    )
    gen.add_argument("--allow-any-database", action="store_true")
    run = sub.add_parser("run", help="measure the read endpoints against the ceiling")
    run.add_argument(
        "--seconds", type=int, default=5, help="per round, for the scenario and for its ceiling"
    )
    run.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="scenario and ceiling measured alternately this many times; medians are reported",
    )
    run.add_argument("--connections", type=int, default=8)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--threads", type=int, default=4)
    run.add_argument("--results", default=None, help="folder for the JSON (bench/results)")
    run.add_argument(
        "--only", nargs="*", default=[], help="scenario or group names (reports, proposals)"
    )
    exp = sub.add_parser(
        "export",
        help="open-data export of reports: time and peak RSS per size (constant memory)",
    )
    exp.add_argument(
        "--rows", type=int, nargs="+", default=[100_000, 1_000_000], help="sizes to export"
    )
    exp.add_argument("--formats", nargs="+", default=["csv"], choices=["csv", "geojson", "json"])
    exp.add_argument("--results", default=None, help="folder for the JSON (bench/results)")
    pb = sub.add_parser(
        "pb",
        help="Method of Equal Shares: ours against pabutools (time, peak RSS, same outcome)",
    )
    pb.add_argument("--voters", type=int, default=100_000, help="of the generated instance")
    pb.add_argument("--projects", type=int, default=200, help="of the generated instance")
    pb.add_argument("--seed", type=int, default=2026, help="of the generated instance")
    mes_completions = ["none", "add1", "greedy", "add1_greedy"]
    pb.add_argument(
        "--completions",
        nargs="+",
        default=["none", "add1"],
        choices=mes_completions,
        help="on the largest real file",
    )
    pb.add_argument(
        "--synthetic-completions",
        nargs="*",
        default=["none"],
        choices=mes_completions,
        help="on the generated instance (add1 re-runs MES once per unit added: slow in pabutools)",
    )
    pb.add_argument("--no-pabutools", action="store_true", help="time ours only")
    pb.add_argument("--results", default=None, help="folder for the JSON (bench/results)")
    op = sub.add_parser(
        "opinions",
        help="opinion groups: sparse (ours) against dense numpy (time, peak RSS, same groups)",
    )
    op.add_argument("--participants", type=int, default=20_000)
    op.add_argument("--statements", type=int, default=1_000)
    op.add_argument("--seed", type=int, default=2026, help="of the generated conversation")
    op.add_argument("--repeat", type=int, default=3, help="runs of ours (median reported)")
    op.add_argument("--no-db", action="store_true", help="skip recompute() on a SQLite database")
    op.add_argument("--results", default=None, help="folder for the JSON (bench/results)")
    vote = sub.add_parser(
        "opinions-vote",
        help="a conversation's vote POST (no JS and htmx) against the framework's ceiling",
    )
    vote.add_argument("--seconds", type=int, default=5)
    vote.add_argument("--rounds", type=int, default=5)
    vote.add_argument("--connections", type=int, default=8)
    vote.add_argument("--workers", type=int, default=2)
    vote.add_argument("--threads", type=int, default=4)
    vote.add_argument("--statements", type=int, default=1000)
    vote.add_argument("--participants", type=int, default=2000, help="earlier participants")
    vote.add_argument("--votes-each", type=int, default=100, help="of each earlier participant")
    vote.add_argument("--browsers", type=int, default=5000, help="anonymous voters during load")
    vote.add_argument("--allow-any-database", action="store_true")
    vote.add_argument("--results", default=None, help="folder for the JSON (bench/results)")
    prof = sub.add_parser("profile", help="query counts, EXPLAIN ANALYZE, cProfile per scenario")
    prof.add_argument("--only", nargs="+", required=True, help="scenario or group names")
    prof.add_argument("--repeat", type=int, default=20)
    prof.add_argument("--explain-ms", type=float, default=5.0, help="EXPLAIN queries this slow")
    prof.add_argument("--top", type=int, default=30, help="functions to list")
    prof.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    args = parser.parse_args(argv)
    if args.command == "profile":
        from bench.profile import profile

        profile(
            only=args.only,
            repeat=args.repeat,
            explain_ms=args.explain_ms,
            top=args.top,
            sort=args.sort,
        )
        return
    if args.command == "opinions-vote":
        from bench.opinions_vote import run as run_vote

        run_vote(
            seconds=args.seconds,
            rounds=args.rounds,
            connections=args.connections,
            workers=args.workers,
            threads=args.threads,
            statements=args.statements,
            participants=args.participants,
            votes_each=args.votes_each,
            browsers=args.browsers,
            allow_any_database=args.allow_any_database,
            results_dir=args.results,
        )
        return
    if args.command == "pb":
        from bench.pb_mes import run as run_pb

        run_pb(
            voters=args.voters,
            projects=args.projects,
            seed=args.seed,
            completions=args.completions,
            synthetic_completions=args.synthetic_completions,
            pabutools=not args.no_pabutools,
            results_dir=args.results,
        )
        return
    if args.command == "opinions":
        from bench.opinions import run as run_opinions

        run_opinions(
            participants=args.participants,
            statements=args.statements,
            seed=args.seed,
            repeat=args.repeat,
            db=not args.no_db,
            results_dir=args.results,
        )
        return
    if args.command == "export":
        from bench.opendata import run as run_export

        run_export(sizes=args.rows, formats=args.formats, results_dir=args.results)
        return
    if args.command == "generate":
        wants_proposals = any(v is not None for v in (args.proposals, args.supports, args.comments))
        reports = args.reports
        if reports is None and not wants_proposals:
            reports = 1_000_000
        if reports:
            from bench.generate import generate

            generate(
                reports=reports,
                batch=args.batch,
                replace=args.replace,
                allow_any_database=args.allow_any_database,
            )
        if wants_proposals:
            from bench.proposals import generate as generate_proposals

            proposals = args.proposals if args.proposals is not None else 100_000
            generate_proposals(
                proposals=proposals,
                supports=args.supports if args.supports is not None else 20 * proposals,
                comments=args.comments if args.comments is not None else 10 * proposals,
                users=args.users,
                replace=args.replace,
                allow_any_database=args.allow_any_database,
            )
    else:
        from bench.run import run as run_bench

        run_bench(
            seconds=args.seconds,
            rounds=args.rounds,
            connections=args.connections,
            workers=args.workers,
            threads=args.threads,
            only=args.only,
            results_dir=args.results,
        )


if __name__ == "__main__":
    main()
