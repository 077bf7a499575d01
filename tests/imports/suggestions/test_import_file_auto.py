"""`import_file --mapping auto` imports with the suggested mappings."""

import json

import pytest
from django.core.management import call_command

from contacts.models import Contact
from tests.imports.suggestions.helpers import EXPORTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_file_with_mapping_auto_uses_the_suggestions(member, capsys):
    call_command(
        "import_file",
        str(EXPORTS / "outlook_contacts.csv"),
        account_list=str(member.account_list.id),
        user=member.user.email,
        mapping="auto",
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["status"] == "complete" and summary["rows_created"] == 4
    assert Contact.objects.filter(name="Miller, Robert and Linda").exists()


def test_import_file_reads_a_chosen_sheet_and_previews_the_suggestions(member, capsys):
    call_command(
        "import_file",
        str(EXPORTS / "donor_tracking.xlsx"),
        account_list=str(member.account_list.id),
        user=member.user.email,
        sheet="Donors",
        preview=True,
    )
    analysis = json.loads(capsys.readouterr().out)
    assert analysis["suggested_file_headers_mappings"]["pledge_frequency"] == "frequency"
    assert analysis["rows"] == 6
