"""The opinion map's geometry: points inside the frame, a sample for big
conversations, shapes and colours that tell the groups apart."""

import re

import pytest

from wegov.opinions import charts, selectors
from wegov.opinions.selectors import GROUP_STYLES, ConversationResults, ViewerPosition

from .results_factories import large_result


def _results(result, viewer_number=None) -> ConversationResults:
    class Analysis:
        pass

    analysis = Analysis()
    analysis.result = result
    point = selectors.viewer_point(result, viewer_number)
    groups = selectors.group_views(result, viewer_label=point[2] if point else None)
    viewer = ViewerPosition(participant=None)
    if point:
        viewer.point = point[:2]
        viewer.group = next(g for g in groups if g.label == point[2])
    return ConversationResults(
        conversation=None,
        analysis=analysis,
        participant_count=len(result["points"]),
        vote_count=0,
        statement_count=0,
        votes_since=0,
        votes_needed=7,
        ready_count=None,
        viewer=viewer,
        groups=groups,
    )


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _coordinates(path: str) -> list[tuple[float, float]]:
    """The absolute move-to points of a path (one per marker)."""
    return [(float(x), float(y)) for x, y in re.findall(r"M(-?[\d.]+) (-?[\d.]+)", path)]


@pytest.mark.parametrize(("shape", "colour"), GROUP_STYLES)
def test_group_colours_stand_out_on_white_and_shapes_differ(shape, colour):
    # WCAG 1.4.11: graphical objects need 3:1 against what is next to them.
    assert _contrast(colour, "#ffffff") >= 3.0
    assert len({s for s, _ in GROUP_STYLES}) == len(GROUP_STYLES)
    assert len({c for _, c in GROUP_STYLES}) == len(GROUP_STYLES)


def test_labels_keep_their_style_and_letters():
    assert [selectors.group_letter(n) for n in (1, 2, 5, 26, 27)] == ["A", "B", "E", "Z", "27"]
    styles = selectors._styles([2, 3])
    assert styles[2].shape == "triangle" and styles[3].shape == "square"
    # Labels that would share a style (1 and 6) fall back to their order.
    styles = selectors._styles([1, 6])
    assert styles[1].shape != styles[6].shape


@pytest.mark.parametrize("shape", [s for s, _ in GROUP_STYLES])
def test_each_marker_is_a_closed_path_around_its_centre(shape):
    path = charts.marker_path(shape, 100, 50)
    assert path.startswith("M") and path.endswith("z")
    x, y = _coordinates(path)[0]
    assert abs(x - 100) <= 6 and abs(y - 50) <= 6


def test_every_point_is_inside_the_frame_and_the_viewer_is_marked():
    result = large_result(300, groups=3)
    results = _results(result, viewer_number=7)
    chart = charts.opinion_map(results)
    assert chart["total"] == chart["shown"] == 300 and not chart["sampled"]
    assert sum(layer.shown for layer in chart["layers"]) == 300
    for layer in chart["layers"]:
        for x, y in _coordinates(layer.path):
            assert -10 <= x <= chart["width"] + 10 and -10 <= y <= chart["height"] + 10
        assert 0 < layer.label_x < chart["width"] and 0 < layer.label_y < chart["height"]
    you = chart["you"]
    assert 0 <= you["x"] <= chart["width"] and 0 <= you["y"] <= chart["height"]
    assert you["colour"] == results.viewer.group.style.colour


def test_no_groups_no_map():
    results = _results({"groups": [], "points": []})
    assert charts.opinion_map(results) is None


def test_a_big_conversation_draws_an_even_sample_the_same_each_time():
    result = large_result(20_000, groups=3)
    chart = charts.opinion_map(_results(result))
    assert chart["sampled"] and chart["total"] == 20_000
    assert 1_990 <= chart["shown"] <= charts.MAX_POINTS
    sizes = {g["label"]: g["size"] for g in result["groups"]}
    for layer in chart["layers"]:
        expected = charts.MAX_POINTS * sizes[layer.group.label] / 20_000
        assert abs(layer.shown - expected) <= 2
    again = charts.opinion_map(_results(result))
    assert [layer.path for layer in again["layers"]] == [layer.path for layer in chart["layers"]]
    # Three paths of about 2,000 markers: light enough for any page.
    assert sum(len(layer.path) for layer in chart["layers"]) < 120_000


def test_sample_keeps_small_groups():
    points = [[n, 0.0, 0.0, 1] for n in range(1, 10_001)] + [[10_001, 1.0, 1.0, 2]]
    kept = charts.sample(points, 100)
    assert len(kept) == 100
    assert any(p[3] == 2 for p in kept)
    assert charts.sample(points[:50], 100) == points[:50]


def test_all_points_in_one_place_do_not_divide_by_zero():
    result = large_result(10, groups=2)
    for p in result["points"]:
        p[1] = p[2] = 1.0
    for g in result["groups"]:
        g["center"] = [1.0, 1.0]
    chart = charts.opinion_map(_results(result))
    assert chart["shown"] == 10
