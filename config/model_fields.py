"""Model fields shared by the apps: the timestamps, an optional link, and JSON read with orjson."""

import orjson
from django.db import models

INTEGERS_ORJSON_READS = range(-(2**63), 2**64)  # beyond these, orjson reads an integer as a float


class JSONField(models.JSONField):
    """Django's JSONField, reading stored JSON with orjson: about three times faster than `json.loads`.

    An import's row holds ~5 KB of JSON (its file's headers and values, the
    mappings), decoded for every import of every list: half the cost of reading
    the row. orjson gives the same values as `json.loads` for everything
    `json.dumps` writes, but for integers beyond 64 bits, which it reads as
    floats: this field refuses to store those (nothing the service stores has
    one: values from files are text). What orjson refuses to read (NaN, lone
    surrogates) is read by Django as before, and so is everything when a
    custom decoder is set.
    """

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and self.decoder is None:
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return super().from_db_value(value, expression, connection)

    def get_prep_value(self, value):
        _refuse_integers_orjson_misreads(value)
        return super().get_prep_value(value)

    def deconstruct(self):
        # Stored exactly as Django's JSONField: migrations see that field, so none is needed (on SQLite an
        # altered field rebuilds its table).
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


def _refuse_integers_orjson_misreads(value) -> None:
    try:
        # orjson writes exactly the integers it reads (it refuses the others), in C: an import's change
        # log holds some 70,000 keys a batch, which the walk below visits one by one.
        orjson.dumps(value)
        return
    except orjson.JSONEncodeError:  # such an integer, or what orjson does not write (the walk decides)
        pass
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        elif isinstance(item, int) and item not in INTEGERS_ORJSON_READS:
            raise ValueError(f"A JSON value holds an integer beyond 64 bits ({item}), which it cannot store.")


class Timestamped(models.Model):
    """When a record was made and last changed.

    `updated_at` is also the undo's evidence that nobody touched a record
    since its import wrote it (imports/undo/records.py).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def optional_link(to, *, related_name: str, help_text: str = "") -> models.ForeignKey:
    """A link that may be empty and is emptied, not followed, when the record it names is deleted."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name, help_text=help_text
    )
