import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.core.models import AuditEntry
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import set_active_phase
from wegov.voting import selectors, services
from wegov.voting.models import Delegation, Poll, PollTally, PollVote

from .conftest import option_ids
from .factories import PollFactory, delegate

pytestmark = pytest.mark.django_db


def _input(**overrides):
    now = timezone.now()
    data = {
        "title": "Where should the new playground go?",
        "kind": "single",
        "opens_at": now,
        "closes_at": now + dt.timedelta(days=7),
        "options": ["North park", "South park"],
    }
    data.update(overrides)
    return services.PollInput(**data)


# --- Polls -----------------------------------------------------------------------------


def test_manager_creates_a_draft_poll(process, process_manager):
    poll = services.poll_create(actor=process_manager, process=process, data=_input())
    assert not poll.is_published
    assert [o.label for o in poll.options.all()] == ["North park", "South park"]
    assert AuditEntry.objects.filter(action="poll.created", target_id=str(poll.pk)).exists()


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator"])
def test_only_managers_create_polls(request, process, role):
    with pytest.raises(PermissionDenied):
        services.poll_create(actor=request.getfixturevalue(role), process=process, data=_input())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"options": ["Only one"]}, "options"),
        ({"options": ["Same", "same"]}, "options"),
        ({"options": [f"o{i}" for i in range(31)]}, "options"),
        ({"kind": "borda"}, "kind"),
        ({"closes_at": timezone.now() - dt.timedelta(days=1)}, "closes_at"),
        ({"opens_at": dt.datetime(2026, 1, 1, 10, 0)}, "closes_at"),  # naive
        ({"kind": "approval", "max_choices": 3}, "max_choices"),
        ({"results_visibility": "never"}, "results_visibility"),
    ],
)
def test_bad_polls_are_refused_with_a_reason(process, process_manager, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.poll_create(actor=process_manager, process=process, data=_input(**overrides))
    assert field in exc.value.message_dict


def test_max_choices_is_kept_for_approval_only(process, process_manager):
    poll = services.poll_create(
        actor=process_manager, process=process, data=_input(kind="single", max_choices=1)
    )
    assert poll.max_choices is None
    poll = services.poll_create(
        actor=process_manager,
        process=process,
        data=_input(kind="approval", max_choices=1, title="Other"),
    )
    assert poll.max_choices == 1


def test_options_cannot_change_once_people_voted(single, process_manager, citizen):
    services.vote_cast(actor=citizen, poll=single, choices=[option_ids(single)["Yes"]])
    data = _input(
        kind="single",
        options=["Yes", "No", "Maybe"],
        opens_at=single.opens_at,
        closes_at=single.closes_at,
    )
    with pytest.raises(ValidationError) as exc:
        services.poll_update(actor=process_manager, poll=single, data=data)
    assert "options" in exc.value.message_dict
    # The question and dates can still be corrected.
    data.options = ["Yes", "No"]
    data.title = "Better wording"
    poll = services.poll_update(actor=process_manager, poll=single, data=data)
    assert poll.title == "Better wording"
    assert PollVote.objects.filter(poll=poll).count() == 1


def test_update_replaces_options_before_anyone_voted(single, process_manager):
    data = _input(kind="single", options=["Yes", "No", "Maybe"])
    poll = services.poll_update(actor=process_manager, poll=single, data=data)
    assert [o.label for o in poll.options.all()] == ["Yes", "No", "Maybe"]


def test_publish_announces_once(
    process, process_manager, activities, django_capture_on_commit_callbacks
):
    poll = services.poll_create(actor=process_manager, process=process, data=_input())
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_publish(actor=process_manager, poll=poll)
    assert [a["verb"] for a in activities] == ["poll.opened"]
    assert activities[0]["context"]["process"] == process.pk
    with pytest.raises(ValidationError):
        services.poll_publish(actor=process_manager, poll=poll)
    services.poll_unpublish(actor=process_manager, poll=poll)
    with django_capture_on_commit_callbacks(execute=True):
        services.poll_publish(actor=process_manager, poll=poll)
    assert len(activities) == 1


# --- Votes ------------------------------------------------------------------------------


def test_single_vote_and_change(single, citizen):
    ids = option_ids(single)
    vote = services.vote_cast(actor=citizen, poll=single, choices=[ids["Yes"]])
    assert [c.option_id for c in vote.choices.all()] == [ids["Yes"]]
    services.vote_cast(actor=citizen, poll=single, choices=[ids["No"]])
    assert PollVote.objects.filter(poll=single, voter=citizen).count() == 1
    assert [c.option_id for c in selectors.vote_of(single, citizen).choices.all()] == [ids["No"]]
    actions = list(
        AuditEntry.objects.filter(target_id=str(single.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["poll.vote_cast", "poll.vote_changed"]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([], "Choose an option"),
        (["Yes", "No"], "only one"),
        ([999999], "not on this poll"),
        (["x"], "not on this poll"),
    ],
)
def test_single_vote_validation(single, citizen, choices, message):
    ids = option_ids(single)
    picked = [ids.get(c, c) for c in choices]
    with pytest.raises(ValidationError, match=message):
        services.vote_cast(actor=citizen, poll=single, choices=picked)
    assert not PollVote.objects.exists()


def test_approval_vote_validation(approval, citizen):
    ids = option_ids(approval)
    with pytest.raises(ValidationError, match="at most 2"):
        services.vote_cast(actor=citizen, poll=approval, choices=list(ids.values()))
    with pytest.raises(ValidationError, match="only once"):
        services.vote_cast(actor=citizen, poll=approval, choices=[ids["Trees"], ids["Trees"]])
    with pytest.raises(ValidationError, match="at least one"):
        services.vote_cast(actor=citizen, poll=approval, choices=[])
    vote = services.vote_cast(actor=citizen, poll=approval, choices=[ids["Trees"], ids["Fountain"]])
    assert {c.option_id for c in vote.choices.all()} == {ids["Trees"], ids["Fountain"]}


def test_ranked_vote_with_ties_and_unranked(ranked, citizen):
    ids = option_ids(ranked)
    vote = services.vote_cast(
        actor=citizen, poll=ranked, ranks={ids["Park"]: 1, ids["Market"]: 1, ids["Parking"]: None}
    )
    assert {(c.option_id, c.rank) for c in vote.choices.all()} == {
        (ids["Park"], 1),
        (ids["Market"], 1),
    }


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ({}, "at least one"),
        ({"Park": 0}, "from 1"),
        ({"Park": 4}, "from 1"),
        ({"Park": "first"}, "whole numbers"),
        ({999999: 1}, "not on this poll"),
    ],
)
def test_ranked_vote_validation(ranked, citizen, ranks, message):
    ids = option_ids(ranked)
    with pytest.raises(ValidationError, match=message):
        services.vote_cast(
            actor=citizen, poll=ranked, ranks={ids.get(k, k): v for k, v in ranks.items()}
        )


