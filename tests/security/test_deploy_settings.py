"""Safe defaults: production settings that pass `check --deploy`, and no start without a secret.

The settings are read from the environment, so each check runs Django in a
subprocess with exactly the variables a deployment would set (nothing from
the test settings leaks in).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from config.middleware import SizeLimitedTemporaryFileUploadHandler, UploadSizeLimitMiddleware, too_large_message
from tests.factories import UserFactory
from tests.imports.helpers import imports_path, upload

ROOT = Path(__file__).resolve().parents[2]
# Variables of the machine that must not decide the outcome (the test run sets some of them).
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "Q_SYNC",
    "MEDIA_ROOT",
)


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="imports.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = run_django(production_environment(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_settings_refuse_to_load_with_debug_off_and_no_secret_key(tmp_path):
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]
    result = run_django(env, "manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_an_empty_secret_key_counts_as_none(tmp_path):
    result = run_django(production_environment(tmp_path, SECRET_KEY=""), "manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS)"
)


@pytest.mark.parametrize(
    ("debug", "expected"),
    [(None, "False"), ("", "False"), ("0", "False"), ("false", "False"), ("1", "True"), ("true", "True")],
)
def test_debug_is_off_unless_asked_for(debug, expected, tmp_path):
    result = run_django(production_environment(tmp_path, DEBUG=debug), "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == expected


def test_production_settings_make_cookies_secure_and_send_security_headers(tmp_path):
    result = run_django(production_environment(tmp_path), "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "31536000", "True", "DENY"]


def test_development_needs_no_secret_key(tmp_path):
    env = production_environment(tmp_path, DEBUG="1")
    del env["SECRET_KEY"]
    result = run_django(env, "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "False"]  # DEBUG on, cookies not forced to HTTPS


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get("/api/v2/constants", secure=True)
    assert response.status_code == 401
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_of_a_login_are_secure_same_site_and_the_session_http_only(client):
    staff = UserFactory(is_staff=True)
    staff.set_password("a password")
    staff.save()
    csrf = client.get("/admin/login/", secure=True).cookies["csrftoken"]
    response = client.post(
        "/admin/login/",
        {"username": staff.email, "password": "a password", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302, response.content
    session = response.cookies["sessionid"]
    assert session["secure"] and csrf["secure"]
    assert session["httponly"]
    assert session["samesite"] == csrf["samesite"] == "Lax"


# --------------------------------------------------------------------------- #
# Uploads: to a temporary file, never whole in memory; the size limit comes first
# --------------------------------------------------------------------------- #


def test_every_upload_streams_to_a_temporary_file_even_a_small_one():
    body = encode_multipart(BOUNDARY, {"data[attributes][file]": upload("small.csv", content=b"First Name\nAnn\n")})
    request = RequestFactory().generic("POST", "/", body, content_type=MULTIPART_CONTENT)
    uploaded = request.FILES["data[attributes][file]"]
    assert isinstance(uploaded, TemporaryUploadedFile)
    assert Path(uploaded.temporary_file_path()).read_bytes() == b"First Name\nAnn\n"
    assert isinstance(request.upload_handlers[0], SizeLimitedTemporaryFileUploadHandler)
    uploaded.close()


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("content_type", [MULTIPART_CONTENT, "application/vnd.api+json"])
def test_a_declared_size_over_the_limit_is_refused_before_the_body_is_read(content_type):
    environ = RequestFactory().generic("POST", "/api/v2/anything", b"", content_type=content_type).environ
    environ.update({"CONTENT_LENGTH": str(settings.IMPORT_MAX_FILE_SIZE * 2), "wsgi.input": UnreadableBody()})
    request = WSGIRequest(environ)

    def view(request):
        raise AssertionError("the view was reached")

    response = UploadSizeLimitMiddleware(view)(request)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/vnd.api+json"
    assert response["Connection"] == "close"


@pytest.mark.django_db
def test_a_declared_size_over_the_limit_gets_413_through_the_whole_stack(api, account_list):
    response = api.client.generic(
        "POST",
        imports_path(account_list, "/csv"),
        b"--x--",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(settings.IMPORT_MAX_FILE_SIZE + 2 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["detail"] == too_large_message()
    assert too_large_message() == (
        f"The file is larger than the limit of {settings.IMPORT_MAX_FILE_SIZE // 2**20:,} MB. "
        "Split it into smaller files and import each."
    )


@pytest.mark.django_db
def test_an_upload_that_grows_past_the_limit_while_streaming_gets_413(api, account_list, settings):
    settings.IMPORT_MAX_FILE_SIZE = 1024  # the declared length passes the middleware's envelope allowance
    response = api.post_multipart(
        imports_path(account_list, "/csv"),
        {"data[attributes][file]": upload("big.csv", content=b"First Name\n" + b"Ann\n" * 1000)},
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["errors"][0]["detail"]


def test_an_ordinary_request_passes_the_size_limit():
    """The middleware lets an ordinary request through untouched."""
    request = RequestFactory().post("/api/v2/anything", b"{}", content_type="application/vnd.api+json")
    assert UploadSizeLimitMiddleware(lambda r: HttpResponse("ok"))(request).content == b"ok"
