"""python manage.py seed_demo: a demo staff user, account list, API token and imports in every state.

The imports are made from real files (imports/demo_files) through the same
services as the API and run by the real job, so the admin shows what a real
import looks like: one complete, one with failed rows, one in preview, a
TntConnect one and a cancelled one. Running it again reuses what exists
(imports are recognised by file name within the demo account list); only the
API token is replaced, because a token can be shown only when it is made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import AccountList, AccountListMembership, ApiToken, User
from imports import services
from imports.models import Import
from imports.pipeline.job import run_import

DEMO_FILES = Path(__file__).resolve().parents[2] / "demo_files"
DEMO_EMAIL = "demo@example.com"
DEMO_LIST = "Demo contacts"
TOKEN_NAME = "seed_demo"


@dataclass(frozen=True)
class DemoImport:
    filename: str  # in DEMO_FILES; also the key that makes seeding idempotent
    ends: str  # "run" to the job's end, left in "preview", or "cancel"led while queued
    mapping: str = ""  # "custom" (custom_headers_mapping.json) or "auto" (exact suggestions); CSV only
    tag_list: str = ""

    @property
    def source(self) -> str:
        return Import.Source.TNT if self.filename.endswith(".xml") else Import.Source.CSV


DEMO_IMPORTS = (
    DemoImport("sample_csv_with_custom_headers.csv", "run", "custom", tag_list="demo"),
    DemoImport("sample_csv_with_some_invalid_rows.csv", "run", "custom", tag_list="demo"),
    DemoImport("sample_csv_with_fullname.csv", "preview", "auto"),
    DemoImport("tnt_export.xml", "run", tag_list="demo,tnt"),
    DemoImport("sample_csv_to_import.csv", "cancel", "auto"),
)


def demo_mappings(import_record: Import, mapping: str) -> dict:
    """The mappings for this file, keeping only what names its own columns."""
    if mapping == "auto":
        # The suggestions made at upload, as `import_file --mapping auto` uses them.
        headers = import_record.suggested_file_headers_mappings
        constants = import_record.suggested_file_constants_mappings
    else:
        document = json.loads((DEMO_FILES / "custom_headers_mapping.json").read_text())
        headers = {
            field: key for field, key in document["file_headers_mappings"].items() if key in import_record.file_headers
        }
        constants = {
            field: entries for field, entries in document["file_constants_mappings"].items() if field in headers
        }
    return {"file_headers_mappings": headers, "file_constants_mappings": constants}


class Command(BaseCommand):
    help = "Make a demo staff user (demo@example.com), account list, API token and imports in every state."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-password", help='Admin password (default "demo-password")')
        parser.add_argument("--send-emails", action="store_true", help="Send the import emails (default: discard them)")

    def handle(self, *args, password: str, send_emails: bool, **options):
        user, account_list, token = self._user_list_and_token(password)
        email_backend = settings.EMAIL_BACKEND if send_emails else "django.core.mail.backends.dummy.EmailBackend"
        with override_settings(EMAIL_BACKEND=email_backend):
            imports = [self._seed(demo, user=user, account_list=account_list) for demo in DEMO_IMPORTS]
        admin_url = settings.SITE_URL + reverse("admin:imports_import_changelist")
        self.stdout.write(f"Demo user:     {user.email} / {password} (staff; log in to the admin)")
        self.stdout.write(f"Account list:  {account_list.name} ({account_list.pk})")
        self.stdout.write(f"API token:     {token}  (a new one on every run; the previous one no longer works)")
        self.stdout.write(f"Admin:         {admin_url}")
        for import_record in imports:
            self.stdout.write(f"  {import_record.status:<9}  {import_record.original_filename}")
        summary = {"user_id": str(user.pk), "account_list_id": str(account_list.pk), "token": token}
        self.stdout.write(json.dumps({**summary, "admin_url": admin_url}))

    @transaction.atomic
    def _user_list_and_token(self, password: str) -> tuple[User, AccountList, str]:
        user = User.objects.filter(email=DEMO_EMAIL).first() or User.objects.create_user(DEMO_EMAIL, name="Demo User")
        user.is_staff = user.is_superuser = True  # a demo: sees and changes everything in the admin
        user.set_password(password)
        user.save()
        account_list = AccountList.objects.filter(name=DEMO_LIST, memberships__user=user).first()
        if account_list is None:
            account_list = AccountList.objects.create(name=DEMO_LIST)
            AccountListMembership.objects.create(user=user, account_list=account_list)
        ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
        _, token = ApiToken.issue(user=user, name=TOKEN_NAME)
        return user, account_list, token

    def _seed(self, demo: DemoImport, *, user: User, account_list: AccountList) -> Import:
        existing = Import.objects.filter(account_list=account_list, original_filename=demo.filename).first()
        if existing is not None:
            if existing.status in (Import.Status.QUEUED, Import.Status.IMPORTING) and demo.ends == "run":
                return run_import(str(existing.pk))  # an earlier run stopped half-way: finish it
            return existing
        with (DEMO_FILES / demo.filename).open("rb") as handle:
            import_record = services.create_import(
                account_list=account_list,
                user=user,
                source=demo.source,
                file=File(handle, name=demo.filename),
                attributes={"in_preview": True, "tag_list": demo.tag_list},
                in_preview_default=True,
            )
        if demo.mapping:
            import_record = services.update_import(
                import_record=import_record,
                attributes=demo_mappings(import_record, demo.mapping),
                updated_in_db_at=None,
                overwrite=True,
            )
        if demo.ends == "preview":
            return import_record
        services.start_import(import_record=import_record, enqueue=False)  # the job runs here, not on a worker
        if demo.ends == "cancel":
            return services.cancel_import(import_record=import_record)
        return run_import(str(import_record.pk))
