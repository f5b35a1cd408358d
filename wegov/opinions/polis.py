"""Reading and writing Pol.is openData exports (pure Python, no Django).

A Pol.is openData export is a directory of four CSV files (UTF-8, ``\\n`` line
ends, minimal quoting):

``comments.csv``
    ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body``;
    ``timestamp`` in milliseconds since the epoch, ``datetime`` the same moment as
    text in the exporting server's time zone, ``moderated`` 1 accepted, 0 not yet
    moderated, -1 removed by the moderators.
``votes.csv``
    ``timestamp,datetime,comment-id,voter-id,vote`` with vote 1 agree, -1 disagree,
    0 pass. A voter may have several rows for one comment (a changed vote): the
    latest by timestamp counts.
``participants-votes.csv``
    ``participant,[xid,]group-id,n-comments,n-votes,n-agree,n-disagree`` then one
    column per comment id holding 1, -1, 0 or nothing. ``xid`` (an organiser's
    external id) is in some exports only; ``group-id`` is 0-based and blank for
    participants not placed in an opinion group.
``summary.csv``
    ``key,value`` rows: topic, url, views, voters, voters-in-conv, commenters,
    comments, groups, conversation-description (values may span lines).

``read_export`` parses a directory into a ``PolisExport``; ``write_export``
writes one back in the same format (reading and writing the published exports
gives the same bytes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
SUMMARY = "summary.csv"
FILES = (COMMENTS, VOTES, PARTICIPANTS_VOTES, SUMMARY)

COMMENT_COLUMNS = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]
VOTE_COLUMNS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_COLUMNS = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
SUMMARY_KEYS = [
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
]

AGREE, DISAGREE, PASS = 1, -1, 0
VOTE_VALUES = (AGREE, DISAGREE, PASS)
ACCEPTED, UNMODERATED, REMOVED = 1, 0, -1
MODERATED_VALUES = (ACCEPTED, UNMODERATED, REMOVED)


class PolisFormatError(ValueError):
    """A file is missing or does not have the Pol.is openData layout; the message says where."""


@dataclass(frozen=True)
class Comment:
    id: int
    author_id: int
    timestamp: int  # milliseconds since the epoch
    datetime: str  # as written by Pol.is (server-local text); informative only
    body: str
    moderated: int = ACCEPTED
    agrees: int = 0
    disagrees: int = 0

    @property
    def is_removed(self) -> bool:
        return self.moderated == REMOVED


@dataclass(frozen=True)
class VoteRow:
    comment_id: int
    voter_id: int
    vote: int
    timestamp: int
    datetime: str


@dataclass(frozen=True)
class ParticipantRow:
    participant: int
    group_id: int | None  # 0-based Pol.is group, None when not grouped
    n_comments: int
    n_votes: int
    n_agree: int
    n_disagree: int
    votes: dict[int, int] = field(default_factory=dict)  # comment id -> 1/-1/0
    xid: str = ""


@dataclass
class PolisExport:
    """One conversation's openData export, rows kept in file order."""

    comments: list[Comment]
    votes: list[VoteRow]
    participants: list[ParticipantRow]
    summary: dict[str, str]
    # The comment ids heading participants-votes.csv, in order.
    matrix_columns: list[int] = field(default_factory=list)
    has_xid: bool = False
    name: str = ""  # the directory's name, e.g. "brexit-consensus"

    # -- summary --------------------------------------------------------
    @property
    def topic(self) -> str:
        return self.summary.get("topic", "")

    @property
    def url(self) -> str:
        return self.summary.get("url", "")

    @property
    def description(self) -> str:
        return self.summary.get("conversation-description", "")

    def summary_int(self, key: str) -> int | None:
        value = self.summary.get(key, "").strip()
        return int(value) if value.lstrip("-").isdigit() else None

    # -- comments -------------------------------------------------------
    def comments_by_id(self) -> dict[int, Comment]:
        return {c.id: c for c in self.comments}

    def comment_ids(self, *, include_removed: bool = True) -> list[int]:
        return sorted(c.id for c in self.comments if include_removed or not c.is_removed)

    def removed_comment_ids(self) -> set[int]:
        return {c.id for c in self.comments if c.is_removed}

    # -- votes ----------------------------------------------------------
    def latest_votes(self) -> dict[tuple[int, int], VoteRow]:
        """(comment id, voter id) -> the vote that counts (the latest; on equal
        timestamps the later row in the file)."""
        latest: dict[tuple[int, int], VoteRow] = {}
        for row in self.votes:
            key = (row.comment_id, row.voter_id)
            previous = latest.get(key)
            if previous is None or row.timestamp >= previous.timestamp:
                latest[key] = row
        return latest

    def latest_vote_triples(self) -> list[tuple[int, int, int]]:
        """Sorted (voter id, comment id, vote) of the votes that count."""
        return sorted((v.voter_id, v.comment_id, v.vote) for v in self.latest_votes().values())

    def vote_arrays(self):
        """The votes that count as three numpy int arrays (voter ids, comment ids,
        values), sorted by voter then comment: ready for a sparse matrix."""
        import numpy as np

        triples = self.latest_vote_triples()
        if not triples:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), empty.copy()
        voters, comments, values = zip(*triples, strict=True)
        return (
            np.asarray(voters, dtype=np.int64),
            np.asarray(comments, dtype=np.int64),
            np.asarray(values, dtype=np.int64),
        )

    # -- participants ---------------------------------------------------
    def voter_ids(self) -> list[int]:
        return sorted({v.voter_id for v in self.votes})

    def participant_ids(self) -> list[int]:
        """Everyone who voted, wrote a comment, or has a participants-votes row."""
        ids = {v.voter_id for v in self.votes}
        ids.update(c.author_id for c in self.comments)
        ids.update(p.participant for p in self.participants)
        return sorted(ids)

    def groups(self) -> dict[int, int | None]:
        """Participant id -> 0-based Pol.is group id (None when not grouped)."""
        return {p.participant: p.group_id for p in self.participants}

    def matrix_votes(self) -> dict[tuple[int, int], int]:
        """(comment id, participant) -> vote as participants-votes.csv has it."""
        return {
            (comment_id, p.participant): value
            for p in self.participants
            for comment_id, value in p.votes.items()
        }


