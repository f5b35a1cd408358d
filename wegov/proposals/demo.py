"""Citizens' proposals for the demo processes, with supports, co-authors and answers.

Written with bulk inserts and explicit timestamps and counts (not through the
services), so loading notifies nobody; ``support_count`` always equals the
number of support rows. Needs ``demo.shared["processes"]`` (processes/demo.py),
the citizens and staff of accounts/demo.py and the districts of places/demo.py.
"""

from __future__ import annotations

import datetime as dt
import math
from contextlib import contextmanager

from django.utils import timezone

from wegov.accounts.models import Membership
from wegov.places.selectors import district_at

from . import quality
from .models import Coauthorship, Proposal, Support

CENTRE = (52.1561, 5.3878)

# (title, body, topic slug, place, target supports, answer)
# place: None or (bearing in degrees, km from the centre, address)
# answer: None or (state, text)
MARKTPLEIN = [
    (
        "Plant a double row of lime trees",
        "Marktplein is a heat island in summer. A double row of lime trees along the east "
        "and west side would give shade to the market stalls and the terraces, and the "
        "square would look like it did before the war.\n\nLime trees grow fast, smell "
        "lovely in June and cope with paving around them.",
        "green-spaces",
        (90, 0.08, "East side of Marktplein"),
        31,
        (
            "evaluating",
            "A good idea that many people support. We are checking where trees can grow: "
            "under the east side run the district heating pipes and a main sewer. We expect "
            "the outcome of the survey in six weeks.",
        ),
    ),
    (
        "A covered market hall for the Saturday market",
        "The Saturday market loses customers every time it rains. A light, open steel "
        "roof over part of the square would keep the market dry and could be used for "
        "events during the rest of the week.",
        "public-space",
        (0, 0.05, "Marktplein, north half"),
        27,
        (
            "evaluating",
            "The market traders' association supports this too. We are making a first "
            "cost estimate and checking whether a roof fits in with the listed buildings "
            "around the square.",
        ),
    ),
    (
        "Water play fountain for children",
        "Jets of water coming out of the paving, which can be switched off when the "
        "market is on. Children love it in summer and it cools the square. When it is "
        "off, the space is just flat paving.",
        "youth",
        (200, 0.06, "Marktplein, south side"),
        26,
        None,
    ),
    (
        "Keep 20 parking spaces for disabled drivers and deliveries",
        "Car-free is fine, but people with a disability must still reach the shops and "
        "the doctor on the corner. Keep a few spaces at the edge for blue badge holders "
        "and for loading and unloading.",
        "mobility",
        (300, 0.1, "Corner Marktplein / Kerkstraat"),
        18,
        None,
    ),
    (
        "Open-air stage for summer concerts",
        "A small permanent stage in the north-west corner for the music school, the "
        "brass band and local bands. Concerts on Sunday afternoons in July and August.",
        "culture",
        None,
        22,
        None,
    ),
    (
        "Bicycle parking under the square",
        "If cars go, bicycles will come. Build a guarded bicycle parking under the "
        "square, with the entrance on the Kerkstraat, so the square itself stays free "
        "of bicycles.",
        "mobility",
        None,
        14,
        None,
    ),
    (
        "Benches in the shade along the edges",
        "Older people like to sit and watch the market. Put benches with backrests and "
        "armrests along the edges, in the shade of the buildings or the new trees.",
        "public-space",
        None,
        12,
        None,
    ),
    (
        "Bigger terraces for the cafés around the square",
        "The cafés on the south side could use part of the square for terraces in "
        "summer. That brings life to the square in the evening, also when there is no "
        "market.",
        "public-space",
        (180, 0.09, "South side of Marktplein"),
        9,
        None,
    ),
    (
        "A rain garden to catch heavy rain",
        "After the storm last August the square flooded. A lower planted area in the "
        "middle could hold the rainwater and let it soak away slowly.",
        "climate",
        None,
        11,
        None,
    ),
    (
        "A small playground with natural materials",
        "Tree trunks to climb on, sand, a few stepping stones. Not a big plastic "
        "playground, but something that fits in a historic square.",
        "youth",
        None,
        16,
        None,
    ),
    (
        "Chess tables and a giant chessboard",
        "A few stone tables with a chessboard on top, and a giant chessboard in the "
        "paving. It brings young and old together.",
        "culture",
        None,
        5,
        None,
    ),
    (
        "A drinking water tap",
        "A free drinking water tap for market visitors, children and cyclists. Cheap "
        "and it saves plastic bottles.",
        "public-space",
        None,
        8,
        None,
    ),
    (
        "Keep the square free for the September fair",
        "Whatever is built, the fair must still fit on the square every September. "
        "Please do not fill the whole square with trees and furniture.",
        "culture",
        None,
        6,
        None,
    ),
    (
        "Better lighting at night",
        "At night the square is dark and some people avoid it. Warm, low lighting "
        "along the paths and on the facades would make it feel safer.",
        "public-space",
        None,
        7,
        None,
    ),
    (
        "Electric shuttle from the station garage",
        "When parking moves to the station, people who cannot walk far need a way to "
        "get to the centre: a small electric shuttle every 15 minutes.",
        "mobility",
        None,
        10,
        None,
    ),
    (
        "Deliveries only before 11 in the morning",
        "Trucks driving across the square in the afternoon would spoil it. Allow "
        "deliveries only before 11:00, as in many Dutch city centres.",
        "mobility",
        None,
        4,
        None,
    ),
    (
        "A monument for the old town hall",
        "The town hall that stood on the square until 1944 deserves a marker: a "
        "bronze outline in the paving where the walls were.",
        "culture",
        (45, 0.04, "Middle of Marktplein"),
        2,
        None,
    ),
    (
        "Public toilets",
        "There is no public toilet anywhere in the centre. A clean, accessible toilet "
        "near the square is needed, certainly for older visitors and families.",
        "public-space",
        None,
        13,
        None,
    ),
    (
        "More trees on the market square",
        "Plant trees on the square so it is cooler in summer.",
        "green-spaces",
        None,
        3,
        "withdrawn",
    ),
    (
        "A weekly farmers' market",
        "Besides the Saturday market, a farmers' market on Wednesday afternoon with "
        "food from the farms around Lindenbrug.",
        "public-space",
        None,
        9,
        None,
    ),
    (
        "Solar panels on the market hall roof",
        "If a market hall comes, cover its roof with solar panels and use the power "
        "for the market stalls and the lighting.",
        "climate",
        None,
        3,
        None,
    ),
    (
        "Keep the parking on Marktplein",
        "The shops on the square depend on customers who come by car. Without parking "
        "they will close. Please reconsider the plan.",
        "mobility",
        None,
        4,
        None,
    ),
    (
        "An ice rink in winter",
        "For four weeks around Christmas an ice rink on the square, with a stall for "
        "hot chocolate. Other towns do it too.",
        "culture",
        None,
        7,
        None,
    ),
    (
        "Green roofs on the bus shelters",
        "Plants on the roofs of the two bus shelters: nice to look at, good for bees "
        "and they catch rainwater.",
        "climate",
        None,
        2,
        None,
    ),
    (
        "A reading garden next to the library",
        "A quiet corner with chairs and plants next to the library entrance, where you "
        "can read a book from the library outside.",
        "culture",
        (330, 0.12, "Library, Marktplein 2"),
        5,
        None,
    ),
    (
        "A wall for street art",
        "Give young artists one blind wall near the square to paint, and change the "
        "work every year.",
        "culture",
        None,
        3,
        None,
    ),
    (
        "No e-scooters on the square",
        "Shared e-scooters are parked everywhere and ride too fast between people. Make "
        "the square a no-go zone for them.",
        "mobility",
        None,
        6,
        None,
    ),
    (
        "Seating for wheelchair and walker users",
        "Benches with armrests at the right height, and space next to them for a "
        "wheelchair or walker, so people can sit together.",
        "public-space",
        None,
        11,
        None,
    ),
    (
        "Restore the historic paving pattern",
        "Old photos show a pattern of red and yellow bricks. Bring it back instead of "
        "grey concrete tiles.",
        "public-space",
        None,
        4,
        None,
    ),
]

