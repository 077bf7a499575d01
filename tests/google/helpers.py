"""Helpers to connect the stand-in's Google account (the `google` fixture is in tests/conftest.py)."""

REDIRECT_URI = "https://client.example.com/oauth/google"
ACCOUNTS = "/api/v2/user/google_accounts"


def connect_document(code: str, **extra) -> dict:
    attributes = {"authorization_code": code, "redirect_uri": REDIRECT_URI, **extra}
    return {"data": {"type": "google_accounts", "attributes": attributes}}


def connect(api, google, **extra) -> dict:
    """Connect the stand-in's account through the API; returns the google_accounts resource."""
    response = api.post_json(ACCOUNTS, connect_document(google.issue_code(redirect_uri=REDIRECT_URI), **extra))
    assert response.status_code in (200, 201), response.content
    assert_no_token_in(response.content, google)
    return response.json()["data"]


def assert_no_token_in(content: bytes, google) -> None:
    """No refresh or access token the stand-in ever issued appears in `content`."""
    text = content.decode(errors="replace")
    for token in [*google.state.grants, *google.state.access_tokens]:
        assert token not in text
    assert "1//" not in text and "ya29." not in text
