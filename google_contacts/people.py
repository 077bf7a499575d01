"""The People API, read as a careful client does: paged, retried with backoff, refreshed once on 401.

Rate limits (429) and server errors (5xx) are retried by urllib3's `Retry`
with exponential backoff, at most GOOGLE_API_RETRIES times, honouring
Retry-After; lost connections too. A 401 means the access token expired:
it is refreshed once and the request sent again; a second 401, or a 403
(a scope was not granted), means the authorisation itself no longer
works.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from google_contacts.errors import AuthorizationRevoked, GoogleUnavailable

logger = logging.getLogger(__name__)

# What an import reads of each person (the contract's list: names, nicknames, emails, phones,
# addresses, organisations, birthdays, websites, biographies and group memberships; and events, for
# anniversaries).
PERSON_FIELDS = (
    "names",
    "nicknames",
    "emailAddresses",
    "phoneNumbers",
    "addresses",
    "organizations",
    "birthdays",
    "events",
    "urls",
    "biographies",
    "memberships",
)
MAX_PAGE_SIZE = 1000  # the largest pageSize people.connections.list and contactGroups.list accept
RETRIED_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class PeoplePage:
    people: list[dict]
    next_page_token: str  # "" on the last page
    total_people: int | None


@dataclass(frozen=True)
class ContactGroup:
    resource_name: str
    name: str  # formattedName: what the user sees in Google Contacts
    group_type: str  # USER_CONTACT_GROUP or SYSTEM_CONTACT_GROUP
    member_count: int


def _http() -> requests.Session:
    retry = Retry(
        total=settings.GOOGLE_API_RETRIES,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET"}),
        backoff_factor=settings.GOOGLE_API_BACKOFF_SECONDS,
        backoff_max=60,
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer is judged below, with its status in the sentence
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


class PeopleApi:
    """One account's People API; `refresh` gives a new access token when the current one has expired."""

    def __init__(self, *, access_token: str, refresh: Callable[[], str], email: str):
        self.access_token = access_token
        self.refresh = refresh
        self.email = email
        self.base_url = settings.GOOGLE_PEOPLE_API_URL.rstrip("/")
        self.http = _http()

    def _get(self, path: str, params: dict) -> dict:
        response = self._send(path, params)
        if response.status_code == 401:
            self.access_token = self.refresh()  # raises AuthorizationRevoked when the grant is gone
            response = self._send(path, params)
        if response.status_code in (401, 403):
            raise AuthorizationRevoked(
                f"Google refused access to the contacts of {self.email} ({_message(response)}). "
                "Connect the account again and allow access to the contacts."
            )
        if response.status_code != 200:
            raise GoogleUnavailable(
                f"Google's People API answered HTTP {response.status_code} ({_message(response)}) "
                f"after {settings.GOOGLE_API_RETRIES} retries. Try again later."
            )
        try:
            return response.json()
        except ValueError:
            raise GoogleUnavailable(
                "Google's People API answered something that is not JSON. Try again later."
            ) from None

    def _send(self, path: str, params: dict) -> requests.Response:
        try:
            return self.http.get(
                f"{self.base_url}/{path}",
                params=params,
                headers={"Authorization": f"Bearer {self.access_token}", "Accept": "application/json"},
                timeout=settings.GOOGLE_API_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            logger.warning("People API %s failed: %s", path, error.__class__.__name__)
            raise GoogleUnavailable(
                f"Google's People API could not be reached ({error.__class__.__name__}) after "
                f"{settings.GOOGLE_API_RETRIES} retries. Try again later."
            ) from None

    def me(self) -> dict:
        return self._get("people/me", {"personFields": "names,emailAddresses"})

    def contact_groups(self) -> list[ContactGroup]:
        groups, token = [], ""
        while True:
            params = {"pageSize": MAX_PAGE_SIZE, "groupFields": "name,groupType,memberCount"}
            if token:
                params["pageToken"] = token
            answer = self._get("contactGroups", params)
            groups += [
                ContactGroup(
                    resource_name=group["resourceName"],
                    name=group.get("formattedName") or group.get("name") or group["resourceName"],
                    group_type=group.get("groupType", ""),
                    member_count=int(group.get("memberCount") or 0),
                )
                for group in answer.get("contactGroups", [])
            ]
            token = answer.get("nextPageToken", "")
            if not token:
                return groups

    def connections_page(self, *, page_token: str = "", page_size: int = MAX_PAGE_SIZE) -> PeoplePage:
        # The default order (least recently modified first) puts a contact edited during the import at the
        # end, where a later page still finds it.
        params = {"personFields": ",".join(PERSON_FIELDS), "pageSize": page_size}
        if page_token:
            params["pageToken"] = page_token
        answer = self._get("people/me/connections", params)
        return PeoplePage(
            people=answer.get("connections", []),
            next_page_token=answer.get("nextPageToken", ""),
            total_people=answer.get("totalPeople", answer.get("totalItems")),
        )

    def connections(self) -> Iterator[PeoplePage]:
        page = self.connections_page()
        yield page
        while page.next_page_token:
            page = self.connections_page(page_token=page.next_page_token)
            yield page


def primary_email(person: dict) -> str:
    """The person's primary email address (people/me: the account's own)."""
    emails = [e for e in person.get("emailAddresses", []) if e.get("value")]
    primary = [e for e in emails if e.get("metadata", {}).get("primary")]
    return (primary or emails or [{}])[0].get("value", "")


def _message(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return response.reason or "no details"
    if isinstance(error, dict):
        return error.get("message") or error.get("status") or "no details"
    return str(error)
