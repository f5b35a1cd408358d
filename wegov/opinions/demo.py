"""Lindenbrug's conversation "A car-free city centre?".

In the process *Car-free Marktplein* (standalone when that process is not
there): published, open, pre-moderated, open to people without an account.
24 seed statements by the participation team and 3 accepted statements by
participants; one more waits for moderation and one was rejected with a reason.

300 simulated participants hold one of three opinions — "car-free now",
"car-light with exceptions" and "keep cars" (``GROUPS``) — and each votes on 8
to 24 statements, mostly as their opinion says (``STANCES``), sometimes
passing or voting against it. The first of them are the demo's citizen
accounts; the others took part anonymously. The demo citizen
(citizen@lindenbrug.example) has voted on 8 statements, enough to be placed
on the opinion map, and can go on voting.

Deterministic (its own fixed seed, so the other apps' demos do not change it),
written with bulk inserts and timestamps in the past: loading announces
nothing to anybody. The opinion groups are then computed once, in place
(``analysis.recompute``), as a worker would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.utils import timezone

from wegov.accounts.models import User

from .analysis import recompute
from .models import Conversation, Participant, Statement, Vote

SEED = 7007
SLUG = "a-car-free-city-centre"
PARTICIPANTS = 300
VOTES_PER_PARTICIPANT = (8, 24)
CITIZEN_VOTES = 8

# The three opinions and how many of the simulated participants hold each.
GROUPS = {
    1: ("car-free now", 125),
    2: ("car-light with exceptions", 105),
    3: ("keep cars", 70),
}

# A statement and the stance of each group: +1 mostly agree, -1 mostly disagree,
# 0 divided. The first 24 are the seed statements, then the participants'.
STANCES: list[tuple[str, tuple[int, int, int]]] = [
    ("The city centre should be car-free all day, seven days a week.", (1, -1, -1)),
    ("Delivery vans should be allowed in the centre before 11 in the morning.", (1, 1, 1)),
    ("Parking for disabled people must stay within 100 metres of the shops.", (1, 1, 1)),
    ("Shops in the centre will lose turnover if customers cannot drive there.", (-1, 0, 1)),
    ("Buses to the centre should run every 10 minutes during the day.", (1, 1, -1)),
    ("Cars should be allowed in the centre only in the evening, after 7 pm.", (-1, 1, -1)),
    ("The car park on Marktplein should become a square with trees and benches.", (1, 1, -1)),
    ("People who live in the centre should keep a parking permit for their street.", (-1, 1, 1)),
    ("Traffic noise is a real problem for the people who live in the centre.", (1, 1, -1)),
    ("Without through traffic the air in the centre will be noticeably cleaner.", (1, 1, -1)),
    ("Streets without cars feel unsafe at night, when the shops are closed.", (-1, 0, 1)),
    ("Taxis should be allowed to drop people off on the market square.", (-1, 1, 1)),
    ("The new garage at the station is too far from the shops for older people.", (-1, 1, 1)),
    ("Let us try it first: car-free on Saturdays for one year, then decide.", (-1, 1, -1)),
    ("Cargo bikes should take over deliveries inside the ring road.", (1, -1, -1)),
    ("A car-free centre will push traffic into the surrounding neighbourhoods.", (-1, 0, 1)),
    ("Only residents, taxis and disabled drivers should be allowed to drive in.", (-1, 1, -1)),
    ("Terraces and market stalls make the centre livelier than parked cars do.", (1, 1, -1)),
    ("Fire engines and ambulances must be able to reach every street at any time.", (1, 1, 1)),
    ("Parking fees should go up to pay for better buses and bike routes.", (1, -1, -1)),
    ("Shopkeepers should get advice and money from the city during the change.", (1, 1, 1)),
    ("Before cars go, the edges of the centre need far more bike parking.", (1, 1, 0)),
    ("For families with small children the car is the only practical way to shop.", (-1, -1, 1)),
    ("Cycling through the centre is dangerous today because of the cars.", (1, 0, -1)),
    # Written by participants and accepted by the moderators:
    ("Night buses should run until 2 am at weekends once the cars are gone.", (1, 1, -1)),
    ("Put shade and benches along the walking route from the station garage.", (1, 1, 1)),
    ("Electric cars make no noise and no fumes, so they should stay allowed.", (-1, 0, 1)),
]
SEED_COUNT = 24
PENDING = "What about the weekly market? The traders need to unload their vans somewhere close."
REJECTED = (
    "Whoever came up with this plan has never carried shopping in the rain, the idiot.",
    "A personal attack: statements are about the plan, not about the people behind it.",
)
# The demo citizen's votes: statement number, value (a car-light opinion).
CITIZEN_BALLOT = [(2, 1), (3, 1), (6, 1), (8, 1), (14, 1), (1, -1), (15, -1), (10, 1)]

DESCRIPTION = (
    "Marktplein becomes car-free in 2027. Should the rest of the city centre follow, "
    "and how?\n\n"
    "Add a statement when something is missing: the moderators check it before others "
    "see it. You do not need an account.\n\n"
    "Nobody sees how you voted. Everybody sees the opinion groups that form, what "
    "each group thinks, and what all groups agree on. The Mobility and Traffic "
    "department uses the results to write the traffic plan for the centre, which "
    "the city council decides on in the spring."
)

# Probabilities of agree / disagree / pass for each stance.
PROBABILITIES = {
    1: (0.84, 0.06, 0.10),
    -1: (0.06, 0.84, 0.10),
    0: (0.40, 0.35, 0.25),
}


def _value(rng: random.Random, stance: int) -> int:
    agree, disagree, _pass = PROBABILITIES[stance]
    draw = rng.random()
    if draw < agree:
        return Vote.Value.AGREE
    if draw < agree + disagree:
        return Vote.Value.DISAGREE
    return Vote.Value.PASS


def simulated_groups() -> dict[int, int]:
    """The true opinion group of each simulated participant, by number (1 to 300).

    Shuffled with the demo's seed, so numbers (the order people joined) do not
    give the groups away.
    """
    labels = [label for label, (_name, size) in GROUPS.items() for _ in range(size)]
    random.Random(SEED).shuffle(labels)
    return dict(enumerate(labels, start=1))


def load(demo) -> None:
    rng = random.Random(SEED)
    now = timezone.now()
    started = now - dt.timedelta(days=18)
    processes = demo.shared.get("processes", {})
    process = processes.get("car-free-marktplein")
    manager = User.objects.filter(is_process_manager=True).order_by("pk").first()
    moderator = (
        User.objects.filter(email="moderator@lindenbrug.example").first()
        or User.objects.filter(is_moderator=True).order_by("pk").first()
    )
    citizens = list(demo.shared.get("citizens") or [])

    conversation = Conversation.objects.create(
        slug=SLUG,
        topic="A car-free city centre?",
        description=DESCRIPTION,
        process=process,
        created_by=manager,
        is_published=True,
        is_open=True,
        allow_anonymous=True,
        allow_statements=True,
        moderation=Conversation.Moderation.PRE,
        min_votes=7,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=started - dt.timedelta(days=2), updated_at=started
    )

    # Participants: the demo's citizens (but the demo citizen) first, then anonymous browsers.
    truth = simulated_groups()
    joined = {
        number: started + dt.timedelta(minutes=rng.randint(0, 17 * 24 * 60)) for number in truth
    }
    accounts = citizens[1:]
    participants = Participant.objects.bulk_create(
        Participant(
            conversation=conversation,
            number=number,
            user=accounts[number - 1] if number <= len(accounts) else None,
            browser_key=""
            if number <= len(accounts)
            else hashlib.sha256(rng.randbytes(32)).hexdigest(),
            created_at=joined[number],
        )
        for number in sorted(truth)
    )
    by_number = {p.number: p for p in participants}

    # Statements: the seeds first, then the participants' (written a few days in,
    # each by someone who had joined by then and whose opinion it is).
    def author(when: dt.datetime, group: int) -> Participant:
        candidates = [n for n, label in truth.items() if label == group and joined[n] < when]
        return by_number[rng.choice(candidates)]

    statements = []
    for index, (text, stance) in enumerate(STANCES):
        seed = index < SEED_COUNT
        when = started + (dt.timedelta(minutes=index) if seed else dt.timedelta(days=index - 20))
        writer = None if seed else author(when, stance.index(1) + 1)
        statements.append(
            Statement(
                conversation=conversation,
                number=index + 1,
                text=text,
                author=manager if seed else writer.user,
                author_participant=writer,
                is_seed=seed,
                state=Statement.State.ACCEPTED,
                moderated_by=manager if seed else moderator,
                moderated_at=when if seed else when + dt.timedelta(hours=3),
                created_at=when,
            )
        )
    rejected_at = now - dt.timedelta(days=3, hours=5)
    rejected_author = author(rejected_at, 3)
    pending_at = now - dt.timedelta(hours=5)
    pending_author = author(pending_at, 2)
    statements += [
        Statement(
            conversation=conversation,
            number=len(STANCES) + 1,
            text=REJECTED[0],
            author=rejected_author.user,
            author_participant=rejected_author,
            state=Statement.State.REJECTED,
            rejection_reason=REJECTED[1],
            moderated_by=moderator,
            moderated_at=rejected_at + dt.timedelta(hours=2),
            created_at=rejected_at,
        ),
        Statement(
            conversation=conversation,
            number=len(STANCES) + 2,
            text=PENDING,
            author=pending_author.user,
            author_participant=pending_author,
            state=Statement.State.PENDING,
            created_at=pending_at,
        ),
    ]
    statements = Statement.objects.bulk_create(statements)
    shown = statements[: len(STANCES)]

    # Votes: each participant on 8 to 24 statements already there when they came.
    votes = []
    for number, label in truth.items():
        participant = by_number[number]
        available = [s for s in shown if s.created_at <= joined[number]] or shown[:SEED_COUNT]
        count = min(rng.randint(*VOTES_PER_PARTICIPANT), len(available))
        for position, statement in enumerate(rng.sample(available, count)):
            stance = STANCES[statement.number - 1][1][label - 1]
            when = joined[number] + dt.timedelta(seconds=20 * (position + 1))
            votes.append(
                Vote(
                    conversation=conversation,
                    participant=participant,
                    statement=statement,
                    value=_value(rng, stance),
                    created_at=when,
                    updated_at=when,
                )
            )

    # The demo citizen: 8 votes a few days ago; the other statements are still to come.
    if citizens:
        citizen = Participant.objects.create(
            conversation=conversation,
            number=len(truth) + 1,
            user=citizens[0],
            created_at=now - dt.timedelta(days=4),
        )
        for position, (number, value) in enumerate(CITIZEN_BALLOT):
            when = citizen.created_at + dt.timedelta(seconds=30 * (position + 1))
            votes.append(
                Vote(
                    conversation=conversation,
                    participant=citizen,
                    statement=shown[number - 1],
                    value=value,
                    created_at=when,
                    updated_at=when,
                )
            )
    Vote.objects.bulk_create(votes, batch_size=2000)

    groups = _compute_groups(conversation)
    demo.shared["conversations"] = {SLUG: conversation}
    demo.say(
        f"  1 conversation with {len(shown)} statements, {len(participants) + bool(citizens)} "
        f"participants and {len(votes)} votes{groups}"
    )


def _compute_groups(conversation) -> str:
    """The opinion groups, computed once in place (the demo has no worker)."""
    analysis = recompute(conversation.pk)
    if analysis is None:
        return ""
    return f"; {analysis.group_count} opinion groups"
