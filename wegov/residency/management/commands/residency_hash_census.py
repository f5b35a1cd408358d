"""For the census office: turn plain rows into the upload format, locally.

    manage.py residency_hash_census IN.csv OUT.csv

IN.csv has the header ``identifier,birth_date,district`` (birth date as
YYYY-MM-DD, district as WeGov's district slug); OUT.csv gets
``identifier_hash,district_slug``, ready for the census-list upload. Run it on
the census office's own computer with WEGOV_RESIDENCY_CENSUS_KEY set to the
shared key: the plain file never reaches the WeGov server. It needs no
database. Nothing is written when any row has a problem.
"""

import csv
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wegov.residency import hashing

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
HEADER = ["identifier", "birth_date", "district"]


class Command(BaseCommand):
    help = "Hash a plain census file (identifier,birth_date,district) into the upload format."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("infile", type=Path)
        parser.add_argument("outfile", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite OUT.csv if it exists.")

    def handle(self, *args, infile: Path, outfile: Path, force=False, **options):
        if outfile.exists() and not force:
            raise CommandError(f"{outfile} exists; use --force to overwrite it.")
        if not settings.WEGOV_RESIDENCY_CENSUS_KEY:
            raise CommandError("Set WEGOV_RESIDENCY_CENSUS_KEY to the key shared with WeGov.")
        try:
            text = infile.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {infile}: {exc}") from None
        rows = list(csv.reader(text.splitlines()))
        if not rows or [h.strip().lower() for h in rows[0]] != HEADER:
            raise CommandError("The first line must be the header identifier,birth_date,district.")
        problems, out, seen = [], [], {}
        for line, record in enumerate(rows[1:], start=2):
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != 3:
                problems.append(f"line {line}: expected 3 columns, found {len(record)}")
                continue
            identifier, birth, district = (cell.strip() for cell in record)
            if not hashing.normalise_identifier(identifier):
                problems.append(f"line {line}: empty identifier")
                continue
            try:
                born = hashing.parse_iso_date(birth)
            except ValueError:
                problems.append(f"line {line}: birth date must be YYYY-MM-DD")
                continue
            if not SLUG_RE.match(district):
                problems.append(f"line {line}: district must be a slug like 'binnenstad'")
                continue
            digest = hashing.census_hash(identifier, born)
            if digest in seen:
                # The line number only: never print identifiers.
                problems.append(f"line {line}: the same person as line {seen[digest]}")
                continue
            seen[digest] = line
            out.append((digest, district))
        if problems:
            shown = problems[:20] + (
                [f"... and {len(problems) - 20} more"] if len(problems) > 20 else []
            )
            raise CommandError("Nothing written:\n" + "\n".join(shown))
        if not out:
            raise CommandError("The file has a header but no rows.")
        with outfile.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["identifier_hash", "district_slug"])
            writer.writerows(out)
        self.stdout.write(f"{len(out)} rows hashed into {outfile}.")
