"""The import admin's own pages and buttons: downloads, start, cancel, re-import a corrected file, undo.

Each one goes through `imports.services`, as the API does, and tells the
staff member what happened in a message: the validation messages when an
import cannot start, or that a running import stops at its next batch.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from imports import services
from imports.admin.display import validation_messages
from imports.downloads import failures_response, file_response
from imports.models import Import
from imports.selectors import change_log_summary


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


def check_and_report(model_admin, request, import_record: Import) -> bool:
    """Check the whole file of an import in preview, in the background; on invalid mappings show each message."""
    try:
        services.check_import(import_=import_record, user=request.user)
    except services.ImportNotCheckable as refused:
        messages.warning(request, f"{import_record}: not checked, {refused}.")
        return False
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, f"{import_record} cannot be checked: {message}")
        return False
    model_admin.log_change(request, import_record, "Check of the whole file asked for from the admin.")
    messages.success(request, f"{import_record}: the whole file is being checked; its page shows the figures.")
    return True


def start_and_report(model_admin, request, import_record: Import) -> bool:
    """Start an import in preview; on invalid mappings show each validation message instead."""
    try:
        services.start_import(import_record=import_record)
    except services.ImportNotStartable as refused:
        messages.warning(request, f"{import_record}: not started, {refused}.")
        return False
    except ValidationError as error:
        for message in validation_messages(error):
            messages.error(request, f"{import_record} cannot start: {message}")
        return False
    model_admin.log_change(request, import_record, "Started from the admin.")
    messages.success(request, f"{import_record}: started ({import_record.get_status_display().lower()}).")
    return True


def cancel_and_report(model_admin, request, import_record: Import) -> bool:
    """Cancel a queued or running import; the job stops before its next batch."""
    try:
        import_record = services.cancel_import(import_record=import_record)
    except services.ImportNotCancellable as refused:
        messages.warning(request, f"{import_record}: not cancelled, {refused}.")
        return False
    model_admin.log_change(request, import_record, "Cancelled from the admin.")
    if import_record.status == Import.Status.CANCELLED:
        messages.success(request, f"{import_record}: cancelled.")
    else:
        messages.success(request, f"{import_record}: cancel requested; the import stops before its next batch.")
    return True


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
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": original,
        "form": form,
        "title": f"Re-import the failed rows of {original}",
    }
    return render(request, "admin/imports/import/reimport.html", context)


def undo(model_admin, request, object_id: str):
    """Undo a finished import, after a page that says what the undo removes and restores (from its change log)."""
    import_record = _import_for(model_admin, request, object_id, permission="undo")
    if request.method == "POST":
        try:
            services.undo_import(import_=import_record, user=import_record.user)
        except (services.ImportNotUndoable, services.ImportHasNoChangeLog) as refused:
            messages.warning(request, f"{import_record}: not undone, {refused}.")
        else:
            model_admin.log_change(request, import_record, "Undo asked for from the admin.")
            messages.success(request, f"{import_record}: the undo runs in the background; this page shows its outcome.")
        return HttpResponseRedirect(change_url(import_record))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": import_record,
        "undoable": import_record.status in Import.UNDOABLE_STATUSES,
        "changes": change_log_summary(import_record=import_record),
        "title": f"Undo {import_record}",
    }
    return render(request, "admin/imports/import/undo.html", context)
