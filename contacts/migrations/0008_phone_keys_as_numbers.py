"""Phone keys become numbers (E.164 digits) instead of the digits as written.

"(213) 222-3333" was keyed "2132223333" and "+1 213 222 3333" "12132223333",
so one number was two; both are now "12132223333" (in a United States
list). Stored keys are recomputed with their account list's country, so a
re-import matches what is already there.
"""

from django.conf import settings
from django.db import migrations

from contacts.phones import phone_key

BATCH = 2_000


def recompute_phone_keys(apps, schema_editor):
    PhoneNumber = apps.get_model("contacts", "PhoneNumber")
    numbers = PhoneNumber.objects.order_by("pk").values_list(
        "pk", "number", "number_key", "person__contact__account_list__default_country"
    )
    last = None
    while True:
        page = numbers.filter(pk__gt=last) if last is not None else numbers
        rows = list(page[:BATCH])
        if not rows:
            return
        changed = []
        for pk, number, old_key, country in rows:
            key = phone_key(number, country or settings.DEFAULT_PHONE_COUNTRY) or number.strip().casefold()
            if key != old_key:
                changed.append(PhoneNumber(pk=pk, number_key=key))
        PhoneNumber.objects.bulk_update(changed, ["number_key"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_account_list_default_country"),
        ("contacts", "0007_contact_and_person_extras"),
    ]

    operations = [migrations.RunPython(recompute_phone_keys, migrations.RunPython.noop)]
