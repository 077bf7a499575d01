"""What an import from a connected Google account needs before it starts: the account, its groups, samples."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.models import User
from google_contacts import services as google_services
from google_contacts.errors import AuthorizationRevoked
from google_contacts.models import GoogleAccount
from google_contacts.people import PeopleApi
from imports.models import Import
from imports.pipeline.google_pages import is_wanted

SAMPLE_PEOPLE = 4  # as many as the CSV flow samples


def source_account_for(*, user: User, source_account_id) -> GoogleAccount:
    """The user's own connected account; raises ValidationError when none is named, GoogleAccountNotFound
    when it is not theirs (or does not exist)."""
    if not source_account_id:
        raise ValidationError(
            {
                "source_account_id": [
                    "source_account_id is required for a Google import: the id of one of your connected Google "
                    "accounts (GET user/google_accounts)."
                ]
            }
        )
    google_services.require_configured()
    return google_services.account_of(user=user, account_id=source_account_id)


def people_api_for_import(import_record: Import) -> PeopleApi:
    if import_record.source_account is None:
        raise AuthorizationRevoked(
            "The Google account this import reads was disconnected. Connect it again and start a new import."
        )
    return google_services.people_api_for(account=import_record.source_account)


def refresh_groups(import_record: Import, api: PeopleApi) -> None:
    """The account's contact groups as the read-only attribute google_groups (and the tags' names)."""
    import_record.google_groups = [
        {"resource_name": group.resource_name, "name": group.name, "member_count": group.member_count}
        for group in api.contact_groups()
    ]


def load_preview(import_record: Import) -> None:
    """Fetch the groups and the first people (kept as sample_rows, as the People API gave them); no writes."""
    api = people_api_for_import(import_record)
    refresh_groups(import_record, api)
    page = api.connections_page(page_size=100)
    wanted = [
        {"line_number": position, "person": person}
        for position, person in enumerate(page.people, start=1)
        if is_wanted(import_record, person)
    ]
    import_record.sample_rows = wanted[:SAMPLE_PEOPLE]
    import_record.rows_total = None if import_record.import_by_group else page.total_people


def check_groups(import_record: Import) -> None:
    """Chosen groups must be groups of the account (when its groups are known)."""
    known = {group["resource_name"] for group in import_record.google_groups}
    unknown = [group for group in import_record.groups if known and group not in known]
    if unknown:
        raise ValidationError(
            {
                "groups": [
                    f"These are not contact groups of the Google account: {unknown}. Use resource names from "
                    "google_groups (contactGroups/...)."
                ]
            }
        )
