"""Reading and writing Pol.is openData exports (opinions.polis), on the real exports."""

import collections
import filecmp

import pytest

from wegov.opinions import polis

from .polis_data import POLIS_DATA, REAL_EXPORTS, REAL_NAMES

real = pytest.mark.parametrize("directory", REAL_EXPORTS, ids=REAL_NAMES)


def test_the_real_exports_are_there():
    assert REAL_NAMES == [
        "15-per-hour-seattle",
        "brexit-consensus",
        "london.youth.policing",
        "scoop-hivemind.freshwater",
    ]


@real
def test_voters_and_commenters_match_the_summary(directory):
    export = polis.read_export(directory)
    assert len(export.voter_ids()) == export.summary_int("voters")
    assert len(export.participants) == export.summary_int("voters")
    assert len({c.author_id for c in export.comments}) == export.summary_int("commenters")
    assert export.name == directory.name


@real
def test_the_summary_counts_the_comments_of_the_matrix(directory):
    # Older exports count (and list as matrix columns) removed comments too;
    # london.youth.policing (2022) leaves its three removed ones out of both.
    export = polis.read_export(directory)
    assert export.summary_int("comments") == len(export.matrix_columns)
    assert set(export.matrix_columns) <= set(export.comment_ids())
    left_out = set(export.comment_ids()) - set(export.matrix_columns)
    assert left_out <= export.removed_comment_ids()


def test_the_counts_of_each_real_export():
    counts = {
        d.name: (
            len(e.comments),
            len(e.removed_comment_ids()),
            len(e.votes),
            len(e.latest_votes()),
            len(e.participant_ids()),
        )
        for d in REAL_EXPORTS
        for e in [polis.read_export(d)]
    }
    assert counts == {
        "15-per-hour-seattle": (54, 23, 2995, 2872, 339),
        "brexit-consensus": (50, 0, 5312, 5303, 204),
        # author 0 wrote the three removed comments and never voted
        "london.youth.policing": (39, 3, 640, 638, 27),
        "scoop-hivemind.freshwater": (80, 29, 3979, 3972, 117),
    }


@real
def test_latest_votes_are_the_participants_votes_matrix(directory):
    export = polis.read_export(directory)
    latest = {key: row.vote for key, row in export.latest_votes().items()}
    assert latest == export.matrix_votes()


@real
def test_participant_rows_count_their_latest_votes_and_comments(directory):
    export = polis.read_export(directory)
    values = collections.defaultdict(list)
    for (_, voter), row in export.latest_votes().items():
        values[voter].append(row.vote)
    authored = collections.Counter(c.author_id for c in export.comments)
    for p in export.participants:
        assert p.n_votes == len(values[p.participant])
        assert p.n_agree == values[p.participant].count(1)
        assert p.n_disagree == values[p.participant].count(-1)
        assert p.n_comments == authored[p.participant]


@real
def test_agrees_and_disagrees_count_every_vote_row_even_changed_ones(directory):
    # A data fact the export keeps: comments.csv counts superseded votes too.
    export = polis.read_export(directory)
    agrees = collections.Counter(v.comment_id for v in export.votes if v.vote == 1)
    disagrees = collections.Counter(v.comment_id for v in export.votes if v.vote == -1)
    for c in export.comments:
        assert (c.agrees, c.disagrees) == (agrees[c.id], disagrees[c.id])


@real
def test_groups_are_zero_based_or_none(directory):
    export = polis.read_export(directory)
    groups = export.groups()
    assert set(groups) == {p.participant for p in export.participants}
    labels = {g for g in groups.values() if g is not None}
    assert labels == set(range(export.summary_int("groups")))


@real
def test_read_write_read_gives_the_same_bytes(directory, tmp_path):
    export = polis.read_export(directory)
    polis.write_export(tmp_path / "copy", export)
    for name in polis.FILES:
        assert filecmp.cmp(directory / name, tmp_path / "copy" / name, shallow=False), name
    again = polis.read_export(tmp_path / "copy")
    again.name = export.name
    assert again == export


def test_a_changed_vote_counts_by_its_latest_timestamp_not_its_row(tmp_path):
    export = _tiny()
    export.votes = [
        polis.VoteRow(0, 5, 1, 2000, ""),
        polis.VoteRow(0, 5, -1, 1000, ""),  # older, though later in the file
        polis.VoteRow(1, 5, 0, 1000, ""),
        polis.VoteRow(1, 5, 1, 1000, ""),  # same moment: the later row wins
    ]
    assert {k: v.vote for k, v in export.latest_votes().items()} == {(0, 5): 1, (1, 5): 1}
    voters, comments, values = export.vote_arrays()
    assert voters.tolist() == [5, 5]
    assert comments.tolist() == [0, 1]
    assert values.tolist() == [1, 1]


def test_vote_arrays_of_an_export_without_votes():
    export = _tiny()
    export.votes = []
    assert [a.tolist() for a in export.vote_arrays()] == [[], [], []]


