"""The stand-in server: Google's OAuth endpoints and the People API as plain WSGI (see the package)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from google_contacts.standin.demo_data import demo_groups, demo_people

CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts.readonly"
EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email"

API_ERRORS = {
    401: (
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
        "valid authentication credential.",
    ),
    403: ("PERMISSION_DENIED", "Request had insufficient authentication scopes."),
    429: ("RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' of service people.googleapis.com."),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}


@dataclass
class StandInAccount:
    """The Google account that consents on the stand-in's authorization endpoint."""

    email: str = "ann.example@gmail.com"
    profile_id: str = "people/100000000000000000001"
    given_name: str = "Ann"
    family_name: str = "Example"


@dataclass
class Grant:
    refresh_token: str
    scopes: list[str]
    account: StandInAccount
    revoked: bool = False


@dataclass
class StandInState:
    client_id: str = "standin-client-id"
    client_secret: str = "standin-client-secret"
    account: StandInAccount = field(default_factory=StandInAccount)
    people: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    max_page_size: int = 1000
    scopes: list[str] = field(default_factory=lambda: [CONTACTS_SCOPE, EMAIL_SCOPE])
    # code -> (redirect_uri, code_challenge, scopes, the account that consented); a code works once
    codes: dict[str, tuple[str, str, list[str], StandInAccount]] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # refresh token -> grant
    access_tokens: dict[str, str] = field(default_factory=dict)  # access token -> refresh token
    faults: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    requests: list[tuple[str, str, dict]] = field(default_factory=list)  # (method, path, query or form)
    lock: threading.Lock = field(default_factory=threading.Lock)


