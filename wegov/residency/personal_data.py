"""A person's residence in "my data" (export) and account erasure."""

from wegov.core import personal_data

from .models import CensusEntry, CodeLetter, Residence, VerificationAttempt


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    residence = Residence.objects.select_related("district").filter(user=user).first()
    return {
        "residence": (
            {
                "district": residence.district.slug,
                "district_name": residence.district.name,
                "method": residence.method,
                "verified_at": _iso(residence.verified_at),
                "verified_by_staff": residence.verified_by_id is not None,
                "valid_until": _iso(residence.expires_on),
            }
            if residence
            else None
        ),
        "census_entries_used": [
            {"list": e.census_list.name, "district": e.district.slug, "used_at": _iso(e.claimed_at)}
            for e in CensusEntry.objects.filter(claimed_by=user).select_related(
                "census_list", "district"
            )
        ],
        "code_letters_used": [
            {"district": c.batch.district.slug, "used_at": _iso(c.used_at)}
            for c in CodeLetter.objects.filter(used_by=user).select_related("batch__district")
        ],
        "failed_verification_attempts": [
            {"method": a.method, "at": _iso(a.created_at)}
            for a in VerificationAttempt.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase(user) -> None:
    Residence.objects.filter(user=user).delete()
    VerificationAttempt.objects.filter(user=user).delete()
    # Used census entries and codes stay used and keep pointing at the
    # anonymised account (they hold only hashes): a deleted account's census
    # details or code cannot verify a second account for the same vote.


personal_data.register_section(
    personal_data.PersonalDataSection("residency", export, erase, order=70)
)