WESTWIJK = [
    (
        "Façade gardens in every street",
        "Take out one row of paving tiles along the houses and let residents plant "
        "them. It costs little, cools the street and looks friendly.",
        "green-spaces",
        (280, 2.2, "All streets of Westwijk"),
        19,
        (
            "accepted",
            "We will do this. From the autumn, residents can ask for a façade garden "
            "through the district office; the city removes the tiles and brings soil and "
            "plants for free. The first 200 gardens are planned for October.",
        ),
    ),
    (
        "Turn the Lindelaan car park into a pocket park",
        "The car park at the Lindelaan is half empty most of the day. Make it a small "
        "park with trees, a lawn and benches.",
        "green-spaces",
        (270, 2.6, "Car park Lindelaan"),
        17,
        (
            "evaluating",
            "We are counting how often the car park is used at different times and "
            "discussing with the shops on the Lindelaan. The debate in this process helps "
            "us decide.",
        ),
    ),
    (
        "Fruit trees in the schoolyard",
        "The schoolyard of De Wilgen is all stone. Plant fruit trees and let the "
        "children look after them.",
        "youth",
        (290, 1.8, "Schoolyard De Wilgen"),
        16,
        (
            "accepted",
            "The school agreed. Eight fruit trees and a planted edge are part of the "
            "schoolyard renovation next spring; the children help plant them.",
        ),
    ),
    (
        "Shade trees along the Westsingel",
        "Walking along the Westsingel in summer is unbearable. A row of trees on the "
        "sunny side would help a lot.",
        "green-spaces",
        (265, 3.0, "Westsingel"),
        12,
        (
            "evaluating",
            "There are cables under the pavement on the sunny side. We are looking at "
            "planting on the other side or in the parking lane.",
        ),
    ),
    (
        "Green roofs on the bus shelters",
        "The five bus shelters in Westwijk could all get a green roof.",
        "climate",
        None,
        8,
        None,
    ),
    (
        "Take out the paving of the Kastanjeplein",
        "The Kastanjeplein is completely paved. Replace most of it with grass and "
        "plants, keep paths to the front doors.",
        "green-spaces",
        (300, 2.4, "Kastanjeplein"),
        15,
        (
            "rejected",
            "We cannot do this the way it is proposed: a district heating main and the "
            "fire brigade's access route run under the square, so it must stay paved "
            "and strong. Instead we will put large planters with trees along the edges; "
            "you can discuss their place in the debate.",
        ),
    ),
    (
        "A community vegetable garden",
        "There is an unused strip behind the sports park. Let residents grow "
        "vegetables there together.",
        "green-spaces",
        (275, 3.2, "Behind the sports park"),
        11,
        None,
    ),
    (
        "A tiny forest next to the sports park",
        "A tiny forest of 200 square metres, planted with schools and residents. It "
        "grows fast and gives a lot of nature on a small piece of land.",
        "climate",
        (285, 3.1, "Next to the sports park"),
        14,
        None,
    ),
    (
        "Wildflowers instead of mown grass",
        "Mow the verges only twice a year and sow wildflowers. Good for bees and "
        "butterflies and cheaper too.",
        "green-spaces",
        None,
        9,
        None,
    ),
    (
        "A drinking fountain in the park",
        "During heat waves there is nowhere to get water in Westwijk park.",
        "climate",
        None,
        6,
        None,
    ),
    (
        "Climbing plants on the blind walls of the flats",
        "The flats on the Berkenstraat have large blind walls. Ivy or Virginia creeper "
        "would cool them and look much better.",
        "green-spaces",
        None,
        7,
        None,
    ),
    (
        "Trees instead of parking in the Berkenstraat",
        "Replace every fifth parking space in the Berkenstraat with a tree.",
        "green-spaces",
        None,
        10,
        None,
    ),
    (
        "Cool walking routes to the shops",
        "Mark a route with shade and benches from the flats to the shopping centre, "
        "for older residents in the summer.",
        "public-space",
        None,
        5,
        None,
    ),
    (
        "A rain barrel for every house",
        "Give every house with a garden a rain barrel: less water in the sewer and "
        "free water for the plants.",
        "climate",
        None,
        4,
        None,
    ),
    (
        "A park keeper for Westwijk park",
        "Someone who looks after the park, talks to young people and keeps it clean.",
        "public-space",
        None,
        3,
        None,
    ),
    (
        "Benches under the trees",
        "There are nice old trees in the park but nowhere to sit under them.",
        "public-space",
        None,
        6,
        None,
    ),
    (
        "Bird and bat boxes",
        "Hang boxes for swifts and bats on the new flats.",
        "climate",
        None,
        2,
        None,
    ),
    (
        "More bins in the park",
        "On sunny days the bins in the park overflow.",
        "public-space",
        None,
        3,
        None,
    ),
]

