"""Ballots in "my data" (export) and account erasure.

Only ballots still linked to the person are theirs: once a vote closes its
ballots are separated from every voter, and nobody (the person included) can
say any more which one was theirs except through the receipt code.

Registered from ``BudgetingConfig.ready``.
"""

from wegov.core import personal_data

from .models import Ballot


def export(user) -> dict:
    ballots = (
        Ballot.objects.filter(voter=user)
        .select_related("budget")
        .prefetch_related("choices__project")
        .order_by("submitted_at", "id")
    )
    return {
        "budget_ballots": [
            {
                "budget": ballot.budget.title,
                "receipt_code": ballot.receipt_code,
                "submitted_at": ballot.submitted_at.isoformat(),
                "updated_at": ballot.updated_at.isoformat(),
                "choices": [
                    {"project": c.project.title, "rank": c.rank, "points": c.points}
                    for c in ballot.choices.all()
                ],
            }
            for ballot in ballots
        ]
    }


def erase(user) -> None:
    # The ballot stays in the count (it was cast by an eligible voter), but
    # without the account: as every ballot is once the vote closes.
    Ballot.objects.filter(voter=user).update(voter=None)


personal_data.register_section(
    personal_data.PersonalDataSection("budget_ballots", export, erase, order=70)
)
