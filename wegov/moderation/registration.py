"""Moderation's personal data: the flags a person made, their blocks and appeals."""

from wegov.core import personal_data

from .models import Block, BlockAppeal, Flag


def _iso(value):
    return value.isoformat() if value else None


def _export(user):
    return {
        "flags": [
            {
                "kind": f.target_kind,
                "id": f.target_id,
                "reason": f.reason,
                "details": f.details,
                "created_at": _iso(f.created_at),
            }
            for f in Flag.objects.filter(reporter=user).order_by("created_at")
        ],
        "blocks": [
            {
                "notice": b.notice,
                "created_at": _iso(b.created_at),
                "lifted_at": _iso(b.lifted_at),
            }
            for b in Block.objects.filter(user=user).order_by("created_at")
        ],
        "appeals": [
            {
                "text": a.text,
                "created_at": _iso(a.created_at),
                "decision": a.decision,
                "response": a.response,
                "decided_at": _iso(a.decided_at),
            }
            for a in BlockAppeal.objects.filter(user=user).order_by("created_at")
        ],
    }


def _erase(user):
    # The facts stay (a flag still counted, a block happened); the words go.
    Flag.objects.filter(reporter=user).update(details="")
    BlockAppeal.objects.filter(user=user).update(text="", response="")
    Block.objects.filter(user=user).update(notice="", lift_note="")


personal_data.register_section(
    personal_data.PersonalDataSection("moderation", _export, _erase, order=80)
)