def test_seattle_details():
    export = polis.read_export(POLIS_DATA / "15-per-hour-seattle")
    assert export.topic == "$15/hour"
    assert export.url == "https://pol.is/2demo"
    assert export.description.startswith("How do you think the new minimum wage law")
    assert not export.has_xid
    comment = export.comments_by_id()[48]
    assert (comment.author_id, comment.moderated, comment.timestamp) == (215, 1, 1403067224363)
    assert comment.body.startswith("Businesses, small or large,")
    assert export.comments_by_id()[53].moderated == polis.UNMODERATED


def test_london_has_an_xid_column_and_a_blank_description():
    export = polis.read_export(POLIS_DATA / "london.youth.policing")
    assert export.has_xid
    assert export.description == ""
    assert export.matrix_columns[:3] == [1, 4, 5]


def test_a_multi_line_description_is_read_whole():
    export = polis.read_export(POLIS_DATA / "scoop-hivemind.freshwater")
    assert export.description.count("\n") == 2
    assert export.description.endswith("based on shared opinions.")


# -- bad input -------------------------------------------------------------


def _tiny() -> polis.PolisExport:
    return polis.PolisExport(
        comments=[
            polis.Comment(0, 5, 1000, "Thu Jan 01 00:00:01 UTC 1970", 'Say "hi",\nthen go', 1),
            polis.Comment(1, 6, 2000, "Thu Jan 01 00:00:02 UTC 1970", "Removed", -1),
        ],
        votes=[polis.VoteRow(0, 6, 1, 3000, "Thu Jan 01 00:00:03 UTC 1970")],
        participants=[
            polis.ParticipantRow(5, None, 1, 0, 0, 0),
            polis.ParticipantRow(6, 0, 1, 1, 1, 0, {0: 1}),
        ],
        summary={"topic": "Tiny", "url": "", "conversation-description": "Two\nlines"},
        matrix_columns=[0, 1],
        name="tiny",
    )


def test_a_written_export_reads_back(tmp_path):
    export = _tiny()
    polis.write_export(tmp_path / "tiny", export)
    assert polis.read_export(tmp_path / "tiny") == export


def test_a_missing_directory_is_a_format_error(tmp_path):
    with pytest.raises(polis.PolisFormatError, match="is not a directory"):
        polis.read_export(tmp_path / "nowhere")


@pytest.mark.parametrize("name", polis.FILES)
def test_each_missing_file_is_named(tmp_path, name):
    polis.write_export(tmp_path, _tiny())
    (tmp_path / name).unlink()
    with pytest.raises(polis.PolisFormatError, match=f"{name} is missing"):
        polis.read_export(tmp_path)


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("comments.csv", "comment-id", "id", "lacks the column"),
        ("comments.csv", "1000,", "soon,", "timestamp is not a whole number"),
        ("comments.csv", ",-1,Removed", ",7,Removed", "moderated must be"),
        ("comments.csv", "2000,Thu Jan 01 00:00:02 UTC 1970,1,", "2000,x,0,", "appears twice"),
        ("votes.csv", ",1\n", ",2\n", "vote must be"),
        ("votes.csv", ",6,1", ",-6,1", "must not be negative"),
        ("votes.csv", "3000,Thu Jan 01 00:00:03 UTC 1970,", "3000,", "fields where"),
        ("participants-votes.csv", "group-id,n-comments", "n-comments,group-id", "order"),
        ("participants-votes.csv", "n-disagree,0,1", "n-disagree,0,x", "comment column"),
        ("participants-votes.csv", "6,0,1,1,1,0,1,", "6,0,1,1,1,0,3,", "vote must be"),
        ("summary.csv", "topic,Tiny", "title,Tiny", "no topic"),
        ("summary.csv", "topic,Tiny", ",Tiny", "a key is missing"),
    ],
)
def test_malformed_files_give_one_line_reasons(tmp_path, name, old, new, message):
    polis.write_export(tmp_path, _tiny())
    text = (tmp_path / name).read_text()
    assert old in text
    (tmp_path / name).write_text(text.replace(old, new, 1))
    with pytest.raises(polis.PolisFormatError, match=message) as info:
        polis.read_export(tmp_path)
    assert "\n" not in str(info.value)


def test_unterminated_quotes_and_binary_files_are_format_errors(tmp_path):
    polis.write_export(tmp_path, _tiny())
    (tmp_path / "votes.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(polis.PolisFormatError, match="not UTF-8"):
        polis.read_export(tmp_path)
    polis.write_export(tmp_path, _tiny())
    (tmp_path / "comments.csv").write_text("")
    with pytest.raises(polis.PolisFormatError, match=r"comments\.csv is empty"):
        polis.read_export(tmp_path)
    polis.write_export(tmp_path, _tiny())
    (tmp_path / "summary.csv").write_text('topic,"Tiny\nurl,x\n')
    with pytest.raises(polis.PolisFormatError, match=r"summary\.csv line 2: unexpected end"):
        polis.read_export(tmp_path)