def test_no_vote_on_a_closed_poll(ranked, citizen):
    ids = option_ids(ranked)
    Poll.objects.filter(pk=ranked.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    with pytest.raises(PermissionDenied, match="closed"):
        services.vote_cast(actor=citizen, poll=ranked, ranks={ids["Park"]: 1})


def test_no_vote_before_the_poll_opens(process, citizen):
    poll = PollFactory(process=process, opens_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied, match="opens on"):
        services.vote_cast(actor=citizen, poll=poll, ranks={poll.options.first().pk: 1})


def test_no_vote_outside_a_voting_phase(ranked, citizen):
    set_active_phase(ranked.process, PhaseKind.EVALUATION)
    with pytest.raises(PermissionDenied, match="voting phase"):
        services.vote_cast(actor=citizen, poll=ranked, ranks={ranked.options.first().pk: 1})


def test_blocked_and_anonymous_cannot_vote(ranked, citizen):
    from django.contrib.auth.models import AnonymousUser

    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    with pytest.raises(PermissionDenied, match="blocked"):
        services.vote_cast(actor=citizen, poll=ranked, ranks={ranked.options.first().pk: 1})
    with pytest.raises(PermissionDenied, match="Log in"):
        services.vote_cast(actor=AnonymousUser(), poll=ranked, ranks={ranked.options.first().pk: 1})


def test_unpublished_poll_takes_no_votes(ranked, citizen):
    Poll.objects.filter(pk=ranked.pk).update(is_published=False)
    with pytest.raises(PermissionDenied, match="not published"):
        services.vote_cast(actor=citizen, poll=ranked, ranks={ranked.options.first().pk: 1})


def test_withdraw_vote(single, citizen):
    services.vote_cast(actor=citizen, poll=single, choices=[single.options.first().pk])
    assert services.vote_withdraw(actor=citizen, poll=single) is True
    assert services.vote_withdraw(actor=citizen, poll=single) is False
    assert not PollVote.objects.exists()


def test_database_refuses_a_second_vote(single, citizen):
    PollVote.objects.create(poll=single, voter=citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        PollVote.objects.create(poll=single, voter=citizen)


# --- Delegation -------------------------------------------------------------------------


def test_delegation_set_and_change_keeps_history(process, people):
    ann, ben, cas = people["Ann"], people["Ben"], people["Cas"]
    first = services.delegation_set(actor=ann, process=process, delegate=ben)
    again = services.delegation_set(actor=ann, process=process, delegate=ben)
    assert again.pk == first.pk
    second = services.delegation_set(actor=ann, process=process, delegate=cas)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert selectors.current_delegation(process, ann) == second
    assert Delegation.objects.filter(delegator=ann).count() == 2


def test_delegation_chain_allowed_and_cycle_refused(process, people):
    ann, ben, cas = people["Ann"], people["Ben"], people["Cas"]
    services.delegation_set(actor=ann, process=process, delegate=ben)
    services.delegation_set(actor=ben, process=process, delegate=cas)
    assert [p.display_name for p in selectors.delegation_chain(process, ann)] == ["Ben", "Cas"]
    with pytest.raises(ValidationError) as exc:
        services.delegation_set(actor=cas, process=process, delegate=ann)
    message = exc.value.message_dict["delegate"][0]
    assert "circle" in message and "Ann → Ben → Cas" in message
    assert selectors.current_delegation(process, cas) is None


def test_no_self_delegation(process, people):
    with pytest.raises(ValidationError, match="yourself"):
        services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ann"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(process=process, delegator=people["Ann"], delegate=people["Ann"])


def test_one_current_delegation_per_process_in_the_database(process, people):
    delegate(process, people["Ann"], people["Ben"])
    with pytest.raises(IntegrityError), transaction.atomic():
        delegate(process, people["Ann"], people["Cas"])


def test_delegate_must_be_able_to_take_part(process, people):
    people["Ben"].blocked_at = timezone.now()
    people["Ben"].save(update_fields=["blocked_at"])
    with pytest.raises(ValidationError, match="can take part"):
        services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])