# -- reading --------------------------------------------------------------


def _int(value: str, where: str, column: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PolisFormatError(f"{where}: {column} is not a whole number: {value!r}") from None


def _open_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if not path.is_file():
        raise PolisFormatError(f"{path.name} is missing from {path.parent}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolisFormatError(f"{path.name} is not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        rows = [(reader.line_num, row) for row in reader if row]
    except csv.Error as exc:
        raise PolisFormatError(f"{path.name} line {reader.line_num}: {exc}") from None
    if header is None:
        raise PolisFormatError(f"{path.name} is empty")
    return header, rows


def _require(header: list[str], columns: Iterable[str], filename: str) -> dict[str, int]:
    index = {name: i for i, name in enumerate(header)}
    missing = [c for c in columns if c not in index]
    if missing:
        raise PolisFormatError(f"{filename} lacks the column(s) {', '.join(missing)}")
    return index


def _cells(row: list[str], width: int, where: str) -> list[str]:
    if len(row) < width:
        raise PolisFormatError(f"{where}: {len(row)} fields where {width} are expected")
    return row


def _read_comments(path: Path) -> list[Comment]:
    header, rows = _open_rows(path)
    ix = _require(header, COMMENT_COLUMNS, path.name)
    comments = []
    seen = set()
    for line, row in rows:
        where = f"{path.name} line {line}"
        _cells(row, len(header), where)
        comment = Comment(
            id=_int(row[ix["comment-id"]], where, "comment-id"),
            author_id=_int(row[ix["author-id"]], where, "author-id"),
            timestamp=_int(row[ix["timestamp"]], where, "timestamp"),
            datetime=row[ix["datetime"]],
            body=row[ix["comment-body"]],
            moderated=_int(row[ix["moderated"]], where, "moderated"),
            agrees=_int(row[ix["agrees"]], where, "agrees"),
            disagrees=_int(row[ix["disagrees"]], where, "disagrees"),
        )
        if comment.moderated not in MODERATED_VALUES:
            raise PolisFormatError(f"{where}: moderated must be 1, 0 or -1")
        if comment.id < 0 or comment.author_id < 0:
            raise PolisFormatError(f"{where}: ids must not be negative")
        if comment.id in seen:
            raise PolisFormatError(f"{where}: comment {comment.id} appears twice")
        seen.add(comment.id)
        comments.append(comment)
    return comments


def _read_votes(path: Path) -> list[VoteRow]:
    header, rows = _open_rows(path)
    ix = _require(header, VOTE_COLUMNS, path.name)
    votes = []
    for line, row in rows:
        where = f"{path.name} line {line}"
        _cells(row, len(header), where)
        vote = VoteRow(
            comment_id=_int(row[ix["comment-id"]], where, "comment-id"),
            voter_id=_int(row[ix["voter-id"]], where, "voter-id"),
            vote=_int(row[ix["vote"]], where, "vote"),
            timestamp=_int(row[ix["timestamp"]], where, "timestamp"),
            datetime=row[ix["datetime"]],
        )
        if vote.vote not in VOTE_VALUES:
            raise PolisFormatError(f"{where}: vote must be 1, -1 or 0")
        if vote.comment_id < 0 or vote.voter_id < 0:
            raise PolisFormatError(f"{where}: ids must not be negative")
        votes.append(vote)
    return votes


def _participant_header(has_xid: bool) -> list[str]:
    if has_xid:
        return ["participant", "xid", *PARTICIPANT_COLUMNS[1:]]
    return list(PARTICIPANT_COLUMNS)


def _read_participants(path: Path) -> tuple[list[ParticipantRow], list[int], bool]:
    header, rows = _open_rows(path)
    ix = _require(header, PARTICIPANT_COLUMNS, path.name)
    has_xid = "xid" in ix
    fixed = len(PARTICIPANT_COLUMNS) + (1 if has_xid else 0)
    if header[:fixed] != _participant_header(has_xid):
        raise PolisFormatError(f"{path.name}: unexpected column order {header[:fixed]}")
    columns = [_int(c, f"{path.name} header", "comment column") for c in header[fixed:]]
    participants = []
    for line, row in rows:
        where = f"{path.name} line {line}"
        _cells(row, len(header), where)
        votes = {}
        for comment_id, cell in zip(columns, row[fixed:], strict=False):
            if cell != "":
                value = _int(cell, where, f"comment {comment_id}")
                if value not in VOTE_VALUES:
                    raise PolisFormatError(f"{where}: vote must be 1, -1 or 0")
                votes[comment_id] = value
        group = row[ix["group-id"]]
        participants.append(
            ParticipantRow(
                participant=_int(row[ix["participant"]], where, "participant"),
                xid=row[ix["xid"]] if has_xid else "",
                group_id=None if group == "" else _int(group, where, "group-id"),
                n_comments=_int(row[ix["n-comments"]], where, "n-comments"),
                n_votes=_int(row[ix["n-votes"]], where, "n-votes"),
                n_agree=_int(row[ix["n-agree"]], where, "n-agree"),
                n_disagree=_int(row[ix["n-disagree"]], where, "n-disagree"),
                votes=votes,
            )
        )
    return participants, columns, has_xid


def _read_summary(path: Path) -> dict[str, str]:
    header, rows = _open_rows(path)
    summary: dict[str, str] = {}
    for line, row in [(1, header), *rows]:
        if len(row) < 1 or not row[0]:
            raise PolisFormatError(f"{path.name} line {line}: a key is missing")
        summary[row[0]] = row[1] if len(row) > 1 else ""
    if "topic" not in summary:
        raise PolisFormatError(f"{path.name} has no topic")
    return summary


def read_export(directory: str | Path) -> PolisExport:
    """Read the four files of a Pol.is openData export.

    Raises ``PolisFormatError`` (a ``ValueError``) with a one-line message for a
    missing directory or file and for malformed content.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise PolisFormatError(f"{directory} is not a directory")
    participants, columns, has_xid = _read_participants(directory / PARTICIPANTS_VOTES)
    return PolisExport(
        comments=_read_comments(directory / COMMENTS),
        votes=_read_votes(directory / VOTES),
        participants=participants,
        summary=_read_summary(directory / SUMMARY),
        matrix_columns=columns,
        has_xid=has_xid,
        name=directory.resolve().name,
    )


# -- writing --------------------------------------------------------------


def _writer(stream):
    return csv.writer(stream, lineterminator="\n")


def comments_csv(export: PolisExport) -> str:
    out = io.StringIO()
    w = _writer(out)
    w.writerow(COMMENT_COLUMNS)
    for c in export.comments:
        w.writerow(
            [c.timestamp, c.datetime, c.id, c.author_id, c.agrees, c.disagrees, c.moderated, c.body]
        )
    return out.getvalue()


def votes_csv(export: PolisExport) -> str:
    out = io.StringIO()
    w = _writer(out)
    w.writerow(VOTE_COLUMNS)
    for v in export.votes:
        w.writerow([v.timestamp, v.datetime, v.comment_id, v.voter_id, v.vote])
    return out.getvalue()


def participants_votes_csv(export: PolisExport) -> str:
    out = io.StringIO()
    w = _writer(out)
    fixed = _participant_header(export.has_xid)
    w.writerow([*fixed, *export.matrix_columns])
    for p in export.participants:
        row = [p.participant]
        if export.has_xid:
            row.append(p.xid)
        row += [
            "" if p.group_id is None else p.group_id,
            p.n_comments,
            p.n_votes,
            p.n_agree,
            p.n_disagree,
        ]
        row += [p.votes.get(c, "") for c in export.matrix_columns]
        w.writerow(row)
    return out.getvalue()


def summary_csv(export: PolisExport) -> str:
    out = io.StringIO()
    w = _writer(out)
    for key, value in export.summary.items():
        w.writerow([key, value])
    return out.getvalue()


WRITERS = {
    COMMENTS: comments_csv,
    VOTES: votes_csv,
    PARTICIPANTS_VOTES: participants_votes_csv,
    SUMMARY: summary_csv,
}


def write_export(directory: str | Path, export: PolisExport) -> None:
    """Write the four files into ``directory`` (created if missing)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for filename, render in WRITERS.items():
        (directory / filename).write_text(render(export), encoding="utf-8", newline="")
