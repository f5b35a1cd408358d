"""Lindenbrug's debates: a few strategic questions in the demo processes.

Green Westwijk is in its debate phase (citizens may open debates there), the
car-free Marktplein has one debate opened by the administration, and the
cycling plan has a debate closed long ago with its conclusion. Rows are
written directly with past timestamps, like the other demos: loading
announces nothing to anybody. The comments demo, which runs after this one,
adds the arguments (``demo.shared["debates"]``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wegov.accounts.models import Membership

from .models import Debate

# process slug, official?, title, description, topic slug or None, days ago,
# conclusion (closed) or "", closed days ago
DEBATES = [
    (
        "green-westwijk",
        True,
        "Fewer parking spaces for more trees in Westwijk?",
        "Westwijk's streets are narrow: most new trees can only go where cars park "
        "today. The plan makes room for about 120 trees by removing 200 of the 1,400 "
        "parking spaces, mostly in the streets around the Lindeplein.\n\n"
        "Is that a fair exchange? Which streets should keep their parking, and which "
        "should become green first?",
        "green-spaces",
        18,
        "",
        0,
    ),
    (
        "green-westwijk",
        False,
        "Façade gardens in every street, or one new park?",
        "The budget can pay for either many small façade gardens and tree pits along "
        "all streets, or one new park of about one hectare on the old bus depot.\n\n"
        "Small green everywhere cools every street a little; a park gives children a "
        "place to play and the district a place to meet. What should come first?",
        "green-spaces",
        12,
        "",
        0,
    ),
    (
        "green-westwijk",
        False,
        "Should residents look after the new trees?",
        "Young trees need water in their first three summers. The city waters them, "
        "but neighbours could adopt a tree and water it more often, as in Oostwijk.\n\n"
        "Is that a good idea, or is it the city's job?",
        None,
        6,
        "",
        0,
    ),
    (
        "green-westwijk",
        True,
        "Which trees for Westwijk's streets?",
        "The parks department proposed three species for the new street trees: "
        "linden, field maple and Japanese pagoda tree. They cope with heat and "
        "drought but differ in size, blossom and pollen.\n\n"
        "Which do you prefer for your street, and why?",
        "green-spaces",
        19,
        "Thank you for your arguments. Most people preferred native trees that "
        "bees use: the streets get field maples and, where there is room, lindens. "
        "Pagoda trees are planted only on the wide Westlaan, where their late blossom "
        "helps bees in August. People with hay fever asked us to avoid birches: we do.",
        4,
    ),
    (
        "car-free-marktplein",
        True,
        "Should the weekly market stay on Marktplein?",
        "The Saturday market has been on Marktplein for 300 years. A car-free square "
        "could give it more room, but some proposals want the square green and quiet, "
        "with the market moving to the Kerkstraat.\n\n"
        "Should the market stay, grow, or move?",
        "public-space",
        15,
        "",
        0,
    ),
    (
        "cycling-plan-2026",
        True,
        "A cycle street on the Singel: cars as guests?",
        "On a cycle street ('fietsstraat') cyclists use the whole road and cars are "
        "guests that may not overtake. The Singel is the busiest cycle route of the "
        "city, and also the way into the centre for many drivers.\n\n"
        "Should the Singel become a cycle street?",
        "mobility",
        205,
        "The debate showed broad support for a cycle street, with two conditions: "
        "delivery vans keep access in the morning, and through traffic is sent to the "
        "ring road with clear signs. The council adopted the Singel cycle street in the "
        "cycling plan 2026 on these terms; it opens after the summer.",
        182,
    ),
]


def _processes(demo) -> dict:
    found = demo.shared.get("processes") or {}
    if isinstance(found, dict):
        return found
    return {process.slug: process for process in found}


def load(demo) -> None:
    rng = demo.rng
    processes = _processes(demo)
    citizens = list(demo.shared.get("citizens", []))
    staff_by_org: dict[int, list] = {}
    for membership in Membership.objects.select_related("user").order_by("pk"):
        staff_by_org.setdefault(membership.organisation_id, []).append(membership.user)
    now = timezone.now()
    debates = []
    for slug, official, title, description, topic_slug, days, conclusion, closed_days in DEBATES:
        process = processes.get(slug)
        if process is None:
            continue
        team = staff_by_org.get(process.organisation_id) or []
        if (official and not team) or (not official and not citizens):
            continue
        author = team[0] if official else rng.choice(citizens[1:] or citizens)
        topics = demo.shared.get("topics") or {}
        created = now - dt.timedelta(days=days, hours=rng.randint(1, 9))
        debate = Debate.objects.create(
            process=process,
            author=author,
            opened_by_organisation=process.organisation if official else None,
            title=title,
            description=description,
            topic=topics.get(topic_slug) if topic_slug else None,
            district=process.district,
            state=Debate.State.CLOSED if conclusion else Debate.State.OPEN,
            conclusion=conclusion,
            closed_at=now - dt.timedelta(days=closed_days) if conclusion else None,
            closed_by=(team[0] if team else None) if conclusion else None,
        )
        Debate.objects.filter(pk=debate.pk).update(
            created_at=created,
            updated_at=debate.closed_at if conclusion else created,
        )
        debate.created_at = created
        debates.append(debate)
    demo.shared["debates"] = debates
    closed = sum(debate.is_closed for debate in debates)
    demo.say(f"  {len(debates)} debates ({closed} closed with a conclusion)")