class GoogleStandIn:
    """The stand-in's state and its WSGI application. `serve()` starts it on a loopback port."""

    def __init__(self, *, people: list[dict] | None = None, groups: list[dict] | None = None, **options):
        self.state = StandInState(**options)
        self.state.groups = groups if groups is not None else demo_groups()
        self.state.people = people if people is not None else demo_people(250, self.state.groups)
        self._server: WSGIServer | None = None

    # --- what tests and the command line ask -----------------------------------------------

    def issue_code(
        self,
        *,
        redirect_uri: str,
        code_verifier: str = "",
        scopes: list[str] | None = None,
        account: StandInAccount | None = None,
    ) -> str:
        """An authorization code, as the consent screen would give it for `redirect_uri` (by default
        the stand-in's own account consents; another StandInAccount is another Google account)."""
        challenge = s256(code_verifier) if code_verifier else ""
        code = "4/" + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.codes[code] = (
                redirect_uri,
                challenge,
                list(scopes or self.state.scopes),
                account or self.state.account,
            )
        return code

    def fail(self, path: str, *statuses: int, after: int = 0) -> None:
        """Answer the next requests of `path` (e.g. "people/me/connections") with these statuses, in turn,
        after `after` requests answered as usual."""
        with self.state.lock:
            self.state.faults[path].extend([0] * after + list(statuses))

    def expire_access_tokens(self) -> None:
        with self.state.lock:
            self.state.access_tokens.clear()

    def revoke_all(self) -> None:
        """The user removed the service's access in their Google account."""
        with self.state.lock:
            for grant in self.state.grants.values():
                grant.revoked = True
            self.state.access_tokens.clear()

    def requests_of(self, path: str) -> list[dict]:
        return [params for _, asked, params in self.state.requests if asked == path]

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a background thread; returns the base URL."""
        self._server = make_server(host, port, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.base_url

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def settings(self) -> dict[str, str]:
        """The settings that point the service at this stand-in."""
        return {
            "GOOGLE_OAUTH_CLIENT_ID": self.state.client_id,
            "GOOGLE_OAUTH_CLIENT_SECRET": self.state.client_secret,
            "GOOGLE_OAUTH_AUTHORIZE_URL": f"{self.base_url}/o/oauth2/v2/auth",
            "GOOGLE_OAUTH_TOKEN_URL": f"{self.base_url}/token",
            "GOOGLE_OAUTH_REVOKE_URL": f"{self.base_url}/revoke",
            "GOOGLE_PEOPLE_API_URL": f"{self.base_url}/v1",
        }

    # --- the WSGI application --------------------------------------------------------------

    def app(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        form = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[-1] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        api_path = path.removeprefix("/v1/")
        with self.state.lock:
            self.state.requests.append((method, api_path if path.startswith("/v1/") else path, {**query, **form}))
        if path == "/o/oauth2/v2/auth":
            status, headers, body = self._authorize(query)
        elif path == "/token" and method == "POST":
            status, headers, body = self._token(form, environ)
        elif path == "/revoke" and method == "POST":
            status, headers, body = self._revoke({**query, **form})
        elif path.startswith("/v1/"):
            status, headers, body = self._api(api_path, query, environ)
        else:
            status, headers, body = _json(404, {"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}})
        start_response(status, headers)
        return [body]

    def _authorize(self, query: dict):
        """The consent screen, consenting at once: back to redirect_uri with a code and the state."""
        if query.get("client_id") != self.state.client_id:
            return _text(400, "Error 401: invalid_client. The OAuth client was not found.")
        redirect_uri = query.get("redirect_uri", "")
        code = self.issue_code(redirect_uri=redirect_uri)
        if query.get("code_challenge"):
            with self.state.lock:
                uri, _, scopes, account = self.state.codes[code]
                self.state.codes[code] = (uri, query["code_challenge"], scopes, account)
        params = {"code": code, "scope": " ".join(self.state.scopes)}
        if "state" in query:
            params["state"] = query["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return "302 Found", [("Location", f"{redirect_uri}{separator}{urlencode(params)}")], b""

    def _client_ok(self, form: dict, environ) -> bool:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        return client_id == self.state.client_id and client_secret == self.state.client_secret

    def _token(self, form: dict, environ):
        if not self._client_ok(form, environ):
            return _json(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        fault = self._fault("token")
        if fault:
            return _json(fault, {"error": "internal_failure", "error_description": "Backend Error"})
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(form)
        if grant_type == "refresh_token":
            with self.state.lock:
                grant = self.state.grants.get(form.get("refresh_token", ""))
                if grant is None or grant.revoked:
                    return _json(
                        400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                    )
                access_token = "ya29." + secrets.token_urlsafe(24)
                self.state.access_tokens[access_token] = grant.refresh_token
            return _json(
                200,
                {
                    "access_token": access_token,
                    "expires_in": 3599,
                    "scope": " ".join(grant.scopes),
                    "token_type": "Bearer",
                },
            )
        return _json(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: "})

    def _exchange(self, form: dict):
        with self.state.lock:
            entry = self.state.codes.pop(form.get("code", ""), None)
        if entry is None:
            return _json(400, {"error": "invalid_grant", "error_description": "Malformed auth code."})
        redirect_uri, challenge, scopes, account = entry
        if form.get("redirect_uri") != redirect_uri:
            return _json(400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"})
        if challenge and s256(form.get("code_verifier", "")) != challenge:
            return _json(400, {"error": "invalid_grant", "error_description": "Invalid code verifier."})
        refresh_token = "1//" + secrets.token_urlsafe(32)
        access_token = "ya29." + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.grants[refresh_token] = Grant(refresh_token=refresh_token, scopes=scopes, account=account)
            self.state.access_tokens[access_token] = refresh_token
        return _json(
            200,
            {
                "access_token": access_token,
                "expires_in": 3599,
                "refresh_token": refresh_token,
                "scope": " ".join(scopes),
                "token_type": "Bearer",
            },
        )

    def _revoke(self, params: dict):
        token = params.get("token", "")
        with self.state.lock:
            refresh_token = self.state.access_tokens.get(token, token)
            grant = self.state.grants.get(refresh_token)
            if grant is None or grant.revoked:
                return _json(400, {"error": "invalid_token", "error_description": "Token expired or revoked"})
            grant.revoked = True
            for access_token in [a for a, r in self.state.access_tokens.items() if r == refresh_token]:
                del self.state.access_tokens[access_token]
        return _json(200, {})

    def _fault(self, path: str) -> int:
        with self.state.lock:
            statuses = self.state.faults.get(path)
            return statuses.pop(0) if statuses else 0

    def _api(self, path: str, query: dict, environ):
        fault = self._fault(path)
        if fault:
            return _api_error(fault)
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        with self.state.lock:
            refresh_token = self.state.access_tokens.get(token)
            grant = self.state.grants.get(refresh_token) if refresh_token else None
        if grant is None or grant.revoked:
            return _api_error(401)
        if path == "people/me" and "personFields" in query:
            return _json(200, self._me(grant.account))
        if CONTACTS_SCOPE not in grant.scopes:
            return _api_error(403)
        if path == "contactGroups":
            return _json(200, self._groups(query))
        if path == "people/me/connections":
            return self._connections(query)
        if path in ("people/me", "people/me/connections"):
            return _json(
                400, {"error": {"code": 400, "message": "personFields mask is required.", "status": "INVALID_ARGUMENT"}}
            )
        return _api_error_with(404, "NOT_FOUND", "Requested entity was not found.")

    def _me(self, account: StandInAccount) -> dict:
        return {
            "resourceName": account.profile_id,
            "etag": "%EgUBAi43PRoEAQIFByIMR3Rqc2V0b2tlbg==",
            "names": [
                {
                    "metadata": {"primary": True, "source": {"type": "PROFILE", "id": account.profile_id[7:]}},
                    "displayName": f"{account.given_name} {account.family_name}",
                    "familyName": account.family_name,
                    "givenName": account.given_name,
                }
            ],
            "emailAddresses": [
                {
                    "metadata": {
                        "primary": True,
                        "verified": True,
                        "source": {"type": "ACCOUNT", "id": account.profile_id[7:]},
                    },
                    "value": account.email,
                }
            ],
        }

    def _groups(self, query: dict) -> dict:
        page_size = min(int(query.get("pageSize") or 30), 1000)
        start = int(query.get("pageToken") or 0)
        groups = self.state.groups[start : start + page_size]
        counts = defaultdict(int)
        for person in self.state.people:
            for membership in person.get("memberships", []):
                counts[membership["contactGroupMembership"]["contactGroupResourceName"]] += 1
        answer = {
            "contactGroups": [{**group, "memberCount": counts[group["resourceName"]]} for group in groups],
            "totalItems": len(self.state.groups),
            "nextSyncToken": "EJrp1ZrOoO8C",
        }
        if start + page_size < len(self.state.groups):
            answer["nextPageToken"] = str(start + page_size)
        return answer

    def _connections(self, query: dict):
        page_size = int(query.get("pageSize") or 100)
        if not 1 <= page_size <= 1000:
            return _json(
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "Page size must be less than or equal to 1000.",
                        "status": "INVALID_ARGUMENT",
                    }
                },
            )
        page_size = min(page_size, self.state.max_page_size)
        token = query.get("pageToken") or ""
        start = int(base64.urlsafe_b64decode(token.encode()).decode()) if token else 0
        fields = set(query["personFields"].split(","))
        people = [_masked(person, fields) for person in self.state.people[start : start + page_size]]
        answer = {"connections": people, "totalPeople": len(self.state.people), "totalItems": len(self.state.people)}
        if start + page_size < len(self.state.people):
            answer["nextPageToken"] = base64.urlsafe_b64encode(str(start + page_size).encode()).decode()
        return _json(200, answer)


def _masked(person: dict, fields: set[str]) -> dict:
    """Only the asked personFields, as the API gives them (resourceName and etag always)."""
    return {key: value for key, value in person.items() if key in fields or key in ("resourceName", "etag")}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _json(status: int, document: dict):
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}.get(
        status, "Error"
    )
    return f"{status} {reason}", [("Content-Type", "application/json; charset=UTF-8")], json.dumps(document).encode()


def _text(status: int, text: str):
    return f"{status} Error", [("Content-Type", "text/plain")], text.encode()


def _api_error(status: int):
    code, message = API_ERRORS.get(status, ("UNKNOWN", "Unknown error."))
    return _api_error_with(status, code, message)


def _api_error_with(status: int, code: str, message: str):
    return _json(status, {"error": {"code": status, "message": message, "status": code}})


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's signature
        pass
