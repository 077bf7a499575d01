"""Mappings remembered from an earlier import of a file with the same headers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from imports.fields import CONSTANT_FIELDS, FIELDS_BY_KEY
from imports.suggestions.constants import suggest_constant_mappings


def merge_remembered(
    *,
    remembered_headers: Mapping[str, str],
    remembered_constants: Mapping[str, list],
    file_headers: Mapping[str, str],
    file_constants: Mapping[str, Sequence[str]],
) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """Mappings that imported a file with the same headers, fitted to this file.

    Header mappings are kept where the header is in the file. Constant
    mappings keep the values found in this file; values the earlier file did
    not have get the usual suggestions.
    """
    headers = {
        field: key for field, key in remembered_headers.items() if field in FIELDS_BY_KEY and key in file_headers
    }
    constants: dict[str, list[dict]] = {}
    fresh = suggest_constant_mappings(file_constants, headers)
    for field_key, header_key in headers.items():
        if field_key not in CONSTANT_FIELDS or header_key not in file_constants:
            continue
        found = set(file_constants[header_key])
        by_id: dict[str, list[str]] = {}
        covered: set[str] = set()
        for entry in remembered_constants.get(field_key, []):
            values = [value for value in entry.get("values", []) if value in found and value not in covered]
            if values:
                by_id.setdefault(entry["id"], []).extend(values)
                covered.update(values)
        for entry in fresh.get(field_key, []):
            values = [value for value in entry["values"] if value not in covered]
            if values:
                by_id.setdefault(entry["id"], []).extend(values)
        if by_id:
            constants[field_key] = [{"id": cid, "values": values} for cid, values in by_id.items()]
    return headers, constants


def header_fingerprint(file_headers: Mapping[str, str]) -> str:
    """The same for every file with the same set of header keys, whatever their order."""
    if not file_headers:
        return ""
    return hashlib.sha256("\n".join(sorted(file_headers)).encode()).hexdigest()
