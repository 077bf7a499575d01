"""The email a user gets when an import ends."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from imports.downloads import failures_url, site_origin
from imports.failures import failures_csv_text, failures_filename
from imports.models import Import

# An attachment larger than this is left out; the email links to the download instead.
MAX_ATTACHED_FAILURES = 10_000


def import_url(import_record: Import) -> str:
    ids = {"account_list_pk": import_record.account_list_id, "pk": import_record.pk}
    return settings.SITE_URL + reverse("import-detail", kwargs=ids)


def send_import_finished(*, import_record: Import) -> None:
    succeeded = import_record.status == Import.Status.COMPLETE and import_record.rows_failed == 0
    context = {
        "import": import_record,
        "account_list": import_record.account_list,
        "user": import_record.user,
        "succeeded": succeeded,
        "import_url": import_url(import_record),
        "failures_url": failures_url(
            account_list_id=import_record.account_list_id, import_id=import_record.pk, origin=site_origin()
        ),
        "source": import_record.get_source_display(),
        # A Google import that failed because the authorisation no longer works says how to reconnect.
        "google_reconnect": import_record.source == Import.Source.GOOGLE
        and import_record.status == Import.Status.FAILED
        and (import_record.source_account is None or import_record.source_account.needs_reconnect),
        "google_connect_url": f"{settings.SITE_URL}/google/connect",
    }
    template = "success" if succeeded else "failure"
    subject = render_to_string(f"imports/email/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"imports/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[import_record.user.email],
    )
    message.attach_alternative(render_to_string(f"imports/email/{template}.html", context), "text/html")
    if 0 < import_record.rows_failed <= MAX_ATTACHED_FAILURES:
        message.attach(
            failures_filename(import_record),
            failures_csv_text(import_record),
            "text/csv",
        )
    message.send()


def send_undo_finished(*, import_record: Import) -> None:
    """The undo of an import ended: what it removed, restored and kept (the first kept records, with why)."""
    from imports.undo import progress

    undo = progress.public(import_record.undo)
    context = {
        "import": import_record,
        "account_list": import_record.account_list,
        "user": import_record.user,
        "source": import_record.get_source_display(),
        "undo": undo,
        "succeeded": undo["status"] == progress.COMPLETE,
        "tables": sorted(undo["tables"].items()),
        "kept_records": undo["kept_records"][:20],
        "kept_not_shown": undo["kept"] - len(undo["kept_records"][:20]),
        "import_url": import_url(import_record),
    }
    subject = render_to_string("imports/email/undo_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("imports/email/undo.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[import_record.user.email],
    )
    message.attach_alternative(render_to_string("imports/email/undo.html", context), "text/html")
    message.send()
