"""python -m bench {generate,run}: see docs/bench.md."""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="insert many reports into PostgreSQL (DATABASE_URL)")
    gen.add_argument("--reports", type=int, default=1_000_000)
    gen.add_argument("--batch", type=int, default=100_000)
    gen.add_argument("--replace", action="store_true", help="delete existing reports first")
    gen.add_argument("--allow-any-database", action="store_true")
    run = sub.add_parser("run", help="measure the read endpoints against the ceiling")
    run.add_argument("--seconds", type=int, default=15, help="per scenario and per baseline")
    run.add_argument("--connections", type=int, default=8)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--threads", type=int, default=4)
    run.add_argument("--only", nargs="*", default=[], help="scenario names")
    args = parser.parse_args(argv)
    if args.command == "generate":
        from bench.generate import generate

        generate(
            reports=args.reports,
            batch=args.batch,
            replace=args.replace,
            allow_any_database=args.allow_any_database,
        )
    else:
        from bench.run import run as run_bench

        run_bench(
            seconds=args.seconds,
            connections=args.connections,
            workers=args.workers,
            threads=args.threads,
            only=args.only,
        )


if __name__ == "__main__":
    main()
