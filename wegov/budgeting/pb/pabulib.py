"""Reading and writing the Pabulib .pb format.

A .pb file has three sections, each introduced by a line with its name
(META, PROJECTS, VOTES) and then a header row; cells are separated by ``;``
with CSV quoting. META rows are ``key;value``. PROJECTS rows start with
``project_id;cost``. VOTES rows start with ``voter_id;vote`` where ``vote`` is
a comma-separated list of project ids, and cumulative ballots add a parallel
``points`` column.
"""

from __future__ import annotations

import csv
import io
from os import PathLike
from pathlib import Path

from .instance import Instance, PabulibError, Project, Vote, parse_whole

SECTIONS = ("meta", "projects", "votes")


def _split_list(cell: str) -> tuple[str, ...]:
    cell = cell.strip()
    if not cell:
        return ()
    return tuple(part.strip() for part in cell.split(","))


def loads(text: str) -> Instance:
    """The instance in a .pb text."""
    text = text.removeprefix("\ufeff")
    instance = Instance()
    section: str | None = None
    header: list[str] | None = None
    seen: set[str] = set()
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) == 1 and row[0].strip().lower() in SECTIONS:
            section = row[0].strip().lower()
            if section in seen:
                raise PabulibError(f"section {section.upper()} appears twice")
            seen.add(section)
            header = None
            continue
        if section is None:
            raise PabulibError("the text does not start with a META, PROJECTS or VOTES line")
        if header is None:
            header = [cell.strip() for cell in row]
            _check_header(section, header)
            continue
        if len(row) != len(header):
            raise PabulibError(
                f"{section.upper()}: a row has {len(row)} cells, the header {len(header)}: "
                f"{';'.join(row)[:80]!r}"
            )
        cells = dict(zip(header, row, strict=True))
        if section == "meta":
            instance.meta[cells["key"].strip()] = cells["value"].strip()
        elif section == "projects":
            project = _project(cells)
            if project.id in instance.projects:
                raise PabulibError(f"project {project.id!r} appears twice")
            instance.projects[project.id] = project
        else:
            instance.votes.append(_vote(cells))
    if "projects" not in seen:
        raise PabulibError("the text has no PROJECTS section")
    _check_votes(instance)
    return instance


def _check_header(section: str, header: list[str]) -> None:
    needed = {"meta": ("key", "value"), "projects": ("project_id", "cost")}.get(
        section, ("voter_id", "vote")
    )
    missing = [name for name in needed if name not in header]
    if missing:
        raise PabulibError(f"{section.upper()} header lacks {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise PabulibError(f"{section.upper()} header repeats a column")


def _project(cells: dict[str, str]) -> Project:
    project_id = cells.pop("project_id").strip()
    if not project_id:
        raise PabulibError("a project has no project_id")
    cost = parse_whole(cells.pop("cost"), f"cost of project {project_id}")
    if cost < 0:
        raise PabulibError(f"cost of project {project_id} is negative")
    name = cells.pop("name", "").strip()
    fields = {key: value.strip() for key, value in cells.items() if value.strip()}
    return Project(id=project_id, cost=cost, name=name, fields=fields)


def _vote(cells: dict[str, str]) -> Vote:
    voter_id = cells.pop("voter_id").strip()
    projects = _split_list(cells.pop("vote"))
    points = tuple(
        parse_whole(p, f"points of voter {voter_id}") for p in _split_list(cells.pop("points", ""))
    )
    if points and len(points) != len(projects):
        raise PabulibError(f"voter {voter_id}: {len(projects)} projects but {len(points)} points")
    fields = {key: value.strip() for key, value in cells.items() if value.strip()}
    return Vote(voter_id=voter_id, projects=projects, points=points, fields=fields)


def _check_votes(instance: Instance) -> None:
    voters: set[str] = set()
    for vote in instance.votes:
        if vote.voter_id in voters:
            raise PabulibError(f"voter {vote.voter_id!r} appears twice")
        voters.add(vote.voter_id)
        if len(set(vote.projects)) != len(vote.projects):
            raise PabulibError(f"voter {vote.voter_id!r} names a project twice")
        unknown = [p for p in vote.projects if p not in instance.projects]
        if unknown:
            raise PabulibError(f"voter {vote.voter_id!r} votes for unknown project {unknown[0]!r}")


def read(path: str | PathLike[str]) -> Instance:
    """The instance in a .pb file (UTF-8)."""
    return loads(Path(path).read_text(encoding="utf-8"))


def _columns(rows, first: list[str]) -> list[str]:
    columns = list(first)
    for fields in rows:
        for key in fields:
            if key not in columns:
                columns.append(key)
    return columns


def dumps(instance: Instance) -> str:
    """The instance as .pb text (``loads(dumps(x)) == x``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in instance.meta.items():
        writer.writerow([key, value])

    out.write("PROJECTS\n")
    projects = list(instance.projects.values())
    has_name = any(p.name for p in projects)
    columns = _columns((p.fields for p in projects), ["project_id", "cost"])
    if has_name:
        columns.insert(2, "name")
    writer.writerow(columns)
    for p in projects:
        values = {"project_id": p.id, "cost": str(p.cost), "name": p.name, **p.fields}
        writer.writerow([values.get(column, "") for column in columns])

    out.write("VOTES\n")
    has_points = any(v.points for v in instance.votes)
    first = ["voter_id", "vote", "points"] if has_points else ["voter_id", "vote"]
    columns = _columns((v.fields for v in instance.votes), first)
    writer.writerow(columns)
    for v in instance.votes:
        values = {
            "voter_id": v.voter_id,
            "vote": ",".join(v.projects),
            "points": ",".join(str(p) for p in v.points),
            **v.fields,
        }
        writer.writerow([values.get(column, "") for column in columns])
    return out.getvalue()


def write(instance: Instance, path: str | PathLike[str]) -> None:
    """Write the instance as a .pb file (UTF-8)."""
    Path(path).write_text(dumps(instance), encoding="utf-8")