def test_delegation_needs_the_process_to_allow_it(process, people, process_manager):
    services.voting_settings_save(actor=process_manager, process=process, delegation_enabled=False)
    from wegov.processes.models import Process

    process = Process.objects.get(pk=process.pk)
    with pytest.raises(PermissionDenied, match="does not use delegation"):
        services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])


def test_delegations_stay_within_their_process(process, people, department):
    from wegov.processes.tests.factories import ProcessFactory

    from .factories import enable_delegation

    other = ProcessFactory(organisation=department, phase=PhaseKind.VOTING)
    enable_delegation(other)
    services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])
    # Ben → Ann in another process is no circle.
    services.delegation_set(actor=people["Ben"], process=other, delegate=people["Ann"])
    assert selectors.current_delegation(other, people["Ann"]) is None


def test_revoke(process, people):
    services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])
    assert services.delegation_revoke(actor=people["Ann"], process=process) is True
    assert services.delegation_revoke(actor=people["Ann"], process=process) is False
    assert selectors.current_delegation(process, people["Ann"]) is None


def test_delegate_is_notified(process, people, activities, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])
    assert activities[0]["verb"] == "voting.delegated"
    assert activities[0]["notify_user_ids"] == [people["Ben"].pk]
    assert activities[0]["public"] is False


# --- Tallies ----------------------------------------------------------------------------


