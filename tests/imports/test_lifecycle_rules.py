"""The rules of an import's life, said once in the services: what may start, be cancelled, change source.

The services refuse the impossible with a typed error; the API and the admin
translate it (the admin's side is in tests/admin/test_import_admin.py).
"""

from __future__ import annotations

import pytest

from imports import services
from imports.models import Import
from tests.imports.helpers import CUSTOM, INVALID_ROWS, create_csv, make_import, update


def preview_import(member) -> Import:
    return make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )


@pytest.mark.django_db
def test_a_queued_import_is_cancelled_at_once(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="queued"
    )
    cancelled = services.cancel_import(import_record=import_record)
    assert (cancelled.status, cancelled.cancel_requested) == (Import.Status.CANCELLED, True)
    assert cancelled.completed_at is not None


@pytest.mark.django_db
def test_a_running_import_is_asked_to_stop_before_its_next_batch(member):
    import_record = preview_import(member)
    Import.objects.filter(pk=import_record.pk).update(status=Import.Status.IMPORTING)
    asked = services.cancel_import(import_record=import_record)
    assert (asked.status, asked.cancel_requested) == (Import.Status.IMPORTING, True)


@pytest.mark.django_db
def test_an_import_in_preview_cannot_be_cancelled(member):
    import_record = preview_import(member)
    with pytest.raises(services.ImportNotCancellable, match="it is in preview; only queued or running imports"):
        services.cancel_import(import_record=import_record)
    import_record.refresh_from_db()
    assert (import_record.status, import_record.cancel_requested) == (Import.Status.PREVIEW, False)


@pytest.mark.django_db
def test_a_finished_import_cannot_be_cancelled(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    with pytest.raises(services.ImportNotCancellable) as refused:
        services.cancel_import(import_record=import_record)
    assert refused.value.status == Import.Status.COMPLETE


@pytest.mark.django_db
def test_an_import_that_left_preview_cannot_start_again(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="queued"
    )
    with pytest.raises(services.ImportNotStartable, match="^it is queued$"):
        services.start_import(import_record=import_record)


@pytest.mark.django_db
def test_the_service_refuses_another_source(member):
    import_record = preview_import(member)
    with pytest.raises(services.SourceCannotChange) as refused:
        services.update_import(
            import_record=import_record, attributes={"source": "tnt"}, updated_in_db_at=None, overwrite=True
        )
    assert refused.value.message_dict == {"source": ["The source of an import cannot change."]}


def test_the_api_says_the_source_cannot_change(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    response = update(api, account_list, created, {"source": "tnt"}, path_suffix="")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["detail"] == "The source of an import cannot change."
    assert error["source"] == {"pointer": "/data/attributes/source"}
    assert update(api, account_list, created, {"source": "csv", "tag_list": "kept"}, path_suffix="").status_code == 200
