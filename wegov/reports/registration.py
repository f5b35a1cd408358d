"""Reports in the contribution registry and the personal-data registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core import personal_data, registry

from .models import Category, Report, Status


def _map_public(queryset):
    # Every report has a point; anonymous ones show too, without a name.
    return queryset.filter(is_hidden=False)


def _map_categories():
    return list(Category.objects.order_by("name").values_list("service_code", "name"))


MAP = registry.MapSpec(
    public=_map_public,
    statuses=lambda: list(Status.choices),
    categories=_map_categories,
)


def present(report: Report) -> registry.Presentation:
    return registry.Presentation(
        kind="report",
        id=report.pk,
        title=report.title,
        url=reverse("reports:detail", args=[report.pk]),
        status=report.status,
        summary=report.description[:200],
        lat=report.lat,
        lon=report.lon,
        category=report.category.service_code,
        district=report.district.slug if report.district_id else "",
        public=not report.is_hidden and not report.is_anonymous,
    )


registry.register(
    registry.ContributionKind(
        kind="report",
        label=_("Problem report"),
        model=Report,
        author_field="reporter",
        present=present,
        export_fields=("title", "description", "lat", "lon", "address", "status", "created_at"),
        map=MAP,
    )
)


def _export_confirmations_and_subscriptions(user):
    return {
        "confirmed_reports": list(user.report_confirmations.values_list("report_id", flat=True)),
        "subscribed_reports": list(user.report_subscriptions.values_list("report_id", flat=True)),
    }


def _erase(user):
    # Reports stay (the city works on them) and show "former participant";
    # the contact details the person gave with them go.
    Report.objects.filter(reporter=user).update(
        reporter_email="", reporter_name="", reporter_phone=""
    )
    user.report_subscriptions.all().delete()


personal_data.register_section(
    personal_data.PersonalDataSection(
        "reports", _export_confirmations_and_subscriptions, _erase, order=50
    )
)
