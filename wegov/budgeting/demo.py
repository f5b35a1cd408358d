"""Two participatory budgets for the demo city.

- Oosterpark neighbourhood budget: the vote is open now (a knapsack ballot,
  counted with the Method of Equal Shares). Feasible and not feasible projects
  are on the map; verified residents have voted, except citizen@lindenbrug.example,
  who can try the ballot.
- Lindenbrug city budget (last year's): the vote closed over a year ago; the ballots are
  anonymous, counted with the Method of Equal Shares, and the results are
  published.

Projects and ballots are written through the models (nobody is notified); the
past budget is counted and published through ``services`` like a manager would.
Needs the districts, topics, staff and citizens of the earlier demos.
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone

from wegov.accounts.models import User
from wegov.places.selectors import district_at
from wegov.processes.models import Phase, PhaseKind, Process
from wegov.residency.models import Residence

from . import services
from .models import Ballot, BallotChoice, BallotType, Budget, BudgetProject, TallyRule

CENTRE = (52.1561, 5.3878)

# (title, description, topic, (bearing, km) or None, cost, corrected cost, unfeasible reason)
OOSTERPARK = [
    (
        "Water playground in the Oosterpark",
        "A small splash area with jets that children can switch on, next to the big "
        "playground. Turned off in winter.",
        "youth",
        (60, 1.3),
        38_000,
        42_000,
        "",
    ),
    (
        "Benches and shade along the pond",
        "Eight benches with backs and arms, and four trees for shade, on the sunny south "
        "side of the pond where older residents walk.",
        "green-spaces",
        (75, 1.5),
        14_000,
        None,
        "",
    ),
    (
        "Safe crossing at Parkweg school",
        "A raised crossing and a narrower road at the school entrance, so that children "
        "can cross without a lollipop lady.",
        "mobility",
        (50, 1.1),
        27_000,
        31_000,
        "",
    ),
    (
        "Neighbourhood tool library",
        "A shipping container by the community centre where residents borrow drills, "
        "ladders and garden tools, run by volunteers.",
        "public-space",
        (85, 1.2),
        9_500,
        None,
        "",
    ),
    (
        "Façade gardens for Kastanjestraat",
        "Remove one row of paving tiles along the houses and plant climbers and perennials, "
        "with residents looking after them.",
        "climate",
        (65, 1.7),
        11_000,
        None,
        "",
    ),
    (
        "Outdoor fitness corner",
        "Six outdoor fitness machines near the running track, for all ages.",
        "youth",
        (70, 1.9),
        18_000,
        None,
        "",
    ),
    (
        "Covered bicycle parking at the station square",
        "Two hundred covered bicycle spaces on the east side of the square.",
        "mobility",
        (45, 1.4),
        120_000,
        None,
        "It costs more than the whole budget. The city includes it in the station plan "
        "for 2027 instead.",
    ),
    (
        "A swimming pool in the park",
        "An open-air swimming pool where the old paddling pool was.",
        "youth",
        (80, 1.6),
        60_000,
        None,
        "A pool needs lifeguards and water treatment every summer; the budget pays only "
        "for things without running costs the city cannot carry.",
    ),
]

# (title, topic, (bearing, km), cost, which groups of voters like it)
CITY_PROJECTS = [
    ("Cycle path along the Linde river", "mobility", (200, 1.8), 420_000, "ABC"),
    ("New trees in the Binnenstad", "green-spaces", (10, 0.3), 180_000, "A"),
    ("Youth centre renovation in Zuidveld", "youth", (180, 2.2), 260_000, "D"),
    ("Library opening on Sundays", "culture", (350, 0.4), 90_000, "AB"),
    ("Rain gardens in Westwijk", "climate", (270, 2.0), 150_000, "C"),
    ("Playground for all abilities in Noorderhaven", "youth", (0, 2.4), 120_000, "B"),
    ("Skate park in Molenkwartier", "youth", (135, 2.1), 95_000, "D"),
    ("Street lighting on the Lindenhof footpaths", "public-space", (315, 2.3), 70_000, "C"),
    ("Open-air cinema summer programme", "culture", (30, 0.6), 40_000, "AD"),
    ("Market hall roof at Marktplein", "public-space", (0, 0.05), 380_000, "A"),
    ("Community garden in Rivierzijde", "green-spaces", (225, 2.5), 55_000, "B"),
    ("Electric shuttle for the elderly", "mobility", (90, 1.0), 210_000, "AC"),
]
CITY_BUDGET = 1_000_000
# Voters of group -> (how many, chance of approving each liked project, of any other)
GROUPS = {"A": (140, 0.8, 0.08), "B": (70, 0.8, 0.1), "C": (60, 0.85, 0.08), "D": (40, 0.9, 0.05)}


def _point(bearing_deg: float, km: float) -> tuple[float, float]:
    lat0, lon0 = CENTRE
    dlat = km / 111.32 * math.cos(math.radians(bearing_deg))
    dlon = km / (111.32 * math.cos(math.radians(lat0))) * math.sin(math.radians(bearing_deg))
    return round(lat0 + dlat, 6), round(lon0 + dlon, 6)


def _process(demo, *, slug, title, summary, district, phases, organisation_slug) -> Process:
    """The participatory process a budget belongs to, with its phases as
    (kind, first day, last day) offsets from today."""
    today = timezone.localdate()
    departments = demo.shared.get("departments") or {}
    organisation = departments.get(organisation_slug) or departments[sorted(departments)[0]]
    manager = User.objects.filter(is_process_manager=True).order_by("pk").first()
    process = Process.objects.create(
        slug=slug,
        title=title,
        summary=summary,
        description=f"<p>{summary}</p>",
        scope=Process.Scope.DISTRICT if district else Process.Scope.CITY,
        district=district,
        organisation=organisation,
        is_published=True,
        published_at=timezone.now() + dt.timedelta(days=phases[0][1]),
        starts_on=today + dt.timedelta(days=phases[0][1]),
        ends_on=today + dt.timedelta(days=phases[-1][2]),
        created_by=manager,
    )
    Phase.objects.bulk_create(
        Phase(
            process=process,
            kind=kind,
            starts_on=today + dt.timedelta(days=first),
            ends_on=today + dt.timedelta(days=last),
            position=position,
            announced_on=today + dt.timedelta(days=first) if first <= 0 else None,
        )
        for position, (kind, first, last) in enumerate(phases)
    )
    return process


def _oosterpark(demo, districts, topics, citizens, staff) -> Budget:
    rng = demo.rng
    now = timezone.now()
    district = districts.get("oosterpark")
    process = _process(
        demo,
        slug=f"oosterpark-budget-{now.year}",
        title=f"Oosterpark decides: neighbourhood budget {now.year}",
        summary="Residents of Oosterpark propose projects and vote on how to spend € 100,000.",
        district=district,
        organisation_slug="office-oosterpark",
        phases=[
            (PhaseKind.PROPOSALS, -90, -41),
            (PhaseKind.EVALUATION, -40, -6),
            (PhaseKind.VOTING, -5, 9),
            (PhaseKind.IMPLEMENTATION, 10, 365),
        ],
    )
    budget = Budget.objects.create(
        process=process,
        title=f"Oosterpark neighbourhood budget {now.year}",
        slug=f"oosterpark-{now.year}",
        description=(
            "<p>Residents of Oosterpark decide how to spend <strong>€ 100,000</strong> "
            "on their neighbourhood. Residents proposed projects in the spring; the city "
            "checked that each can be done and what it costs.</p><p>Choose the projects "
            "you want, up to the budget. The ballots are counted with the Method of Equal "
            "Shares, so that every group of residents gets its fair part.</p>"
        ),
        district=district,
        amount=100_000,
        ballot_type=BallotType.KNAPSACK,
        rule=TallyRule.MES,
        min_choices=1,
        voting_opens_at=now - dt.timedelta(days=5),
        voting_closes_at=now + dt.timedelta(days=9),
        is_published=True,
    )
    evaluator = staff[0] if staff else None
    projects = []
    for title, text, topic, place, cost, corrected, unfeasible in OOSTERPARK:
        lat, lon = _point(*place)
        found = district_at(lat, lon)
        projects.append(
            BudgetProject.objects.create(
                budget=budget,
                title=title,
                description=text,
                topic=topics.get(topic),
                lat=lat,
                lon=lon,
                district=found or district,
                estimated_cost=cost,
                final_cost=corrected,
                status="unfeasible" if unfeasible else "feasible",
                unfeasible_reason=unfeasible,
                evaluated_by=evaluator,
                evaluated_at=now - dt.timedelta(days=12),
                author=rng.choice(citizens[1:]) if len(citizens) > 1 else None,
            )
        )
    feasible = [p for p in projects if p.status == "feasible"]
    # Only residents of the district may vote; citizen@ (citizens[0]) has not yet.
    residents = set(Residence.objects.filter(district=district).values_list("user_id", flat=True))
    voters = [c for c in citizens[1:] if c.pk in residents]
    for voter in voters:
        order = sorted(feasible, key=lambda _p: rng.random())
        chosen, spent = [], 0
        for project in order:
            if spent + project.cost <= budget.amount and rng.random() < 0.7:
                chosen.append(project)
                spent += project.cost
        if not chosen:
            chosen = [min(feasible, key=lambda p: p.cost)]
        cast_at = now - dt.timedelta(days=rng.uniform(0.1, 4.9))
        ballot = Ballot.objects.create(
            budget=budget, voter=voter, submitted_at=cast_at, updated_at=cast_at
        )
        BallotChoice.objects.bulk_create(
            BallotChoice(ballot=ballot, project=project) for project in chosen
        )
    return budget


def _city_past(demo, topics) -> Budget:
    rng = demo.rng
    now = timezone.now()
    closes = now - dt.timedelta(days=400)
    year = closes.year
    days_ago = (now - closes).days
    process = _process(
        demo,
        slug=f"city-budget-{year}",
        title=f"Lindenbrug city budget {year}",
        summary="Residents decided how to spend € 1 million on projects for the whole city.",
        district=None,
        organisation_slug="public-works",
        phases=[
            (PhaseKind.PROPOSALS, -days_ago - 120, -days_ago - 61),
            (PhaseKind.EVALUATION, -days_ago - 60, -days_ago - 22),
            (PhaseKind.VOTING, -days_ago - 21, -days_ago),
            (PhaseKind.IMPLEMENTATION, -days_ago + 1, 200),
        ],
    )
    budget = Budget.objects.create(
        process=process,
        title=f"Lindenbrug city budget {year}",
        slug=f"lindenbrug-{year}",
        description=(
            f"<p>In {year} the residents of Lindenbrug decided how to spend "
            "<strong>€ 1 million</strong> on projects for the whole city. Every resident "
            "could approve as many projects as they liked.</p>"
        ),
        amount=CITY_BUDGET,
        ballot_type=BallotType.APPROVAL,
        rule=TallyRule.MES,
        min_choices=1,
        voting_opens_at=closes - dt.timedelta(days=21),
        voting_closes_at=closes,
        is_published=True,
        ballots_anonymised_at=closes + dt.timedelta(minutes=5),
    )
    projects = []
    for title, topic, place, cost, _groups in CITY_PROJECTS:
        lat, lon = _point(*place)
        projects.append(
            BudgetProject.objects.create(
                budget=budget,
                title=title,
                description=f"{title}: proposed by residents and checked by the city in {year}.",
                topic=topics.get(topic),
                lat=lat,
                lon=lon,
                district=district_at(lat, lon),
                estimated_cost=cost,
                status="feasible",
                evaluated_at=closes - dt.timedelta(days=40),
            )
        )
    ballots, choices = [], []
    for group, (count, liked, other) in GROUPS.items():
        for _ in range(count):
            row = [
                project
                for project, spec in zip(projects, CITY_PROJECTS, strict=True)
                if rng.random() < (liked if group in spec[4] else other)
            ]
            if not row:
                row = [rng.choice(projects)]
            cast_at = closes - dt.timedelta(days=rng.uniform(0.1, 20))
            ballots.append(Ballot(budget=budget, submitted_at=cast_at, updated_at=cast_at))
            choices.append(row)
    ballots = Ballot.objects.bulk_create(ballots)
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, project=project)
        for ballot, row in zip(ballots, choices, strict=True)
        for project in row
    )
    tally = services.budget_tally(actor=None, budget=budget, rule=TallyRule.MES)
    services.results_publish(actor=None, budget=budget, tally=tally)
    Budget.objects.filter(pk=budget.pk).update(results_published_at=closes + dt.timedelta(days=3))
    budget.refresh_from_db()
    return budget


def load(demo) -> None:
    districts = {d.slug: d for d in demo.shared.get("districts", [])}
    topics = demo.shared.get("topics") or {}
    citizens = list(demo.shared.get("citizens") or [])
    staff = list(demo.shared.get("staff") or [])
    if not citizens:
        demo.say("  budgets: skipped (no citizens)")
        return
    current = _oosterpark(demo, districts, topics, citizens, staff)
    past = _city_past(demo, topics)
    funded = past.projects.filter(is_funded=True).count()
    demo.say(
        f"  budgets: {current.title} (voting, {current.ballots.count()} ballots), "
        f"{past.title} ({past.ballots.count()} ballots, {funded} projects funded)"
    )
    demo.shared["budgets"] = {"current": current, "past": past}