def test_tally_with_delegation(ranked, people):
    """Ann → Ben → Cas; Dee → Eva. Cas votes, Eva votes, Ben votes himself
    (override), so: Ann's weight stops at Ben, Cas carries none, Eva carries Dee."""
    process = ranked.process
    ids = option_ids(ranked)
    ann, ben, cas, dee, eva = (people[n] for n in ["Ann", "Ben", "Cas", "Dee", "Eva"])
    services.delegation_set(actor=ann, process=process, delegate=ben)
    services.delegation_set(actor=ben, process=process, delegate=cas)
    services.delegation_set(actor=dee, process=process, delegate=eva)
    services.vote_cast(actor=cas, poll=ranked, ranks={ids["Parking"]: 1, ids["Market"]: 2})
    services.vote_cast(actor=eva, poll=ranked, ranks={ids["Park"]: 1, ids["Market"]: 2})
    results = selectors.poll_results(ranked)
    # Ben did not vote: Ann and Ben both go to Cas.
    assert results.direct_voters == 2
    assert results.delegated_weight == 3
    park, market, parking = (results.by_key[str(ids[n])] for n in ["Park", "Market", "Parking"])
    assert (parking.direct, parking.delegated) == (1, 2)
    assert (park.direct, park.delegated) == (1, 1)
    assert (market.direct, market.delegated) == (0, 0)
    assert [r.option.label for r in results.winners] == ["Parking"]
    # Ben votes himself: his vote overrides his delegation and stops Ann's there.
    services.vote_cast(actor=ben, poll=ranked, ranks={ids["Park"]: 1})
    results = selectors.poll_results(ranked)
    park, parking = results.by_key[str(ids["Park"])], results.by_key[str(ids["Parking"])]
    assert (park.direct, park.delegated) == (2, 2)
    assert (parking.direct, parking.delegated) == (1, 0)
    assert [r.option.label for r in results.winners] == ["Park"]
    assert results.schulze.pairwise[str(ids["Park"])][str(ids["Parking"])] == 4


def test_weight_lost_when_nobody_up_the_chain_votes(single, people):
    services.delegation_set(actor=people["Ann"], process=single.process, delegate=people["Ben"])
    services.vote_cast(actor=people["Cas"], poll=single, choices=[option_ids(single)["Yes"]])
    results = selectors.poll_results(single)
    assert results.delegated_weight == 0
    assert results.total_weight == 1


def test_delegation_ignored_when_switched_off(single, people, process_manager):
    process = single.process
    services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])
    services.vote_cast(actor=people["Ben"], poll=single, choices=[option_ids(single)["No"]])
    assert selectors.poll_results(single).delegated_weight == 1
    services.voting_settings_save(actor=process_manager, process=process, delegation_enabled=False)
    poll = selectors.poll_get(single.pk)
    assert selectors.poll_results(poll).delegated_weight == 0


def test_single_and_approval_results_with_ties(approval, people):
    ids = option_ids(approval)
    services.vote_cast(actor=people["Ann"], poll=approval, choices=[ids["Trees"], ids["Benches"]])
    services.vote_cast(actor=people["Ben"], poll=approval, choices=[ids["Trees"], ids["Benches"]])
    services.vote_cast(actor=people["Cas"], poll=approval, choices=[ids["Fountain"]])
    results = selectors.poll_results(approval)
    assert results.is_tie
    assert {r.option.label for r in results.winners} == {"Trees", "Benches"}
    assert [[r.option.label for r in g] for g in results.ranking] == [
        ["Trees", "Benches"],
        ["Fountain"],
    ]
    assert [r.place for r in results.options] == [1, 1, 3]


def test_no_votes_no_winner(single):
    results = selectors.poll_results(single)
    assert results.winners == [] and results.direct_voters == 0


def test_closed_poll_uses_delegations_as_they_stood_at_closing(single, people):
    process = single.process
    ids = option_ids(single)
    services.delegation_set(actor=people["Ann"], process=process, delegate=people["Ben"])
    services.vote_cast(actor=people["Ben"], poll=single, choices=[ids["Yes"]])
    services.vote_cast(actor=people["Cas"], poll=single, choices=[ids["No"]])
    closes = timezone.now()
    Poll.objects.filter(pk=single.pk).update(
        opens_at=closes - dt.timedelta(days=2), closes_at=closes
    )
    poll = selectors.poll_get(single.pk)
    before = selectors.poll_results(poll)
    # Ann changes her mind after the close: the closed poll's result stays.
    services.delegation_set(actor=people["Ann"], process=process, delegate=people["Cas"])
    after = selectors.poll_results(poll)
    assert before.outcome() == after.outcome()
    assert before.input_hash == after.input_hash
    assert [r.option.label for r in after.winners] == ["Yes"]


