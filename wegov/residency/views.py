"""Residence pages: the citizen's own (status and the ways to verify) and the
staff's (the desk for in-person verification, census lists, code letters).
Thin: a form parses, a service or selector does the work."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wegov.accounts.models import User
from wegov.core.forms import apply_service_errors

from . import selectors, services
from .forms import (
    CensusForm,
    CensusUploadForm,
    CodeBatchForm,
    CodeForm,
    InPersonForm,
    SearchForm,
    officer_districts,
)
from .models import CensusList

LIST_LIMIT = 100


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# --- The citizen's page -----------------------------------------------------------


def _mine(request, *, census_form=None, code_form=None, status=200):
    _require(request, "residency.verify_self")
    context = {
        "residence": selectors.residence_of(request.user),
        "census_available": selectors.has_active_census(),
        "census_form": census_form or CensusForm(),
        "code_form": code_form or CodeForm(),
        "attempts_left": services.attempts_left(request.user),
        "max_attempts": services.MAX_FAILED_ATTEMPTS,
        "today": timezone.localdate(),
    }
    response = render(request, "residency/residence_mine.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
def mine(request):
    return _mine(request)


def _verified_message(request, residence) -> None:
    messages.success(
        request,
        _("You are now a verified resident of %(district)s.") % {"district": residence.district},
    )


@login_required
@require_POST
def census_submit(request):
    _require(request, "residency.verify_self")
    form = CensusForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            residence = services.census_verify(
                actor=request.user,
                identifier=form.cleaned_data["identifier"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except services.TooManyAttempts as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _verified_message(request, residence)
            return redirect("residency:mine")
    # The identification number is never sent back into the page.
    form.data = form.data.copy()
    form.data["identifier"] = ""
    return _mine(request, census_form=form, status=status)


@login_required
@require_POST
def code_submit(request):
    _require(request, "residency.verify_self")
    form = CodeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            residence = services.code_redeem(actor=request.user, code=form.cleaned_data["code"])
        except services.TooManyAttempts as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            _verified_message(request, residence)
            return redirect("residency:mine")
    return _mine(request, code_form=form, status=status)


# --- The desk (in person) -----------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def desk(request):
    """Find a person by the email they log in with (POST: no address in URLs or logs)."""
    _require(request, "residency.use_desk")
    form = SearchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            person = (
                User.objects.filter(
                    email__iexact=form.cleaned_data["email"], erased_at__isnull=True
                )
                .only("public_id")
                .first()
            )
            if person is not None:
                return redirect("residency:desk_person", public_id=person.public_id)
            form.add_error("email", _("No account uses this email address."))
        status = 400
    return render(
        request,
        "residency/desk.html",
        {"form": form, "central": request.user.has_perm("residency.manage_census")},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def desk_person(request, public_id):
    _require(request, "residency.use_desk")
    person = get_object_or_404(User, public_id=public_id, erased_at__isnull=True)
    districts = officer_districts(request.user)
    form = InPersonForm(request.POST or None, districts=districts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.in_person_verify(
                    actor=request.user,
                    user=person,
                    district=form.cleaned_data["district"],
                    document_seen=form.cleaned_data["document_seen"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is now a verified resident of %(district)s.")
                    % {"name": person.public_name, "district": form.cleaned_data["district"]},
                )
                return redirect("residency:desk_person", public_id=person.public_id)
        status = 400
    residence = selectors.residence_of(person)
    return render(
        request,
        "residency/desk_person.html",
        {
            "person": person,
            "residence": residence,
            "form": form,
            "can_revoke": residence is not None
            and request.user.has_perm("residency.revoke", residence),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_POST
def desk_revoke(request, public_id):
    _require(request, "residency.use_desk")
    person = get_object_or_404(User, public_id=public_id, erased_at__isnull=True)
    try:
        services.residence_revoke(actor=request.user, user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is no longer a verified resident.") % {"name": person.public_name},
        )
    return redirect("residency:desk_person", public_id=person.public_id)


# --- Census lists -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def census_lists(request):
    _require(request, "residency.manage_census")
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                census_list = services.census_list_import(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    district=form.cleaned_data["district"],
                    data=form.cleaned_data["file"].read(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is active with %(count)d entries.")
                    % {"name": census_list.name, "count": census_list.entry_count},
                )
                return redirect("residency:census_lists")
        status = 400
    return render(
        request,
        "residency/censuslist_list.html",
        {"form": form, "lists": selectors.census_lists()[:LIST_LIMIT]},
        status=status,
    )


@login_required
@require_POST
def census_deactivate(request, pk):
    _require(request, "residency.manage_census")
    census_list = get_object_or_404(CensusList, pk=pk)
    services.census_list_deactivate(actor=request.user, census_list=census_list)
    messages.success(request, _("“%(name)s” no longer verifies anyone.") % {"name": census_list})
    return redirect("residency:census_lists")


# --- Code letters -------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def code_batches(request):
    _require(request, "residency.manage_codes")
    form = CodeBatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch, codes = services.code_batch_create(
                    actor=request.user,
                    district=data["district"],
                    size=data["size"],
                    expires_on=data["expires_on"],
                    label=data["label"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if data["output"] == CodeBatchForm.OUTPUT_CSV:
                    return _codes_csv(batch, codes)
                response = render(
                    request, "residency/codebatch_print.html", {"batch": batch, "codes": codes}
                )
                response["Cache-Control"] = "no-store"
                return response
        status = 400
    return render(
        request,
        "residency/codebatch_list.html",
        {"form": form, "batches": selectors.code_batches()[:LIST_LIMIT]},
        status=status,
    )


def _codes_csv(batch, codes) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="residence-codes-{batch.district.slug}-{batch.pk}.csv"'
    )
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["code", "district", "valid_until", "batch"])
    for code in codes:
        writer.writerow([code, batch.district.name, batch.expires_on.isoformat(), batch.pk])
    return response
