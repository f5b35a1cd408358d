import datetime as dt
import json

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiTokenForm, EraseAccountForm, ProfileForm
from .models import ApiToken
from .rules import session_passed_mfa


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _token, new_key = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_at=expires_at,
                second_factor=session_passed_mfa(request),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/apitoken_list.html",
        {"form": form, "new_key": new_key, "tokens": request.user.api_tokens.all()},
    )


@login_required
@require_POST
def token_revoke(request, token_id):
    try:
        token = services.token_revoke(actor=request.user, token_id=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@login_required
def connected_apps(request):
    return render(
        request,
        "accounts/connected_apps.html",
        {"applications": services.connected_applications(request.user)},
    )


@login_required
@require_POST
def connected_app_disconnect(request, application_id):
    try:
        services.application_disconnect(actor=request.user, application_id=application_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The application can no longer use your account."))
    return redirect("accounts:connected_apps")


@login_required
def my_data(request):
    return render(
        request,
        "accounts/my_data.html",
        {
            "erase_form": EraseAccountForm(user=request.user),
            "consents": request.user.consents.all(),
            "emails": EmailAddress.objects.filter(user=request.user),
        },
    )


@login_required
@require_POST
def my_data_download(request):
    data = services.user_export_data(actor=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"wegov-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def erase_account(request):
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_erase(actor=request.user, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            logout(request)
            messages.success(
                request, _("Your account has been deleted. Thank you for taking part.")
            )
            return redirect("core:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/erase_account.html", {"form": form}, status=status)
