"""Lindenbrug's topics and participatory processes, in different phases relative
to today.

Written directly (not through the services) with timestamps in the past, like
the reports demo: loading announces nothing to anybody. Later apps find the
rows in ``demo.shared["processes"]`` and ``demo.shared["topics"]`` (by slug).
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from wegov.accounts.models import User

from .models import Phase, PhaseKind, Process, Topic
from .services import rich_text

TOPICS = [
    ("mobility", "Mobility", "Walking, cycling, public transport, traffic and parking."),
    ("green-spaces", "Green spaces", "Parks, trees, playgrounds and nature in the city."),
    ("housing", "Housing", "Affordable homes, building and renovation."),
    ("culture", "Culture", "Events, libraries, heritage and the arts."),
    ("climate", "Climate", "Energy, heat, rain and a climate-proof city."),
    ("public-space", "Public space", "Streets, squares and how we share them."),
    ("youth", "Youth", "Children, young people and what they need."),
]

INFO, P, D, E, V, M = (
    PhaseKind.INFORMATION,
    PhaseKind.PROPOSALS,
    PhaseKind.DEBATE,
    PhaseKind.EVALUATION,
    PhaseKind.VOTING,
    PhaseKind.IMPLEMENTATION,
)

# slug, title, district slug or None, topic, organisation, published, created days ago,
# phases: (kind, first day, last day) relative to today, summary, description, extra
PROCESSES = [
    {
        "slug": "car-free-marktplein",
        "title": "Car-free Marktplein",
        "district": None,
        "topic": "mobility",
        "organisation": "mobility",
        "published": True,
        "created": 50,
        "support_threshold": 25,
        "phases": [
            (INFO, -40, -21, "", "We explain the plans and the traffic counts."),
            (P, -20, 25, "", "Send your ideas for the square and support the ones you like."),
            (E, 26, 45, "", "The city assesses the qualified proposals."),
            (M, 46, 300, "", "The square is rebuilt."),
        ],
        "summary": (
            "Marktplein without cars from 2027: what should the square become? "
            "Propose ideas and support the best ones."
        ),
        "description": (
            "Marktplein is the heart of Lindenbrug, but today it is mostly a car park "
            "with 140 spaces.\n\n"
            "The city council decided that the square becomes car-free in 2027. Parking "
            "moves to the new garage at the station. What comes instead is up to you: "
            "trees, a playground, market stalls, terraces, a stage?\n\n"
            "Send your proposal before the proposal phase ends. Proposals with 25 supports "
            "get an official answer from the Mobility and Traffic department."
        ),
        "image": (
            (214, 228, 240),
            (120, 120, 128),
            "Marktplein seen from above: a square "
            "of grey paving with parked cars, surrounded by old houses.",
        ),
    },
    {
        "slug": "green-westwijk",
        "title": "Green Westwijk",
        "district": "westwijk",
        "topic": "green-spaces",
        "organisation": "parks",
        "published": True,
        "created": 90,
        "support_threshold": 15,
        "citizens_may_open_debates": True,
        "supports_require_residence": True,
        "phases": [
            (INFO, -75, -56, "", ""),
            (P, -55, -21, "Ideas for more green", ""),
            (D, -20, 20, "", "Debate the choices: which streets, which trees, what goes?"),
            (E, 21, 40, "", ""),
            (M, 41, 400, "", ""),
        ],
        "summary": (
            "More trees and less paving in Westwijk: debate where the green goes and "
            "what it replaces."
        ),
        "description": (
            "<p>Westwijk has the fewest trees per inhabitant of all districts and gets "
            "hottest in summer.</p><p>The city has a budget of <strong>€ 1.2 million</strong> "
            "to make the district greener. Residents sent ideas in the proposal phase; "
            "now we debate the hard choices: fewer parking spaces for more trees? "
            "Façade gardens or a new park?</p>"
            "<h2>How it works</h2><ul><li>Read the debates and add your arguments for or "
            "against.</li><li>Residents of Westwijk may open a debate on a question we "
            "missed.</li><li>Only verified residents can support proposals.</li></ul>"
        ),
        "image": (
            (226, 240, 217),
            (42, 110, 60),
            "A street in Westwijk with young trees in new planting beds along the pavement.",
        ),
    },
    {
        "slug": "cycling-plan-2026",
        "title": "Cycling plan 2026",
        "district": None,
        "topic": "mobility",
        "organisation": "mobility",
        "published": True,
        "created": 330,
        "support_threshold": 50,
        "phases": [
            (INFO, -300, -271, "", ""),
            (P, -270, -211, "", ""),
            (D, -210, -181, "", ""),
            (E, -180, -121, "", "The city assessed 80 proposals and answered every one."),
            (M, -120, 240, "", "The chosen routes are being built. Follow the progress here."),
        ],
        "summary": (
            "Safer and faster cycle routes across the city. The plan is decided; "
            "the new routes are being built."
        ),
        "description": (
            "Citizens proposed and debated cycle routes for the cycling plan 2026. "
            "The city evaluated every proposal and the council adopted the plan.\n\n"
            "The implementation runs until next year: follow the process to hear when "
            "a route opens."
        ),
    },
    {
        "slug": "playgrounds-zuidveld",
        "title": "Playgrounds Zuidveld",
        "district": "zuidveld",
        "topic": "youth",
        "organisation": "parks",
        "published": True,
        "created": 420,
        "support_threshold": 10,
        "phases": [
            (P, -400, -351, "", ""),
            (V, -350, -331, "", ""),
            (M, -330, -60, "", ""),
        ],
        "summary": "Children and parents chose the new playgrounds of Zuidveld. All are built.",
        "description": (
            "Three playgrounds in Zuidveld were renewed with the ideas of children and "
            "their parents. The last one opened two months ago."
        ),
    },
    {
        "slug": "climate-proof-streets",
        "title": "Climate-proof streets",
        "district": None,
        "topic": "climate",
        "organisation": "public-works",
        "published": True,
        "created": 10,
        "support_threshold": 40,
        "phases": [
            (INFO, 14, 34, "", ""),
            (P, 35, 80, "", ""),
            (E, 81, 110, "", ""),
        ],
        "summary": "Heavy rain and heat: how should our streets change? Starts in two weeks.",
        "description": (
            "Rain barrels, green roofs, water squares, more shade: from next month we "
            "collect ideas to prepare every street for heavier rain and hotter summers."
        ),
    },
    {
        "slug": "housing-for-young-people",
        "title": "Housing for young people",
        "district": None,
        "topic": "housing",
        "organisation": "social",
        "published": False,
        "created": 3,
        "support_threshold": 100,
        "phases": [(INFO, 30, 50, "", ""), (P, 51, 100, "", "")],
        "summary": "Draft: where and how can young people find an affordable home?",
        "description": "Draft text, to be completed by the participation team.",
    },
]


def _hero_image(background, accent) -> ContentFile:
    """A simple drawn banner (no photo files in the repository)."""
    img = Image.new("RGB", (960, 320), background)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 240, 960, 320), fill=accent)
    for x in range(40, 960, 130):
        draw.ellipse((x, 130, x + 90, 220), fill=tuple(max(0, c - 40) for c in accent))
        draw.rectangle((x + 40, 215, x + 50, 250), fill=(90, 70, 50))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="hero.jpg")


def load(demo) -> None:
    today = timezone.localdate()
    now = timezone.now()
    topics = {}
    for slug, name, description in TOPICS:
        topics[slug] = Topic.objects.create(slug=slug, name=name, description=description)

    districts = {d.slug: d for d in demo.shared.get("districts", [])}
    departments = demo.shared.get("departments", {})
    manager = User.objects.filter(is_process_manager=True).order_by("pk").first()
    processes = {}
    for spec in PROCESSES:
        district = districts.get(spec["district"]) if spec["district"] else None
        phases = spec["phases"]
        starts = today + dt.timedelta(days=phases[0][1])
        ends = today + dt.timedelta(days=phases[-1][2])
        created = now - dt.timedelta(days=spec["created"])
        process = Process(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            description=rich_text(spec["description"]),
            scope=Process.Scope.DISTRICT if district else Process.Scope.CITY,
            district=district,
            topic=topics[spec["topic"]],
            organisation=departments[spec["organisation"]],
            is_published=spec["published"],
            published_at=created + dt.timedelta(days=1) if spec["published"] else None,
            starts_on=starts,
            ends_on=ends,
            support_threshold=spec["support_threshold"],
            supports_require_residence=spec.get("supports_require_residence", False),
            citizens_may_open_debates=spec.get("citizens_may_open_debates", False),
            created_by=manager,
        )
        if "image" in spec:
            background, accent, alt = spec["image"]
            process.hero_image.save(f"{spec['slug']}.jpg", _hero_image(background, accent), False)
            process.hero_image_alt = alt
            process.hero_image_width, process.hero_image_height = 960, 320
        process.save()
        Process.objects.filter(pk=process.pk).update(created_at=created, updated_at=created)
        Phase.objects.bulk_create(
            Phase(
                process=process,
                kind=kind,
                title=title,
                description=text,
                starts_on=today + dt.timedelta(days=first),
                ends_on=today + dt.timedelta(days=last),
                position=position,
                announced_on=(
                    today + dt.timedelta(days=first) if first <= 0 and spec["published"] else None
                ),
            )
            for position, (kind, first, last, title, text) in enumerate(phases)
        )
        processes[process.slug] = process
    demo.shared["topics"] = topics
    demo.shared["processes"] = processes
    published = sum(p.is_published for p in processes.values())
    demo.say(
        f"  {len(topics)} topics, {published} published processes and "
        f"{len(processes) - published} draft"
    )
