"""Suggested mappings: which column is which field, and which file value is which constant.

Computed once at upload from what the readers found (header names, the
distinct values of constant columns, the first rows) and stored on the
import. Nothing here touches the database: the same functions serve the
upload, `import_file --mapping auto` and the quality measurement
(`python -m benchmarks.mapping_quality`).

Headers are read as words, not as strings (`words`); rules say which field
the words of one header name (`columns`); the column's values confirm or veto
the guess (`values`); then every column is given at most one field and every
field one column (`assignment`). File values are matched to constants
(`constants`), and mappings that imported a file with the same headers are
reused (`remembered`). The words and synonyms come from the field table
(`imports.fields`).

The rule is precision first: a column that fits nothing, a value with no
confident match, is left for the person to map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from imports.pipeline.readers.vcard import VCARD_FILE_HEADERS, VCARD_HEADERS_MAPPINGS
from imports.suggestions.assignment import suggest_header_mappings
from imports.suggestions.columns import ColumnGuess, guess_column
from imports.suggestions.constants import match_constant, suggest_constant_mappings
from imports.suggestions.remembered import header_fingerprint, merge_remembered
from imports.suggestions.words import header_words

__all__ = [
    "ColumnGuess",
    "guess_column",
    "header_fingerprint",
    "header_words",
    "match_constant",
    "merge_remembered",
    "suggest_constant_mappings",
    "suggest_header_mappings",
    "suggest_mappings",
]


def suggest_mappings(
    *,
    file_headers: Mapping[str, str],
    file_constants: Mapping[str, Sequence[str]],
    sample_rows: Sequence[Mapping] = (),
) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """(file_headers_mappings, file_constants_mappings) suggested for a file.

    A vCard file's columns are the reader's fixed ones: they map completely, by the reader's table.
    """
    if dict(file_headers) == VCARD_FILE_HEADERS:
        headers = dict(VCARD_HEADERS_MAPPINGS)
    else:
        headers = suggest_header_mappings(file_headers, file_constants, sample_rows)
    return headers, suggest_constant_mappings(file_constants, headers)