CYCLING = [
    (
        "Make the Oude Rijnkade a cycle street",
        "The Oude Rijnkade is the main route from the centre to the university. Make "
        "it a cycle street where cars are guests.",
        "mobility",
        (20, 1.6, "Oude Rijnkade"),
        34,
        (
            "accepted",
            "The Oude Rijnkade becomes a cycle street with red asphalt and a 30 km/h "
            "limit. Work starts after the summer holidays.",
        ),
    ),
    (
        "A safe crossing at the Stationsweg roundabout",
        "Cyclists have no priority on the Stationsweg roundabout and accidents happen every month.",
        "mobility",
        (160, 0.9, "Stationsweg roundabout"),
        38,
        (
            "accepted",
            "The roundabout is rebuilt with a separate cycle track and priority for "
            "cyclists. It opens in March.",
        ),
    ),
    (
        "A wider cycle path to the Zuidveld schools",
        "Every morning 800 pupils cycle on a path that is two metres wide. It is far too narrow.",
        "mobility",
        (185, 2.5, "Zuidveldlaan"),
        29,
        ("accepted", "The path will be widened to four metres over its whole length."),
    ),
    (
        "2,000 more bicycle parking places at the station",
        "The station bicycle parking is full by 8:30. People leave their bicycles everywhere.",
        "mobility",
        (160, 0.8, "Station"),
        33,
        (
            "accepted",
            "Together with the railways we build a second underground bicycle parking "
            "with 2,200 places, ready in two years.",
        ),
    ),
    (
        "Red asphalt on the ring road cycle path",
        "Replace the tiles of the ring road cycle path with smooth red asphalt.",
        "mobility",
        None,
        17,
        (
            "rejected",
            "The tiles are only six years old; replacing them now would cost 1.4 million "
            "euros that the plan spends on missing links instead. The path gets asphalt "
            "when the tiles are worn.",
        ),
    ),
    (
        "A green wave for cyclists on the Vaartweg",
        "Set the traffic lights so that cyclists at 18 km/h get green all the way.",
        "mobility",
        (60, 1.5, "Vaartweg"),
        21,
        ("accepted", "The traffic lights on the Vaartweg get a green wave for cyclists."),
    ),
    (
        "A cycle bridge to Rivierzijde",
        "A bridge for cyclists and pedestrians over the river would cut ten minutes "
        "off the trip from Rivierzijde to the centre.",
        "mobility",
        (225, 2.0, "River crossing Rivierzijde"),
        26,
        (
            "rejected",
            "A bridge costs about 12 million euros, far more than this plan's budget. It "
            "is included in the long-term mobility vision, and we apply for national "
            "funding.",
        ),
    ),
    (
        "Lighting along the Polderpad",
        "The Polderpad is pitch dark in winter. Many students avoid it.",
        "mobility",
        (120, 3.0, "Polderpad"),
        24,
        ("accepted", "Low, wildlife-friendly lighting is placed along the whole path."),
    ),
    (
        "Ban mopeds from the cycle paths",
        "Mopeds ride much too fast on the cycle paths.",
        "mobility",
        None,
        19,
        (
            "rejected",
            "The city cannot do this everywhere: national law decides where mopeds ride. "
            "We do move them to the road on the Oude Rijnkade and the Vaartweg.",
        ),
    ),
    (
        "Shared cargo bikes in every district",
        "Not everyone can afford a cargo bike. Shared cargo bikes at the district "
        "centres would help families go car-free.",
        "mobility",
        None,
        15,
        (
            "evaluating",
            "We are starting a pilot in two districts this year and decide after it "
            "whether to continue.",
        ),
    ),
    (
        "Clear the cycle paths of snow first",
        "In winter the roads are cleared but the cycle paths stay icy for days.",
        "mobility",
        None,
        22,
        ("accepted", "From this winter the main cycle routes are gritted before the roads."),
    ),
    (
        "Remove the bollards on the Dijkpad",
        "The bollards in the middle of the Dijkpad cause accidents, especially in the dark.",
        "mobility",
        (330, 2.8, "Dijkpad"),
        12,
        ("accepted", "The bollards were removed in May."),
    ),
]

