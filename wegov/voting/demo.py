"""Lindenbrug's polls.

- In "Playgrounds Zuidveld" (its voting phase is over): a closed ranked poll
  with delegations, whose Schulze result is not trivial. Its ballots go round
  in a circle (the adventure playground beats the water play, which beats the
  skate corner, which beats the adventure playground) and the first
  preferences tie; the strongest paths decide. One delegation runs through a
  chain, and one person who delegated voted themselves (overriding it). The
  tally is recorded and the results published.
- A new city-wide process, "A footbridge over the Linde", in its voting phase
  now, with delegation on: an open approval poll and an open ranked poll with
  live results. The demo citizen (citizen@lindenbrug.example) has not voted
  and delegates nothing, so anyone trying the demo can.

Written directly (not through the services) with timestamps in the past:
loading announces nothing to anybody.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wegov.accounts.models import User
from wegov.processes.models import Phase, PhaseKind, Process

from . import selectors
from .models import Delegation, Poll, PollChoice, PollOption, PollTally, PollVote, VotingSettings

PLAYGROUND_OPTIONS = [
    "Adventure playground in Park Zuid",
    "Water play on the market square",
    "Skate corner by the school",
    "Sports cage on the old car park",
]
# (voter index in demo citizens, ranking by option index, best first)
PLAYGROUND_VOTES = [
    (1, [0, 1, 2, 3]),
    (4, [1, 2, 0, 3]),
    (6, [2, 0, 1, 3]),
    (7, [2, 0, 1, 3]),
    (8, [1, 0, 3, 2]),  # delegated to 4, but voted: the own vote counts
]
# (delegator, delegate): 3 → 2 → 1 is a chain; 5 → 4; 8 → 4 is overridden.
PLAYGROUND_DELEGATIONS = [(2, 1), (3, 2), (5, 4), (8, 4)]

BRIDGE_FEATURES = [
    "Wide enough for cargo bikes",
    "Benches and a viewing point",
    "Lighting that spares bats and birds",
    "A lift for wheelchairs and prams",
    "Planters with climbing plants",
]
BRIDGE_NAMES = ["Lindenbrug Loop", "Otter Bridge", "Bridge of the Lime Trees"]


def _backdate(model, pk, when, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields, **{"created_at": when})


def _poll(process, manager, *, title, description, kind, options, opens, closes, **extra) -> Poll:
    poll = Poll.objects.create(
        process=process,
        title=title,
        description=description,
        kind=kind,
        opens_at=opens,
        closes_at=closes,
        is_published=True,
        published_at=opens,
        created_by=manager,
        **extra,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=i) for i, label in enumerate(options)
    )
    _backdate(Poll, poll.pk, opens - dt.timedelta(days=2), updated_at=opens)
    return poll


def _vote(poll, voter, ranking, when, *, ranked: bool) -> None:
    vote = PollVote.objects.create(poll=poll, voter=voter)
    options = list(poll.options.order_by("position"))
    PollChoice.objects.bulk_create(
        PollChoice(vote=vote, option=options[i], rank=(rank + 1) if ranked else None)
        for rank, i in enumerate(ranking)
    )
    _backdate(PollVote, vote.pk, when, updated_at=when)


def _bridge_process(demo, manager, today) -> Process:
    processes = demo.shared.get("processes", {})
    model = processes.get("car-free-marktplein")
    process = Process.objects.create(
        slug="footbridge-linde",
        title="A footbridge over the Linde",
        summary="A new bridge for walking and cycling: vote on what it should have and its name.",
        description=(
            "<p>The city builds a footbridge over the Linde between Westwijk and the centre "
            "in 2027. The design team asks you to choose what matters most, and to name "
            "the bridge.</p>"
        ),
        scope=Process.Scope.CITY,
        topic=model.topic if model else None,
        organisation=model.organisation
        if model
        else demo.shared["departments"][sorted(demo.shared["departments"])[0]],
        is_published=True,
        published_at=timezone.now() - dt.timedelta(days=20),
        starts_on=today - dt.timedelta(days=21),
        ends_on=today + dt.timedelta(days=300),
        created_by=manager,
    )
    Phase.objects.bulk_create(
        [
            Phase(
                process=process,
                kind=PhaseKind.INFORMATION,
                starts_on=today - dt.timedelta(days=21),
                ends_on=today - dt.timedelta(days=8),
                position=0,
                announced_on=today - dt.timedelta(days=21),
            ),
            Phase(
                process=process,
                kind=PhaseKind.VOTING,
                starts_on=today - dt.timedelta(days=7),
                ends_on=today + dt.timedelta(days=14),
                position=1,
                announced_on=today - dt.timedelta(days=7),
            ),
            Phase(
                process=process,
                kind=PhaseKind.IMPLEMENTATION,
                starts_on=today + dt.timedelta(days=15),
                ends_on=today + dt.timedelta(days=300),
                position=2,
            ),
        ]
    )
    processes["footbridge-linde"] = process
    demo.shared["processes"] = processes
    return process


def load(demo) -> None:
    citizens = demo.shared.get("citizens") or []
    if len(citizens) < 9:
        demo.say("  polls: skipped (the accounts demo has too few citizens)")
        return
    now = timezone.now()
    today = timezone.localdate()
    manager = User.objects.filter(is_process_manager=True).order_by("pk").first()
    rng = demo.rng

    # A closed ranked poll with delegations in Playgrounds Zuidveld.
    playgrounds = Process.objects.filter(slug="playgrounds-zuidveld").first()
    polls = []
    if playgrounds is not None:
        VotingSettings.objects.create(process=playgrounds, delegation_enabled=True)
        phase = playgrounds.phases.filter(kind=PhaseKind.VOTING).first()
        opens = timezone.make_aware(dt.datetime.combine(phase.starts_on, dt.time(9)))
        closes = timezone.make_aware(dt.datetime.combine(phase.ends_on, dt.time(18)))
        poll = _poll(
            playgrounds,
            manager,
            title="Which playground should be built first?",
            description="Rank the four plans: 1 for the one you want first.",
            kind=Poll.Kind.RANKED,
            options=PLAYGROUND_OPTIONS,
            opens=opens,
            closes=closes,
        )
        for delegator, delegate in PLAYGROUND_DELEGATIONS:
            Delegation.objects.create(
                process=playgrounds,
                delegator=citizens[delegator],
                delegate=citizens[delegate],
                created_at=opens - dt.timedelta(days=rng.randint(1, 20)),
            )
        for voter, ranking in PLAYGROUND_VOTES:
            _vote(poll, citizens[voter], ranking, opens + dt.timedelta(days=2), ranked=True)
        poll = selectors.poll_get(poll.pk)
        results = selectors.poll_results(poll)
        PollTally.objects.create(
            poll=poll,
            rule=results.rule,
            input_hash=results.input_hash,
            outcome=results.outcome(),
            created_by=manager,
        )
        Poll.objects.filter(pk=poll.pk).update(results_published_at=closes + dt.timedelta(days=1))
        polls.append(poll)

    # A process voting now: an approval poll and a ranked poll with live results.
    bridge = _bridge_process(demo, manager, today)
    VotingSettings.objects.create(process=bridge, delegation_enabled=True)
    opens = now - dt.timedelta(days=6)
    closes = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=14), dt.time(18)))
    features = _poll(
        bridge,
        manager,
        title="What matters most for the footbridge?",
        description="Choose up to two things the design team should give priority to.",
        kind=Poll.Kind.APPROVAL,
        max_choices=2,
        options=BRIDGE_FEATURES,
        opens=opens,
        closes=closes,
        results_visibility=Poll.Results.LIVE,
    )
    name = _poll(
        bridge,
        manager,
        title="What should the footbridge be called?",
        description="Rank the names the schools proposed.",
        kind=Poll.Kind.RANKED,
        options=BRIDGE_NAMES,
        opens=opens,
        closes=closes,
        results_visibility=Poll.Results.LIVE,
    )
    voters = citizens[1:]
    for voter in voters:
        picked = rng.sample(range(len(BRIDGE_FEATURES)), rng.choice([1, 2, 2]))
        _vote(
            features, voter, picked, opens + dt.timedelta(hours=rng.randint(1, 120)), ranked=False
        )
    for voter in voters[: max(len(voters) // 2, 3)]:
        ranking = rng.sample(range(len(BRIDGE_NAMES)), rng.randint(1, len(BRIDGE_NAMES)))
        _vote(name, voter, ranking, opens + dt.timedelta(hours=rng.randint(1, 120)), ranked=True)
    # Two late-comers delegate to people who voted.
    for delegator, delegate in ((voters[-1], voters[0]), (voters[-2], voters[-1])):
        if not PollVote.objects.filter(poll=name, voter=delegator).exists():
            Delegation.objects.create(
                process=bridge, delegator=delegator, delegate=delegate, created_at=opens
            )
    polls += [features, name]
    demo.shared["polls"] = polls
    demo.say(f"  {len(polls)} polls with {PollVote.objects.count()} votes")
