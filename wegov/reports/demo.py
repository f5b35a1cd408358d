"""Lindenbrug's problem reports: categories, routing rules and ~350 reports with
believable histories over the last 400 days.

History is written with bulk inserts and explicit timestamps (the services
stamp "now"), so loading is fast and no domain event fires: no subscriber gets
an email while the demo loads.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from wegov.accounts.models import Membership

from . import quality
from .models import (
    Category,
    Channel,
    Confirmation,
    Report,
    ReportAttributeValue,
    ReportUpdate,
    RoutingRule,
    ServiceAttribute,
    Status,
    Subscription,
)
from .services import route

N_REPORTS = 330
N_DUPLICATES = 22
DAYS = 400

# (service_code, name, group, department, sla_hours, allows_anonymous, weight, keywords)
CATEGORIES = [
    ("pothole", "Pothole in the road", "Roads and pavements", "public-works", 72, True, 10,
     "hole, road, asphalt"),
    ("paving", "Loose or broken paving", "Roads and pavements", "public-works", 120, True, 8,
     "tiles, pavement, stones, trip"),
    ("cycle-path", "Damaged cycle path", "Roads and pavements", "public-works", 96, True, 4,
     "bike, bicycle, fietspad"),
    ("blocked-drain", "Blocked drain or flooding", "Water and drains", "public-works", 48, True,
     4, "water, puddle, sewer, gully"),
    ("streetlight", "Street light not working", "Street lighting", "public-works", 120, True, 9,
     "lamp, dark, light"),
    ("lamp-post", "Damaged lamp post", "Street lighting", "public-works", 48, True, 3,
     "pole, cable, lamp"),
    ("tree", "Tree damage or fallen branch", "Green spaces", "parks", 48, True, 6,
     "branch, storm, tree"),
    ("overgrown", "Overgrown hedge or vegetation", "Green spaces", "parks", 240, True, 4,
     "hedge, weeds, grass"),
    ("playground", "Broken playground equipment", "Green spaces", "parks", 72, False, 3,
     "swing, slide, children"),
    ("park-bench", "Damaged bench or picnic table", "Green spaces", "parks", 240, True, 2,
     "bench, seat, table"),
    ("fly-tipping", "Dumped waste (fly-tipping)", "Waste", "waste", 72, True, 9,
     "rubbish, dumping, mattress, bags"),
    ("litter-bin", "Overflowing litter bin", "Waste", "waste", 48, True, 7, "bin, litter, full"),
    ("container", "Underground container full or broken", "Waste", "waste", 48, True, 5,
     "container, recycling, glass, paper"),
    ("dog-fouling", "Dog fouling", "Waste", "waste", 120, True, 3, "dog, poo, mess"),
    ("graffiti", "Graffiti", "Public space", "waste", 168, True, 6, "tag, spray, paint"),
    ("traffic-light", "Traffic light fault", "Traffic", "mobility", 24, True, 3,
     "signal, crossing, red"),
    ("road-sign", "Missing or damaged road sign", "Traffic", "mobility", 120, True, 2,
     "sign, pole, traffic"),
    ("abandoned-bike", "Abandoned bicycle", "Traffic", "mobility", 336, False, 5,
     "wreck, bike rack, fietswrak"),
    ("bike-racks", "Bike racks full or broken", "Traffic", "mobility", 240, True, 2,
     "rack, parking, bicycle"),
    ("monument", "Damaged monument or public artwork", "Public space", "culture", 336, True, 1,
     "statue, art, heritage"),
    ("sports-field", "Problem at a public sports field", "Public space", "culture", 168, True,
     2, "pitch, goal, fence, court"),
    ("noise", "Noise nuisance", "Nuisance", "social", 120, False, 3,
     "noise, music, loud, neighbours"),
    ("rough-sleeping", "Someone sleeping rough needs help", "Nuisance", "social", 24, False, 1,
     "homeless, help, shelter"),
]  # fmt: skip

ATTRIBUTES = {
    "streetlight": [
        {"code": "streetlight-number", "description": "Streetlight number (on the pole)",
             "datatype": "string", "datatype_description": "Like LB-04217", "required": False},
        {"code": "lights-out", "description": "How many lights are out?", "datatype": "number",
             "required": True},
    ],
    "fly-tipping": [
        {"code": "waste-type", "description": "Type of waste", "datatype": "singlevaluelist",
             "required": True, "values": [
                 {"key": "household", "name": "Household rubbish bags"},
                 {"key": "bulky", "name": "Furniture or mattress"},
                 {"key": "construction", "name": "Building rubble"},
                 {"key": "garden", "name": "Garden waste"},
                 {"key": "hazardous", "name": "Chemicals, paint or asbestos"},
                 {"key": "other", "name": "Something else"},
             ]},
    ],
    "container": [
        {"code": "container-number", "description": "Container number (on the lid)",
             "datatype": "string", "required": False},
        {"code": "container-kind", "description": "Which container?", "datatype": "multivaluelist",
             "required": False, "values": [
                 {"key": "rest", "name": "Residual waste"},
                 {"key": "paper", "name": "Paper"},
                 {"key": "glass", "name": "Glass"},
                 {"key": "plastic", "name": "Plastic and cans"},
             ]},
    ],
    "noise": [
        {"code": "noise-when", "description": "When did it happen?", "datatype": "datetime",
             "required": False},
        {"code": "noise-details", "description": "What kind of noise is it?", "datatype": "text",
             "required": False},
    ],
    "graffiti": [
        {"code": "offensive", "description": "Is it offensive?", "datatype": "singlevaluelist",
             "required": True,
             "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]},
    ],
}  # fmt: skip

# (category, district slug, department slug): the district offices take some work.
ROUTING = [
    ("tree", "binnenstad", "office-binnenstad"),
    ("graffiti", "zuidveld", "office-zuidveld"),
    ("litter-bin", "noorderhaven", "office-noorderhaven"),
]

STREETS = [
    "Kerkstraat", "Molenweg", "Lindelaan", "Stationsplein", "Havenkade", "Oude Gracht",
    "Beukenlaan", "Julianastraat", "Marktplein", "Dorpsstraat", "Schoolstraat", "Eikenlaan",
    "Vondelstraat", "Rembrandtlaan", "Zuiderweg", "Noorderkade", "Tulpstraat", "Kastanjelaan",
    "Spoorstraat", "Brugstraat", "Populierenweg", "Lindenhofplein", "Rivierdijk",
    "Westersingel", "Oosterparklaan", "Wilhelminapark", "Nieuwe Haven", "Boterstraat",
    "Sint Jorisplein", "Van Goghlaan", "Prins Bernhardweg", "Esdoornstraat", "Kanaalweg",
]  # fmt: skip

# Per category: (title, description) templates; {street} and {place} are filled in.
TEXTS = {
    "pothole": [
        ("Deep pothole on {street}", "There is a pothole about 30 cm across in the right lane "
         "of {street}, near number {number}. Cars swerve around it and it fills with water."),
        ("Hole in the road {place}", "The asphalt has broken up {place}. Cyclists have to "
         "go around it into traffic."),
        ("Crater in the asphalt, {street}", "After the frost a large hole appeared. My car "
         "tyre hit it hard last night."),
    ],
    "paving": [
        ("Loose paving stones on {street}", "Several tiles on the pavement in front of number "
         "{number} are loose and tip when you step on them. An elderly neighbour nearly fell."),
        ("Tree roots lifting the pavement", "The pavement on {street} is pushed up by tree "
         "roots, with edges of 5 cm. Hard to pass with a wheelchair or pram."),
    ],
    "cycle-path": [
        ("Cracks in the cycle path along {street}", "Long cracks and a sunken part in the red "
         "cycle path; dangerous at speed, especially in the dark."),
        ("Bump in the cycle path {place}", "Roots have lifted the cycle path {place}."),
    ],
    "blocked-drain": [
        ("Drain blocked, street floods", "The drain at {street} {number} is blocked with leaves. "
         "Every time it rains the street floods up to the doorsteps."),
        ("Large puddle that never drains {place}", "Water stays on the road for days {place}."),
    ],
    "streetlight": [
        ("Street light out on {street}", "The lamp in front of number {number} has been out for "
         "over a week. The street is very dark at night."),
        ("Several lights not working {place}", "Three lamps in a row are off {place}; "
         "it feels unsafe walking home."),
        ("Lamp flickering all night", "The street light on {street} flickers on and off."),
    ],
    "lamp-post": [
        ("Lamp post hit by a car", "The lamp post at {street} {number} is bent over after a "
         "collision and the cover at the bottom is open; cables are visible."),
    ],
    "tree": [
        ("Large branch fell on {street}", "After last night's storm a big branch broke off and "
         "lies across the pavement at number {number}."),
        ("Tree leaning dangerously {place}", "A tree {place} leans towards the houses and the "
         "soil around it has cracked."),
        ("Dead tree near the playground", "The tree on {street} has no leaves and branches "
         "are falling off. Children play underneath."),
    ],
    "overgrown": [
        ("Hedge blocks the pavement on {street}", "The hedge is so overgrown you have to walk on "
         "the road."),
        ("Weeds and brambles on the path {place}", "The footpath {place} is barely passable."),
    ],
    "playground": [
        ("Broken swing in the playground", "One of the swings on {street} has a broken chain; "
         "it has been tied up but children still use it."),
        ("Splinters on the climbing frame {place}", "The wooden climbing frame {place} is "
         "splintering badly."),
    ],
    "park-bench": [
        ("Bench broken {place}", "The bench {place} has two planks missing."),
    ],
    "fly-tipping": [
        ("Mattress and furniture dumped on {street}", "Someone left a mattress, a sofa and "
         "bags next to the containers at number {number}."),
        ("Rubbish bags dumped {place}", "A pile of rubbish bags {place}; gulls are tearing "
         "them open."),
        ("Building rubble left on {street}", "Bags of rubble and old tiles dumped on the verge."),
    ],
    "litter-bin": [
        ("Bin overflowing on {street}", "The litter bin at the bus stop is full and rubbish is "
         "blowing around."),
        ("Litter bin full every weekend {place}", "The bin {place} overflows every weekend."),
    ],
    "container": [
        ("Underground container stuck on {street}", "The residual waste container will not "
         "open; bags are piling up next to it."),
        ("Paper container full {place}", "The paper container {place} is full again."),
    ],
    "dog-fouling": [
        ("Dog mess all over the path on {street}", "The path along the school is covered "
         "in dog mess."),
    ],
    "graffiti": [
        ("Graffiti on the bridge {place}", "Large tags have been sprayed on the bridge {place}."),
        ("Offensive graffiti on {street}", "An offensive text was sprayed on the wall at number "
         "{number}, opposite the primary school."),
    ],
    "traffic-light": [
        ("Traffic light stuck on red", "The pedestrian light at the crossing on {street} stays "
         "red; people cross anyway."),
        ("Cycle signal not working {place}", "The cyclists' traffic light {place} is dark."),
    ],
    "road-sign": [
        ("Stop sign turned around on {street}", "The stop sign at the junction faces the wrong "
         "way."),
    ],
    "abandoned-bike": [
        ("Bicycle wreck at {place}", "A rusty bike without wheels has been locked to the rack "
         "{place} for months."),
        ("Abandoned bikes on {street}", "Three bicycles with flat tyres have been left here "
         "since the summer."),
    ],
    "bike-racks": [
        ("Bike racks always full {place}", "There are far too few bike racks {place}; bikes "
         "block the pavement."),
    ],
    "monument": [
        ("Statue damaged {place}", "The bronze plaque on the statue {place} has been pried off."),
    ],
    "sports-field": [
        ("Goal net torn at the football pitch", "The net of the goal on the public pitch on "
         "{street} is torn and the fence has a hole."),
    ],
    "noise": [
        ("Loud music every night on {street}", "Every night from 23:00 there is loud music "
         "from a terrace on {street}."),
        ("Noise from building site {place}", "Pile driving starts at 6 in the morning {place}."),
    ],
    "rough-sleeping": [
        ("Man sleeping in the doorway on {street}", "An elderly man has been sleeping in the "
         "doorway at number {number} for several nights. He seems unwell."),
    ],
}  # fmt: skip

EXTRAS = [
    "",
    "",
    " It has been like this for about a week.",
    " Please fix this before someone gets hurt.",
    " I reported this before but nothing happened.",
    " Many neighbours are bothered by it.",
    " It is worst in the evening.",
    " There is a school nearby.",
]
PLACES = [
    "near the station",
    "by the church",
    "at the bus stop",
    "next to the supermarket",
    "along the canal",
    "behind the library",
    "at the market square",
    "near the primary school",
]

ACK_TEXTS = [
    "Thank you for your report. We have passed it on to our team.",
    "Received: an inspector will have a look.",
    "Thank you, we will plan this in.",
    "",
]
PROGRESS_TEXTS = [
    "A crew is scheduled to fix this this week.",
    "We have ordered the parts; work starts as soon as they arrive.",
    "Our contractor will deal with this.",
    "",
]
RESOLVED_TEXTS = [
    "Fixed. Thank you for letting us know.",
    "The crew has dealt with this today.",
    "Done: the problem has been resolved.",
    "We repaired this. Let us know if the problem comes back.",
]
CLOSED_TEXTS = [
    "We inspected the location and found no problem.",
    "The problem had already been solved when we arrived.",
    "This is on private land; we cannot act on it.",
]
PUBLIC_NOTES = [
    "The work is taking longer than planned because of the weather. Sorry for the wait.",
    "We are waiting for a permit; we expect to start within two weeks.",
    "A temporary fix is in place; the full repair follows.",
]
INTERNAL_NOTES = [
    "Checked on site: needs a new part from the supplier.",
    "Planned for crew B on Thursday.",
    "Reporter called again, asked for a date. Called back.",
    "Same problem as last year: consider a structural fix.",
    "Contractor confirmed by phone.",
]
NOT_RESPONSIBLE = {
    "pothole": "Rijkswaterstaat (the A28 slip road is theirs)",
    "cycle-path": "Provincie Utrecht",
    "blocked-drain": "Waterschap Vallei en Veluwe",
    "traffic-light": "Provincie Utrecht",
    "road-sign": "Rijkswaterstaat",
    "abandoned-bike": "ProRail (station bicycle parking)",
    "bike-racks": "ProRail (station bicycle parking)",
    "litter-bin": "ProRail (station forecourt)",
    "tree": "Staatsbosbeheer",
    "streetlight": "Stedin (the grid operator)",
    "noise": "Omgevingsdienst Regio Utrecht",
}
CHANNELS = [
    (Channel.WEB, 55),
    (Channel.APP, 20),
    (Channel.PHONE, 12),
    (Channel.COUNTER, 4),
    (Channel.EMAIL, 5),
    (Channel.API, 4),
]


@dataclass
class _Plan:
    report: Report
    events: list  # (when, status_to, text, kind, extra)


def _pick(rng, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _hours(h: float) -> dt.timedelta:
    return dt.timedelta(hours=h)


def _at(obj, when: dt.datetime):
    obj.created_at = when
    return obj


def _insert(model, objs: list) -> None:
    """bulk_create keeping the objects' own created_at/updated_at: the history is in
    the past, and ``auto_now(_add)`` would stamp every row with the loading moment."""
    fields = [f for f in model._meta.concrete_fields if f.name in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        model.objects.bulk_create(objs, batch_size=500)
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _random_point(rng, geometry) -> tuple[float, float]:
    polygon = shape(geometry)
    prepared = prep(polygon)
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    while True:
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if prepared.contains(Point(lon, lat)):
            return round(lat, 6), round(lon, 6)


def _categories(demo) -> dict[str, Category]:
    departments = demo.shared["departments"]
    categories = {}
    for order, (code, name, group, dept, sla, anonymous, _w, keywords) in enumerate(CATEGORIES):
        categories[code] = Category.objects.create(
            name=name,
            service_code=code,
            group=group,
            department=departments[dept],
            sla_hours=sla,
            allows_anonymous=anonymous,
            keywords=keywords,
            order=order,
            description=f"Report: {name.lower()}.",
        )
    for code, attributes in ATTRIBUTES.items():
        ServiceAttribute.objects.bulk_create(
            ServiceAttribute(category=categories[code], order=order, **attribute)
            for order, attribute in enumerate(attributes)
        )
    districts = {d.slug: d for d in demo.shared["districts"]}
    RoutingRule.objects.bulk_create(
        RoutingRule(
            category=categories[code], district=districts[district], department=departments[dept]
        )
        for code, district, dept in ROUTING
    )
    return categories


def _attribute_answers(rng, code: str, when: dt.datetime) -> dict[str, str]:
    if code == "streetlight":
        answers = {"lights-out": str(rng.choice([1, 1, 1, 2, 3]))}
        if rng.random() < 0.5:
            answers["streetlight-number"] = f"LB-{rng.randint(1000, 9999):05d}"
        return answers
    if code == "fly-tipping":
        return {"waste-type": rng.choice(["household", "bulky", "bulky", "construction", "garden"])}
    if code == "container":
        return {"container-number": f"C{rng.randint(100, 999)}", "container-kind": "rest,paper"}
    if code == "noise":
        return {"noise-when": (when - _hours(rng.uniform(2, 30))).isoformat(timespec="minutes")}
    if code == "graffiti":
        return {"offensive": "yes" if rng.random() < 0.2 else "no"}
    return {}


def _text(rng, code: str) -> tuple[str, str, str]:
    title, description = rng.choice(TEXTS[code])
    street = rng.choice(STREETS)
    number = rng.randint(1, 180)
    fill = {"street": street, "number": number, "place": rng.choice(PLACES)}
    description = description.format(**fill) + rng.choice(EXTRAS)
    return title.format(**fill)[:120], description, f"{street} {number}"


def _timeline(rng, report: Report, category: Category, now: dt.datetime) -> list:
    """Planned status events; the ones still in the future are dropped by the caller."""
    created = report.created_at
    sla = category.sla_hours
    events = []
    outcome = _pick(
        rng,
        [
            (Status.RESOLVED, 70),
            (Status.CLOSED, 7),
            (Status.NOT_RESPONSIBLE, 6 if category.service_code in NOT_RESPONSIBLE else 0),
            ("neglected", 4),  # never handled: the overdue open ones
            ("waiting", 6),  # acknowledged, then nothing for a long time
            ("stalled", 6),  # stuck in progress for a long time
        ],
    )
    if outcome == "neglected":
        return events
    ack = created + _hours(
        rng.choice([rng.uniform(0.5, 8), rng.uniform(4, 30), rng.uniform(20, 96)])
    )
    if outcome in (Status.CLOSED, Status.NOT_RESPONSIBLE) and rng.random() < 0.6:
        # Closed straight away after a look.
        text = (
            f"This is not the city's responsibility: we forwarded it to "
            f"{NOT_RESPONSIBLE[category.service_code]}."
            if outcome == Status.NOT_RESPONSIBLE
            else rng.choice(CLOSED_TEXTS)
        )
        return [(ack, outcome, text)]
    events.append((ack, Status.ACKNOWLEDGED, rng.choice(ACK_TEXTS)))
    if outcome == "waiting":
        return events
    within_sla = rng.random() < 0.7
    progress = ack + _hours(rng.uniform(2, max(sla * 0.4, 6)))
    if rng.random() < 0.6 or outcome == "stalled":
        events.append((progress, Status.IN_PROGRESS, rng.choice(PROGRESS_TEXTS)))
    if outcome == "stalled":
        return events
    end = created + _hours(sla * (rng.uniform(0.3, 0.95) if within_sla else rng.uniform(1.1, 4)))
    end = max(end, events[-1][0] + _hours(rng.uniform(1, 48)))
    if outcome == Status.RESOLVED:
        text = rng.choice(RESOLVED_TEXTS)
    elif outcome == Status.NOT_RESPONSIBLE:
        body = NOT_RESPONSIBLE[category.service_code]
        text = f"This is not the city's responsibility: we forwarded it to {body}."
    else:
        text = rng.choice(CLOSED_TEXTS)
    events.append((end, outcome, text))
    return events


def load(demo) -> None:
    rng = demo.rng
    now = timezone.now()
    categories = _categories(demo)
    districts = demo.shared["districts"]
    citizens = demo.shared["citizens"]
    staff_by_org = defaultdict(list)
    staff = {u.pk: u for u in demo.shared["staff"]}
    for org_id, user_id in Membership.objects.filter(user_id__in=staff).values_list(
        "organisation_id", "user_id"
    ):
        staff_by_org[org_id].append(staff[user_id])
    routes = {}

    def department_for(category, district):
        key = (category.pk, district.pk)
        if key not in routes:
            routes[key] = route(category, district)
        return routes[key]

    weights = [(code, weight) for code, *_rest, weight, _k in CATEGORIES]
    # Districts weighted by population; the centre gets more than its share.
    district_weights = [
        (d, (d.population or 10000) * (2 if d.slug == "binnenstad" else 1)) for d in districts
    ]

    def new_report(index: int, *, code=None, near=None, created=None) -> Report:
        code = code or _pick(rng, weights)
        category = categories[code]
        if near is None:
            district = _pick(rng, district_weights)
            lat, lon = _random_point(rng, district.geometry)
        else:
            # A few metres from the original, in the same district.
            district = near.district
            lat = round(near.lat + rng.uniform(-0.0002, 0.0002), 6)
            lon = round(near.lon + rng.uniform(-0.0003, 0.0003), 6)
            if not prep(shape(district.geometry)).contains(Point(lon, lat)):
                lat, lon = near.lat, near.lon
        if created is None:
            # More reports recently (growing use), fewer in winter nights.
            age = DAYS * (1 - math.sqrt(rng.random()))
            created = now - dt.timedelta(days=age, minutes=rng.randint(0, 600))
            created = max(created, now - dt.timedelta(days=DAYS))
        title, description, address = _text(rng, code)
        channel = _pick(rng, CHANNELS)
        reporter = None
        signed_in = channel in (Channel.WEB, Channel.APP) and (
            not category.allows_anonymous or rng.random() < 0.75
        )
        if channel in (Channel.PHONE, Channel.COUNTER, Channel.EMAIL):
            signed_in = rng.random() < 0.3
        if not category.allows_anonymous:
            signed_in = True
        if signed_in:
            reporter = citizens[0] if rng.random() < 0.08 else rng.choice(citizens)
        report = Report(
            category=category,
            department=department_for(category, district),
            title=title,
            description=description,
            lat=lat,
            lon=lon,
            address=address,
            district=district,
            status=Status.SUBMITTED,
            status_changed_at=created,
            due_at=created + _hours(category.sla_hours),
            channel=channel,
            reporter=reporter,
            reporter_email=reporter.email if reporter else f"resident{index}.anon@example.org",
            is_anonymous=reporter is None or rng.random() < 0.1,
        )
        report.created_at = created
        if channel in (Channel.PHONE, Channel.COUNTER, Channel.EMAIL):
            team = staff_by_org.get(report.department_id) or demo.shared["staff"]
            report.filed_by = rng.choice(team)
            if reporter is None:
                report.reporter_name = rng.choice(
                    ["Mr. de Vries", "Mrs. Jansen", "J. Bakker", "A. El Amrani", "P. Visser"]
                )
                report.reporter_phone = f"06-{rng.randint(10000000, 99999999)}"
                if channel != Channel.EMAIL and rng.random() < 0.5:
                    report.reporter_email = ""
        if channel == Channel.API:
            report.device_id = f"app-{rng.randint(1000, 9999)}"
        return report

    updates, attribute_values, confirmations, subscriptions = [], [], [], []
    attributes = {
        (a.category_id, a.code): a
        for a in ServiceAttribute.objects.filter(category__in=categories.values())
    }

    def history(plan: _Plan) -> None:
        report = plan.report
        team = staff_by_org.get(report.department_id) or demo.shared["staff"]
        first_update = len(updates)
        updates.append(
            ReportUpdate(
                report=report,
                status_to=Status.SUBMITTED,
                department=report.department,
                created_at=report.created_at,
            )
        )
        status = Status.SUBMITTED
        last = report.created_at
        for when, status_to, text in plan.events:
            if when >= now:
                break
            updates.append(
                ReportUpdate(
                    report=report,
                    author=rng.choice(team),
                    department=report.department,
                    text=text,
                    status_from=status,
                    status_to=status_to,
                    created_at=when,
                )
            )
            if report.acknowledged_at is None:
                report.acknowledged_at = when
            status, last = status_to, when
            if status_to == Status.NOT_RESPONSIBLE:
                report.responsible_body = NOT_RESPONSIBLE[report.category.service_code]
        report.status = status
        report.status_changed_at = last
        report.resolved_at = (
            last
            if status not in (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
            else None
        )
        open_until = report.resolved_at or now
        # Notes while the report was being handled.
        if report.acknowledged_at and rng.random() < 0.35:
            when = report.acknowledged_at + (open_until - report.acknowledged_at) * rng.uniform(
                0.1, 0.9
            )
            updates.append(
                ReportUpdate(
                    report=report,
                    author=rng.choice(team),
                    department=report.department,
                    kind=ReportUpdate.Kind.INTERNAL,
                    text=rng.choice(INTERNAL_NOTES),
                    created_at=when,
                )
            )
        if (
            report.acknowledged_at
            and status in (Status.IN_PROGRESS, Status.RESOLVED)
            and rng.random() < 0.2
        ):
            when = report.acknowledged_at + (open_until - report.acknowledged_at) * rng.uniform(
                0.2, 0.8
            )
            updates.append(
                ReportUpdate(
                    report=report,
                    author=rng.choice(team),
                    department=report.department,
                    text=rng.choice(PUBLIC_NOTES),
                    created_at=when,
                )
            )
        report.updated_at = max(u.created_at for u in updates[first_update:])

        for code, value in _attribute_answers(
            rng, report.category.service_code, report.created_at
        ).items():
            attribute_values.append(
                ReportAttributeValue(
                    report=report, attribute=attributes[(report.category_id, code)], value=value
                )
            )

        if report.reporter_id:
            subscriptions.append(
                _at(Subscription(report=report, user=report.reporter), report.created_at)
            )
        elif report.reporter_email:
            subscriptions.append(
                _at(Subscription(report=report, email=report.reporter_email), report.created_at)
            )
        if report.is_hidden or status == Status.DUPLICATE:
            return
        count = min(rng.choice([0, 0, 0, 0, 1, 1, 2, 3, 5, 8]), len(citizens) - 1)
        confirmers = [c for c in rng.sample(citizens, count + 1) if c.pk != report.reporter_id][
            :count
        ]
        for person in confirmers:
            when = report.created_at + (open_until - report.created_at) * rng.uniform(0.05, 0.9)
            confirmations.append(_at(Confirmation(report=report, user=person), when))
            subscriptions.append(_at(Subscription(report=report, user=person), when))
        report.confirmations_count = len(confirmers)

    plans: list[_Plan] = []
    for index in range(N_REPORTS):
        report = new_report(index)
        plans.append(_Plan(report, _timeline(rng, report, report.category, now)))
    # Two spam reports that moderation hid.
    for index in range(2):
        report = new_report(N_REPORTS + index, code="fly-tipping")
        report.title = "Cheap watches!!! visit my shop"
        report.description = "Best prices in town, click the link in my profile."
        report.is_hidden = True
        plans.append(_Plan(report, []))

    for plan in plans:
        history(plan)
    _insert(Report, [p.report for p in plans])

    duplicate_plans = []
    originals = [
        p.report
        for p in plans
        if not p.report.is_hidden and p.report.created_at < now - dt.timedelta(days=2)
    ]
    for index in range(N_DUPLICATES):
        original = rng.choice(originals)
        created = min(
            original.created_at + dt.timedelta(hours=rng.uniform(3, 24 * 12)),
            now - _hours(rng.uniform(1, 20)),
        )
        report = new_report(
            N_REPORTS + 10 + index,
            code=original.category.service_code,
            near=original,
            created=created,
        )
        marked = created + _hours(rng.uniform(1, 48))
        events = []
        if marked < now:
            report.duplicate_of = original
            events = [
                (marked, Status.DUPLICATE, f"This problem was already reported as #{original.pk}.")
            ]
        duplicate_plans.append(_Plan(report, events))
    for plan in duplicate_plans:
        history(plan)
    _insert(Report, [p.report for p in duplicate_plans])
    plans += duplicate_plans

    ReportUpdate.objects.bulk_create(updates, batch_size=500)
    ReportAttributeValue.objects.bulk_create(attribute_values, batch_size=500)
    _insert(Confirmation, confirmations)
    _insert(Subscription, subscriptions)
    # Bulk-inserted rows bypass the services: score them in one pass.
    quality.rescore()
    demo.say(
        f"  {len(categories)} report categories, {len(plans)} reports, {len(updates)} updates, "
        f"{len(confirmations)} confirmations"
    )
