"""The links a person made, in their data export; erasure keeps the links
(they describe the contribution, not the person) but forgets who made them."""

from wegov.core import personal_data

from .models import FeatureLink


def _export(user) -> list[dict]:
    links = FeatureLink.objects.filter(linked_by=user).select_related("feature__layer")
    return [
        {
            "contribution_kind": link.contribution_kind,
            "contribution_id": link.contribution_id,
            "layer": link.feature.layer.slug,
            "feature": link.feature.key,
            "linked_at": link.created_at.isoformat(),
        }
        for link in links.order_by("created_at", "id")
    ]


def _erase(user) -> None:
    FeatureLink.objects.filter(linked_by=user).update(linked_by=None)


personal_data.register_section(
    personal_data.PersonalDataSection("datalayers_links", _export, _erase, order=90)
)