def test_poll_tally_records_and_reproduces(ranked, people, process_manager):
    ids = option_ids(ranked)
    services.vote_cast(actor=people["Ann"], poll=ranked, ranks={ids["Park"]: 1, ids["Market"]: 2})
    services.vote_cast(actor=people["Ben"], poll=ranked, ranks={ids["Market"]: 1})
    first = services.poll_tally(actor=process_manager, poll=ranked)
    second = services.poll_tally(actor=None, poll=ranked)
    assert first.rule == "schulze"
    assert first.input_hash == second.input_hash and len(first.input_hash) == 64
    assert first.outcome == second.outcome
    assert PollTally.objects.count() == 2
    services.vote_cast(actor=people["Cas"], poll=ranked, ranks={ids["Parking"]: 1})
    third = services.poll_tally(actor=None, poll=ranked)
    assert third.input_hash != first.input_hash
    with pytest.raises(PermissionDenied):
        services.poll_tally(actor=people["Ann"], poll=ranked)


def test_results_publish_after_close(
    single, people, process_manager, activities, django_capture_on_commit_callbacks
):
    services.vote_cast(actor=people["Ann"], poll=single, choices=[option_ids(single)["Yes"]])
    with pytest.raises(ValidationError, match="closed"):
        services.poll_results_publish(actor=process_manager, poll=single)
    Poll.objects.filter(pk=single.pk).update(closes_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        tally = services.poll_results_publish(actor=process_manager, poll=single)
        services.poll_results_publish(actor=process_manager, poll=single)
    assert tally.outcome["winners"] == [str(option_ids(single)["Yes"])]
    assert [a["verb"] for a in activities] == ["poll.results_published"]
    assert activities[0]["extra"]["winners"] == ["Yes"]
    single.refresh_from_db()
    assert single.results_published_at is not None


def test_poll_tally_command_prints_the_ranking(ranked, people, capsys):
    ids = option_ids(ranked)
    for name in ["Ann", "Ben"]:
        services.vote_cast(
            actor=people[name], poll=ranked, ranks={ids["Market"]: 1, ids["Park"]: 2}
        )
    call_command("poll_tally", str(ranked.pk))
    out = capsys.readouterr().out.splitlines()
    assert out[2:] == ["1. Market (2)", "2. Park (0)", "3. Parking (0)"]
    assert "schulze" in out[1]
    call_command("poll_tally", str(ranked.pk), "--json")
    assert '"rule": "schulze"' in capsys.readouterr().out
    assert PollTally.objects.filter(poll=ranked).count() == 2


def test_poll_tally_command_unknown_poll(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("poll_tally", "999999")


def test_personal_data_export_and_erase(single, people):
    from wegov.voting.registration import _erase, _export

    services.delegation_set(actor=people["Ann"], process=single.process, delegate=people["Ben"])
    services.vote_cast(actor=people["Ann"], poll=single, choices=[option_ids(single)["Yes"]])
    data = _export(people["Ann"])
    assert data["poll_votes"][0]["choices"] == [{"option": "Yes", "rank": None}]
    assert data["delegations"][0]["delegate"] == "Ben"
    _erase(people["Ann"])
    assert _export(people["Ann"]) == {"poll_votes": [], "delegations": []}


def test_total_weight_counts_the_whole_tree(process, people):
    ann, ben, cas, dee = (people[n] for n in ["Ann", "Ben", "Cas", "Dee"])
    services.delegation_set(actor=ann, process=process, delegate=cas)
    services.delegation_set(actor=ben, process=process, delegate=cas)
    services.delegation_set(actor=dee, process=process, delegate=ann)
    assert selectors.total_weight(process, cas) == 4
    assert selectors.total_weight(process, ann) == 2
    assert [p.display_name for p in selectors.delegators_of(process, cas)] == ["Ann", "Ben"]


def test_unused_user_factory_guard():
    # Factories make distinct people.
    assert UserFactory.build().email != UserFactory.build().email
