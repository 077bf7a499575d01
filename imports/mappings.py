"""The rules a mapping obeys: its shape on every write, the seven rules when leaving preview.

Both read the field table (`imports.fields`); so does `constant_lookup`, which
turns the constants mappings into what the CSV builder looks values up in.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError

from imports.fields import CONSTANT_FIELDS, FIELDS_BY_KEY, IDENTIFYING_FIELDS, SupportedField

# --- Shape of the mappings (checked on every write, even in preview) -------------


def check_mapping_shapes(*, file_headers_mappings, file_constants_mappings) -> None:
    """Refuse mappings that are not even of the right form; 400 in any state."""
    errors: dict[str, list[str]] = {}
    if file_headers_mappings is not None:
        if not isinstance(file_headers_mappings, Mapping):
            errors.setdefault("file_headers_mappings", []).append(
                "file_headers_mappings must be an object of supported field -> file header key."
            )
        else:
            bad = sorted(str(k) for k, v in file_headers_mappings.items() if not isinstance(v, str))
            if bad:
                errors.setdefault("file_headers_mappings", []).append(
                    f"file_headers_mappings values must be header keys (strings); not for: {bad}"
                )
    if file_constants_mappings is not None:
        message = _constants_shape_error(file_constants_mappings)
        if message:
            errors["file_constants_mappings"] = [message]
    if errors:
        raise ValidationError(errors)


def _constants_shape_error(mappings) -> str | None:
    if not isinstance(mappings, Mapping):
        return 'file_constants_mappings must be an object of constant field -> list of {"id", "values"}.'
    for field_key, entries in mappings.items():
        if not isinstance(entries, list):
            return f'file_constants_mappings[{field_key!r}] must be a list of {{"id": ..., "values": [...]}}.'
        for entry in entries:
            if not isinstance(entry, Mapping) or "id" not in entry or "values" not in entry:
                return f'Every entry of file_constants_mappings[{field_key!r}] needs an "id" and "values".'
            if not isinstance(entry["id"], str) or not isinstance(entry["values"], list):
                return f'In file_constants_mappings[{field_key!r}], "id" must be a string and "values" a list.'
            if not all(isinstance(value, str) for value in entry["values"]):
                return f'In file_constants_mappings[{field_key!r}], every one of "values" must be a string.'
    return None


# --- The seven rules, applied when leaving preview ------------------------------------


def validate_mappings(
    *,
    file_headers: Mapping[str, str],
    file_constants: Mapping[str, list[str]],
    file_headers_mappings: Mapping[str, str],
    file_constants_mappings: Mapping[str, list],
) -> None:
    """Raise ValidationError with one message per failed rule, naming what is at fault."""
    headers_errors: list[str] = []
    constants_errors: list[str] = []

    unsupported = sorted(key for key in file_headers_mappings if key not in FIELDS_BY_KEY)
    if unsupported:
        headers_errors.append(f"file_headers_mappings has keys that are not supported fields: {unsupported}")
    missing_headers = sorted({v for v in file_headers_mappings.values() if v not in file_headers})
    if missing_headers:
        headers_errors.append(f"file_headers_mappings maps to headers not in the file: {missing_headers}")
    if not any(file_headers_mappings.get(name) for name in IDENTIFYING_FIELDS):
        headers_errors.append(
            "file_headers_mappings must map a name or an email: at least one of full_name, first_name, "
            "last_name or email_1."
        )

    unmapped_constants = sorted(
        key for key in file_constants_mappings if key not in CONSTANT_FIELDS or key not in file_headers_mappings
    )
    if unmapped_constants:
        constants_errors.append(
            "file_constants_mappings has keys that are not constant fields mapped in file_headers_mappings: "
            f"{unmapped_constants}"
        )
    constants_errors += _constant_value_errors(file_constants, file_headers_mappings, file_constants_mappings)

    errors = {}
    if headers_errors:
        errors["file_headers_mappings"] = headers_errors
    if constants_errors:
        errors["file_constants_mappings"] = constants_errors
    if errors:
        raise ValidationError(errors)


def _constant_value_errors(file_constants, file_headers_mappings, file_constants_mappings) -> list[str]:
    invalid_ids: dict[str, list[str]] = {}
    values_not_found: dict[str, list[str]] = {}
    for field_key, entries in file_constants_mappings.items():
        field = CONSTANT_FIELDS.get(field_key)
        header_key = file_headers_mappings.get(field_key)
        if field is None or header_key is None:
            continue
        found = set(file_constants.get(header_key, []))
        for entry in entries:
            if not _is_valid_constant_id(field, entry["id"]):
                invalid_ids.setdefault(field_key, []).append(entry["id"])
            missing = [value for value in entry["values"] if value not in found]
            if missing:
                values_not_found.setdefault(field_key, []).extend(missing)

    uncovered = uncovered_values(
        file_constants=file_constants,
        file_headers_mappings=file_headers_mappings,
        file_constants_mappings=file_constants_mappings,
    )

    messages = []
    if invalid_ids:
        messages.append(f"file_constants_mappings has ids that are not valid constants: {invalid_ids}")
    if values_not_found:
        messages.append(f"file_constants_mappings lists values not found in the file: {values_not_found}")
    if uncovered:
        messages.append(f"file_constants_mappings does not cover these values found in the file: {uncovered}")
    return messages


def uncovered_values(
    *,
    file_constants: Mapping[str, list[str]],
    file_headers_mappings: Mapping[str, str],
    file_constants_mappings: Mapping[str, list],
) -> dict[str, list[str]]:
    """Constant field -> the non-blank values of its column that no constants mapping covers."""
    uncovered: dict[str, list[str]] = {}
    for field_key in CONSTANT_FIELDS:
        header_key = file_headers_mappings.get(field_key)
        if header_key is None or header_key not in file_constants:
            continue
        covered = {value for entry in file_constants_mappings.get(field_key, []) for value in entry["values"]}
        left = [value for value in file_constants[header_key] if value.strip() and value not in covered]
        if left:
            uncovered[field_key] = left
    return uncovered


def _is_valid_constant_id(field: SupportedField, constant_id: str) -> bool:
    if field.open_constants:
        return len(constant_id) == 3 and constant_id.isalpha() and constant_id.isupper()
    return constant_id in field.constant_ids()


def constant_lookup(
    file_constants_mappings: Mapping[str, list],
) -> dict[str, dict[str, str]]:
    """field -> {value as written in the file -> constant id}, for the builder.

    Ids that are not valid constants are left out: rule 5 refuses them when
    leaving preview, and meanwhile the samples must not store them (on
    PostgreSQL a currency id longer than 3 characters does not even fit).
    """
    lookup: dict[str, dict[str, str]] = {}
    for field_key, entries in file_constants_mappings.items():
        field = CONSTANT_FIELDS.get(field_key)
        if field is not None:
            lookup[field_key] = {
                value: entry["id"]
                for entry in entries
                if _is_valid_constant_id(field, entry["id"])
                for value in entry["values"]
            }
    return lookup
