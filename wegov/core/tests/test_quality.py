"""The kind-agnostic quality heuristics and the location-check hook."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from wegov.core import quality
from wegov.core.quality import Duplicate, Submission, assess, detect_language

GOOD_TEXT = (
    "The paving stone in front of the bakery is loose and people trip over it "
    "when they walk to the market."
)


def sub(**kw):
    data = {
        "title": "Loose paving stone",
        "text": GOOD_TEXT,
        "lat": 52.1561,
        "lon": 5.3878,
        "district_name": "Oosterpark",
        "inside_city": True,
        "has_photo": True,
    }
    data.update(kw)
    return Submission(**data)


def texts(result):
    return [f"{part.text} ({part.shown})" for part in result.parts]


def test_a_good_submission_scores_full_marks_and_says_why():
    result = assess(sub())
    assert result.score == 100
    assert "Location: inside Oosterpark (+25)" in texts(result)
    assert "Language: English (+10)" in texts(result)
    assert {p.name for p in result.parts} == {
        "location",
        "completeness",
        "duplicate",
        "spam",
        "language",
    }


def test_short_description_and_no_photo_lose_completeness_points():
    result = assess(sub(text="Broken", has_photo=False))
    completeness = next(p for p in result.parts if p.name == "completeness")
    assert completeness.points == 5
    assert completeness.text == "Incomplete: Description very short, No photo"
    only_short = assess(sub(text="Loose stone, people trip"))
    assert "Description very short (−10)" in texts(only_short)


def test_duplicate_costs_twenty_points_with_its_reason():
    duplicate = Duplicate(
        "Possible duplicate of report #%(id)s, %(metres)s m away, same category, "
        "%(count)s day earlier",
        "Possible duplicate of report #%(id)s, %(metres)s m away, same category, "
        "%(count)s days earlier",
        {"id": 123, "metres": 40, "count": 2},
    )
    result = assess(sub(duplicate=duplicate))
    assert result.score == 80
    assert (
        "Possible duplicate of report #123, 40 m away, same category, 2 days earlier (−20)"
        in texts(result)
    )


@pytest.mark.parametrize(
    "text",
    [
        "Buy now http://a.example http://b.example www.c.example cheap cheap",
        "THE PAVING STONE IS LOOSE AND EVERYBODY TRIPS OVER IT EVERY DAY",
        "The paving stone is loose!!!!!!!! and people trip over it all the time",
    ],
)
def test_each_spam_sign_costs_points(text):
    result = assess(sub(text=text))
    spam = next(p for p in result.parts if p.name == "spam")
    assert spam.points == 10
    assert spam.text.startswith("Signs of spam: ")


def test_several_spam_signs_cost_all_spam_points():
    text = "BUY NOW!!!!!!!! HTTP://A.EXAMPLE HTTP://B.EXAMPLE WWW.C.EXAMPLE CHEAP PILLS HERE"
    result = assess(sub(text=text))
    spam = next(p for p in result.parts if p.name == "spam")
    assert spam.points == 0
    assert "many links" in spam.text and "ALL CAPS" in spam.text
    assert spam.shown == "−25"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (GOOD_TEXT, "en"),
        ("De stoeptegel voor de bakker ligt los en er zijn al mensen over gestruikeld.", "nl"),
        ("La pietra del marciapiede è rotta e molte persone sono cadute per strada.", "it"),
        ("Die Gehwegplatte vor der Bäckerei ist locker und es sind schon Leute gestürzt.", "de"),
        ("La dalle du trottoir devant la boulangerie est cassée depuis longtemps déjà.", "fr"),
        ("Zxq vrrp klaatu barada nikto wubba lubba dub dub grrk", ""),
        ("Hole", None),
    ],
)
def test_language_detection(text, code):
    assert detect_language(text) == code


def test_a_language_the_site_does_not_speak_costs_ten(settings):
    french = "La dalle du trottoir devant la boulangerie est cassée depuis longtemps déjà."
    result = assess(sub(text=french, title="Dalle cassée"))
    assert "Language not one of the site's languages (−10)" in texts(result)
    settings.LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
    german = "Die Gehwegplatte vor der Bäckerei ist locker und es sind schon Leute gestürzt."
    assert "Language not one of the site's languages (−10)" in texts(assess(sub(text=german)))


def test_location_outside_city_or_without_district():
    assert assess(sub(inside_city=False)).parts[0].points == 0
    assert texts(assess(sub(district_name="")))[0] == (
        "Location: inside the city but in no district (−10)"
    )
    assert assess(sub(lat=None, lon=None)).parts[0].points == 0
    optional = assess(sub(lat=None, lon=None, location_required=False))
    assert optional.parts[0].points == 25


def test_location_uses_the_city_boundary_and_districts(city):
    # No precomputed answers: the places selectors decide.
    inside = assess(sub(district_name=None, inside_city=None))
    assert texts(inside)[0] == "Location: inside Centrum (+25)"
    outside = assess(sub(lat=52.5, lon=5.0, district_name=None, inside_city=None))
    assert texts(outside)[0] == "Location: outside the city (−25)"


@pytest.fixture
def on_water_check():
    seen = []

    def check(lat, lon):
        seen.append((lat, lon))
        return [(15, gettext_lazy("On water"))] if lat > 52.16 else []

    quality.register_location_check(check)
    quality.register_location_check(check)  # twice is once
    yield seen
    quality.unregister_location_check(check)


def test_registered_location_checks_take_points_off(on_water_check):
    dry = assess(sub())
    assert dry.score == 100
    wet = assess(sub(lat=52.165))
    assert wet.score == 85
    part = wet.parts[1]
    assert (part.name, part.points, part.max) == ("location_check", -15, 0)
    assert f"{part.text} ({part.shown})" == "On water (−15)"
    assert on_water_check == [(52.1561, 5.3878), (52.165, 5.3878)]
    # Stored as the English message id, shown in the reader's language.
    assert part.as_json()["reason"] == "On water"


def test_a_failing_location_check_is_ignored():
    def broken(lat, lon):
        raise RuntimeError("index not built")

    quality.register_location_check(broken)
    try:
        assert assess(sub()).score == 100
    finally:
        quality.unregister_location_check(broken)


def test_score_is_clamped_to_zero():
    def harsh(lat, lon):
        return [(500, "Inside a building")]

    quality.register_location_check(harsh)
    try:
        assert assess(sub()).score == 0
    finally:
        quality.unregister_location_check(harsh)


def test_parts_round_trip_through_json_and_translate_when_shown():
    result = assess(sub(text="Broken"))
    parts = quality.parts_from_json(result.parts_json())
    assert parts == result.parts
    assert quality.parts_from_json("junk") == []
    with translation.override("nl"):
        # The stored reason is the English id, whatever language was active.
        assert parts[0].reason == "Location: inside %(district)s"


def test_band():
    assert [quality.band(s) for s in (None, 10, 60, 90)] == ["", "low", "medium", "high"]
