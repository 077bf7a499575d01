"""The browser flow, for staff and web clients without OAuth code of their own.

`connect` sends a logged-in user to Google's consent screen with a signed
`state` and a PKCE challenge (the verifier stays in the session); `callback`
checks both, exchanges the code and connects the account. An optional
`next` URL on this site is where the browser goes afterwards, with
`google_account_id` added.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from google_contacts import oauth, services
from google_contacts.errors import AuthorizationRefused, AuthorizationRevoked, GoogleError, GoogleNotConfigured

STATE_SALT = "google_contacts.connect"
STATE_MAX_AGE = 15 * 60  # seconds a consent screen may take
SESSION_KEY = "google_contacts_connect"
LOGIN_URL = reverse_lazy("admin:login")


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("google-connect-callback"))


def _page(request: HttpRequest, *, title: str, message: str, status: int, account=None) -> HttpResponse:
    context = {"title": title, "message": message, "account": account}
    return render(request, "google_contacts/connect_result.html", context, status=status)


@require_GET
@login_required(login_url=LOGIN_URL)
def connect(request: HttpRequest) -> HttpResponse:
    try:
        services.require_configured()
    except GoogleNotConfigured as error:
        return _page(request, title="Google is not configured", message=str(error), status=503)
    next_url = request.GET.get("next", "")
    if next_url and not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(64)
    request.session[SESSION_KEY] = {"nonce": nonce, "verifier": verifier, "next": next_url}
    state = signing.dumps({"user": str(request.user.pk), "nonce": nonce}, salt=STATE_SALT)
    return redirect(oauth.authorization_url(redirect_uri=_callback_uri(request), state=state, code_verifier=verifier))


@require_GET
@login_required(login_url=LOGIN_URL)
def callback(request: HttpRequest) -> HttpResponse:
    if request.GET.get("error"):
        return _page(
            request,
            title="Google account not connected",
            message=f"Google did not grant access ({request.GET['error']}). Nothing was connected.",
            status=400,
        )
    pending = request.session.pop(SESSION_KEY, None) or {}
    try:
        state = signing.loads(request.GET.get("state", ""), salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        state = {}
    if not pending or state.get("nonce") != pending.get("nonce") or state.get("user") != str(request.user.pk):
        return _page(
            request,
            title="Google account not connected",
            message="This answer from Google does not belong to a connection started here, or it is older than "
            "15 minutes. Start again.",
            status=400,
        )
    try:
        account, _ = services.connect_account(
            user=request.user,
            authorization_code=request.GET.get("code", ""),
            redirect_uri=_callback_uri(request),
            code_verifier=pending["verifier"],
        )
    except GoogleError as error:
        refused = isinstance(error, (AuthorizationRefused, AuthorizationRevoked))
        return _page(request, title="Google account not connected", message=str(error), status=400 if refused else 502)
    if pending.get("next"):
        separator = "&" if "?" in pending["next"] else "?"
        return redirect(f"{pending['next']}{separator}{urlencode({'google_account_id': account.pk})}")
    return _page(
        request,
        title="Google account connected",
        message=f"{account.email} is connected. Its contacts can now be imported (source “google”).",
        status=200,
        account=account,
    )
