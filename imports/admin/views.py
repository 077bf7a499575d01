"""The import admin's own pages and buttons: downloads, check, start, cancel, re-import a corrected file, undo.

Each one goes through the services (`imports.services`, `imports.undo.services`), as the API does, and tells the
staff member what happened in a message: the validation messages when an
import cannot start, or that a running import stops at its next batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from imports import services
from imports.admin.display import validation_messages
from imports.downloads import failures_response, file_response
from imports.models import Import
from imports.selectors import change_log_summary
from imports.undo.services import undo_import


def change_url(import_record: Import) -> str:
    return reverse("admin:imports_import_change", args=[import_record.pk])


def _import_for(model_admin, request, object_id: str, *, permission: str = "view") -> Import:
    """The import, if the staff member has `permission` ("view", "check", "start", "cancel", "reimport") on it."""
    import_record = model_admin.get_object(request, unquote(object_id))
    if import_record is None:
        raise Http404("No such import.")
    if not getattr(model_admin, f"has_{permission}_permission")(request, import_record):
        raise PermissionDenied
    return import_record


def download_file(model_admin, request, object_id: str):
    """The uploaded file, for staff; the API's signed file_url is only for members of the account list."""
    import_record = _import_for(model_admin, request, object_id)
    if not import_record.file:
        raise Http404("This import has no file.")
    return file_response(import_record)


def download_failures(model_admin, request, object_id: str):
    """The failed rows as the CSV the user gets."""
    return failures_response(_import_for(model_admin, request, object_id))


def download_check_failures(model_admin, request, object_id: str):
    """The rows the check found would fail, as the same CSV."""
    return failures_response(_import_for(model_admin, request, object_id), of_check=True)


@dataclass(frozen=True)
class ImportAction:
    """One action on an import as the admin runs it (a button, a list action, a confirmation page).

    The service says why it refuses (ImportRefused, or the validation errors of
    the mappings) and the staff member is told that, never a silent no; what was
    done goes into the import's history.
    """

    run: Callable[[HttpRequest, Import], Import]  # the service, on the import; it returns the import as it left it
    not_done: str  # the warning's words when refused: "not started"
    logged: str  # the change message in the import's history
    done: Callable[[Import], str]  # the success message
    cannot: str = ""  # of a service that validates the mappings, before each message: "cannot start"

    def __call__(self, model_admin, request, import_record: Import) -> None:
        try:
            import_record = self.run(request, import_record)
        except services.ImportRefused as refusal:
            messages.warning(request, f"{import_record}: {self.not_done}, {refusal}.")
            return
        except ValidationError as error:
            if not self.cannot:
                raise
            for message in validation_messages(error):
                messages.error(request, f"{import_record} {self.cannot}: {message}")
            return
        model_admin.log_change(request, import_record, self.logged)
        messages.success(request, f"{import_record}: {self.done(import_record)}")


check_and_report = ImportAction(
    run=lambda request, import_record: services.check_import(import_record=import_record, user=request.user),
    not_done="not checked",
    logged="Check of the whole file asked for from the admin.",
    done=lambda checked: "the whole file is being checked; its page shows the figures.",
    cannot="cannot be checked",
)
start_and_report = ImportAction(
    run=lambda request, import_record: services.start_import(import_record=import_record),
    not_done="not started",
    logged="Started from the admin.",
    done=lambda started: f"started ({started.get_status_display().lower()}).",
    cannot="cannot start",
)
cancel_and_report = ImportAction(
    run=lambda request, import_record: services.cancel_import(import_record=import_record),
    not_done="not cancelled",
    logged="Cancelled from the admin.",
    # A queued import is cancelled at once; a running one stops before its next batch.
    done=lambda cancelled: (
        "cancelled."
        if cancelled.status == Import.Status.CANCELLED
        else "cancel requested; the import stops before its next batch."
    ),
)


def _undo(request: HttpRequest, import_record: Import) -> Import:
    # For the import's user, as the API's undo is for the caller: the email of the outcome goes to them.
    undo_import(import_record=import_record, user=import_record.user)  # refreshes import_record
    return import_record


undo_and_report = ImportAction(
    run=_undo,
    not_done="not undone",
    logged="Undo asked for from the admin.",
    done=lambda undone: "the undo runs in the background; this page shows its outcome.",
)


def _button(permission: str, act):
    """The view of a button on the import's page: POST only, then back to the page with act's message."""

    def view(model_admin, request, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        import_record = _import_for(model_admin, request, object_id, permission=permission)
        act(model_admin, request, import_record)
        return HttpResponseRedirect(change_url(import_record))

    return view


check = _button("check", check_and_report)
start = _button("start", start_and_report)
cancel = _button("cancel", cancel_and_report)


class ReimportForm(forms.Form):
    file = forms.FileField(
        label="Corrected file",
        help_text='Usually the failures CSV, fixed. The "Error Message" column may stay: no mapping uses it.',
    )
    start = forms.BooleanField(
        required=False,
        initial=True,
        label="Start at once if the mappings of the original import fit the new file",
    )


def reimport(model_admin, request, object_id: str):
    """A new import of a corrected file, linked to the original, made for the original's user."""
    original = _import_for(model_admin, request, object_id, permission="reimport")
    form = ReimportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            retry = services.create_import(
                account_list=original.account_list,
                user=original.user,
                source=original.source,
                file=form.cleaned_data["file"],
                attributes={"in_preview": True},
                in_preview_default=True,
                retry_of=original,
            )
        except ValidationError as error:
            for message in validation_messages(error):
                form.add_error("file", message)
        else:
            model_admin.log_addition(request, retry, f"Re-import of the failed rows of {original.pk}.")
            messages.success(request, f"{retry} was made from the corrected file.")
            if form.cleaned_data["start"]:
                start_and_report(model_admin, request, retry)
            return HttpResponseRedirect(change_url(retry))
    return _action_page(
        model_admin, request, original, "reimport", title=f"Re-import the failed rows of {original}", form=form
    )


def undo(model_admin, request, object_id: str):
    """Undo a finished import, after a page that says what the undo removes and restores (from its change log)."""
    import_record = _import_for(model_admin, request, object_id, permission="undo")
    if request.method == "POST":
        undo_and_report(model_admin, request, import_record)
        return HttpResponseRedirect(change_url(import_record))
    return _action_page(
        model_admin,
        request,
        import_record,
        "undo",
        title=f"Undo {import_record}",
        undoable=import_record.status in Import.UNDOABLE_STATUSES,
        changes=change_log_summary(import_record=import_record),
    )


def _action_page(model_admin, request, import_record: Import, template: str, *, title: str, **context):
    """The page of one action on the import (templates/admin/imports/import/action.html and its children)."""
    return render(
        request,
        f"admin/imports/import/{template}.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": import_record,
            "title": title,
            **context,
        },
    )
