"""The import costs a fixed number of queries per batch: not per row, not per existing contact."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, EmailAddress
from imports.models import Import, ImportedContact
from imports.pipeline import bulk_insert
from imports.pipeline.job import run_import
from tests.factories import AccountListFactory, MembershipFactory
from tests.imports.helpers import GENERATED, make_import

pytestmark = pytest.mark.django_db


def imported(content: bytes, *, user, account_list, until: str = "finished") -> Import:
    return make_import(account_list=account_list, user=user, content=content, mappings=GENERATED, until=until)


def job_queries(content: bytes, *, user, account_list) -> tuple[Import, int]:
    """The job's queries, less PostgreSQL's planner-statistics refreshes (a fixed few per import, not per batch).

    A batch that keeps look-alikes apart records them in one more statement
    (at most one a batch, checked here); it is left out of the count, which
    then depends only on the number of batches. The change log (what an undo
    needs) adds one statement a batch, for all the tables it writes (contacts,
    people, emails, phones, addresses, tags), checked here too and left out
    of the count.
    """
    queued = imported(content, user=user, account_list=account_list, until="queued")
    with CaptureQueriesContext(connection) as queries:
        record = run_import(str(queued.pk))
    assert record.status == Import.Status.COMPLETE, record.error
    recorded = sum('"imports_possibleduplicate"' in q["sql"] for q in queries.captured_queries)
    batches = -(-record.rows_processed // settings.IMPORT_BATCH_SIZE)
    assert recorded <= batches
    logged = sum('"imports_importchange"' in q["sql"] for q in queries.captured_queries)
    assert logged <= batches
    return record, sum(
        not q["sql"].startswith("ANALYZE")
        and '"imports_possibleduplicate"' not in q["sql"]
        and '"imports_importchange"' not in q["sql"]
        for q in queries.captured_queries
    )


def test_a_200_row_and_a_2000_row_file_in_one_batch_cost_the_same_queries(settings, generated_csv, member):
    settings.IMPORT_BATCH_SIZE = 2_000
    other_list = MembershipFactory(user=member.user).account_list
    small, small_queries = job_queries(generated_csv(200), user=member.user, account_list=member.account_list)
    large, large_queries = job_queries(generated_csv(2_000), user=member.user, account_list=other_list)
    assert (small.rows_created, large.rows_created) == (200, 2_000)
    assert small_queries == large_queries


def test_each_batch_adds_the_same_number_of_queries(settings, generated_csv, member):
    settings.IMPORT_BATCH_SIZE = 100
    lists = [MembershipFactory(user=member.user).account_list for _ in range(3)]
    _, one_batch = job_queries(generated_csv(100), user=member.user, account_list=lists[0])
    _, two_batches = job_queries(generated_csv(200), user=member.user, account_list=lists[1])
    _, four_batches = job_queries(generated_csv(400), user=member.user, account_list=lists[2])
    per_batch = two_batches - one_batch
    assert 0 < per_batch <= 20
    assert four_batches == one_batch + 3 * per_batch


def test_queries_do_not_grow_with_the_contacts_already_in_the_account_list(settings, generated_csv, member):
    settings.IMPORT_BATCH_SIZE = 500
    few = MembershipFactory(user=member.user).account_list
    many = MembershipFactory(user=member.user).account_list
    # Both lists hold the file's first 10 contacts, so both imports match some rows; one list holds 1,000 more.
    imported(generated_csv(10, seed=2), user=member.user, account_list=few)
    imported(generated_csv(10, seed=2), user=member.user, account_list=many)
    imported(generated_csv(1_000, seed=1), user=member.user, account_list=many)
    assert Contact.objects.filter(account_list=few).count() == 10
    assert Contact.objects.filter(account_list=many).count() >= 1_000
    _, with_few = job_queries(generated_csv(300, seed=2), user=member.user, account_list=few)
    _, with_many = job_queries(generated_csv(300, seed=2), user=member.user, account_list=many)
    assert with_few == with_many


def test_a_reimport_where_every_row_matches_costs_the_same_queries_for_200_and_2000_rows(
    settings, generated_csv, member
):
    settings.IMPORT_BATCH_SIZE = 2_000
    small_list, large_list = (MembershipFactory(user=member.user).account_list for _ in range(2))
    imported(generated_csv(200), user=member.user, account_list=small_list)
    imported(generated_csv(2_000), user=member.user, account_list=large_list)
    small, small_queries = job_queries(generated_csv(200), user=member.user, account_list=small_list)
    large, large_queries = job_queries(generated_csv(2_000), user=member.user, account_list=large_list)
    assert (small.rows_updated, large.rows_updated, small.rows_created + large.rows_created) == (200, 2_000, 0)
    assert small_queries == large_queries


def test_matching_lookups_are_chunked_below_the_parameter_limit(settings, generated_csv, member, monkeypatch):
    """With a tiny IN-list limit every lookup is split into several queries, and the import is the same."""
    settings.IMPORT_BATCH_SIZE = 200
    content = generated_csv(150)
    first = imported(content, user=member.user, account_list=member.account_list)
    monkeypatch.setattr(bulk_insert, "max_in_list", lambda model: 7)
    selects: list[int] = []

    def record_parameters(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            selects.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record_parameters):
        again = imported(content, user=member.user, account_list=member.account_list)
    assert (first.rows_created, again.rows_updated, again.rows_created) == (150, 150, 0)
    assert Contact.objects.filter(account_list=first.account_list).count() == 150
    assert ImportedContact.objects.filter(import_record_id=again.pk).count() == 150
    emails = EmailAddress.objects.filter(person__contact__account_list=first.account_list)
    assert emails.count() == emails.values("email_key").distinct().count()  # nothing added twice
    assert max(selects) <= 7 + 3  # a chunk, plus the account list and a flag or two


def test_counts_do_not_depend_on_other_account_lists(settings, generated_csv, member):
    """Another list's contacts with the same names are never matched, and cost nothing."""
    settings.IMPORT_BATCH_SIZE = 500
    other = MembershipFactory(account_list=AccountListFactory()).account_list
    imported(generated_csv(300), user=member.user, account_list=other)
    record = imported(generated_csv(300), user=member.user, account_list=member.account_list)
    assert (record.rows_created, record.rows_updated) == (300, 0)


def test_postgresql_statistics_are_refreshed_a_fixed_few_times_per_import(settings, generated_csv, member):
    from imports.pipeline.bulk_insert import ANALYZE_AFTER_BATCHES

    settings.IMPORT_BATCH_SIZE = 10
    queued = imported(generated_csv(300), user=member.user, account_list=member.account_list, until="queued")
    with CaptureQueriesContext(connection) as queries:
        run_import(str(queued.pk))  # 30 batches
    analyzed = [q for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    expected = sum(batch <= 30 for batch in ANALYZE_AFTER_BATCHES) if connection.vendor == "postgresql" else 0
    assert len(analyzed) == expected