PLAN = {
    # slug: (proposals, days ago the proposals came in (first, last),
    #        days ago supports ended (0 = still open), answer days ago (first, last))
    "car-free-marktplein": (MARKTPLEIN, (20, 1), 0, (3, 1)),
    "green-westwijk": (WESTWIJK, (55, 22), 0, (15, 5)),
    "cycling-plan-2026": (CYCLING, (270, 212), 181, (175, 125)),
}


def _point(bearing_deg: float, km: float) -> tuple[float, float]:
    lat0, lon0 = CENTRE
    dlat = km / 111.32 * math.cos(math.radians(bearing_deg))
    dlon = km / (111.32 * math.cos(math.radians(lat0))) * math.sin(math.radians(bearing_deg))
    return round(lat0 + dlat, 6), round(lon0 + dlon, 6)


@contextmanager
def _own_timestamps(model):
    """Let bulk_create keep the objects' own created_at/updated_at."""
    fields = [f for f in model._meta.concrete_fields if f.name in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def load(demo) -> None:
    processes = demo.shared.get("processes") or {}
    topics = demo.shared.get("topics") or {}
    citizens = list(demo.shared.get("citizens") or [])
    if not processes or not citizens:
        demo.say("  proposals: skipped (no processes or citizens)")
        return
    rng = demo.rng
    now = timezone.now()
    answerers = {}
    for membership in Membership.objects.select_related("user").order_by("pk"):
        answerers.setdefault(membership.organisation_id, membership.user)

    rows: list[tuple[Proposal, int, dt.datetime]] = []
    for slug, (specs, (first, last), supports_closed, answered) in PLAN.items():
        process = processes.get(slug)
        if process is None:
            continue
        step = (first - last) / max(1, len(specs) - 1)
        for index, (title, body, topic, place, target, answer) in enumerate(specs):
            created = now - dt.timedelta(days=first - step * index, hours=rng.uniform(0, 20))
            author = rng.choice(citizens)
            lat = lon = None
            address = ""
            district = process.district
            if place is not None:
                bearing, km, address = place
                lat, lon = _point(bearing, km)
                found = district_at(lat, lon)
                if process.district_id and found != process.district:
                    lat = lon = None
                else:
                    district = found or district
            proposal = Proposal(
                process=process,
                author=author,
                title=title,
                body=body,
                topic=topics.get(topic),
                district=district,
                lat=lat,
                lon=lon,
                address=address,
                created_at=created,
                updated_at=created,
            )
            if answer == "withdrawn":
                proposal.state = Proposal.State.WITHDRAWN
                proposal.withdrawn_at = created + dt.timedelta(days=2)
            elif answer is not None:
                state, text = answer
                proposal.answer_state = state
                proposal.answer_text = text
                proposal.answered_at = now - dt.timedelta(
                    days=rng.uniform(answered[1], answered[0])
                )
                proposal.answered_by = answerers.get(process.organisation_id)
            supports_end = now - dt.timedelta(days=supports_closed, hours=1)
            rows.append((proposal, target, supports_end))

    with _own_timestamps(Proposal):
        Proposal.objects.bulk_create([p for p, _t, _e in rows], batch_size=200)

    supports: list[Support] = []
    for proposal, target, supports_end in rows:
        process = proposal.process
        eligible = [c for c in citizens if c.pk != proposal.author_id]
        if process.supports_require_residence:
            eligible = [c for c in eligible if c.verified_resident_since is not None]
        chosen = rng.sample(eligible, min(target, len(eligible)))
        start = proposal.created_at + dt.timedelta(hours=1)
        end = proposal.withdrawn_at or supports_end
        times = sorted(start + (end - start) * rng.random() for _c in chosen)
        supports += [
            Support(proposal=proposal, user=c, created_at=t)
            for c, t in zip(chosen, times, strict=True)
        ]
        proposal.support_count = len(chosen)
        threshold = process.support_threshold
        if threshold and len(chosen) >= threshold:
            proposal.qualified_at = times[threshold - 1]
    Support.objects.bulk_create(supports, batch_size=1000)
    Proposal.objects.bulk_update(
        [p for p, _t, _e in rows], ["support_count", "qualified_at"], batch_size=200
    )

    # A few proposals written together.
    coauthors = []
    for proposal, _t, _e in rows[:: len(rows) // 4 or 1][:4]:
        partner = rng.choice([c for c in citizens if c.pk != proposal.author_id])
        coauthors.append(
            Coauthorship(
                proposal=proposal,
                user=partner,
                invited_by=proposal.author,
                created_at=proposal.created_at + dt.timedelta(hours=2),
                accepted_at=proposal.created_at + dt.timedelta(hours=9),
            )
        )
    Coauthorship.objects.bulk_create(coauthors)

    proposals = [p for p, _t, _e in rows]
    # Bulk-inserted rows bypass the services: score them in one pass.
    quality.rescore()
    demo.shared["proposals"] = proposals
    demo.say(
        f"  {len(proposals)} proposals with {len(supports)} supports, "
        f"{sum(p.qualified_at is not None for p in proposals)} qualified, "
        f"{sum(p.is_answered for p in proposals)} answered"
    )
