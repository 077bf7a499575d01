"""TntConnect groups -> tags: a group's hierarchy, category and description become tag names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from imports.pipeline.readers.tnt import TntGroup

PATH_NAME_VERSION = (3, 2)  # TntConnect 3.2 introduced Group.PathName


def group_tag_names(group: TntGroup, version: str) -> list[str]:
    """The tags a TntConnect group gives its contacts, normalised.

    From 3.2 on, PathName holds the group's place in the hierarchy and every
    level becomes a tag (``A\\B\\C`` -> ``A``, ``A\\B``, ``A\\B\\C``).  Before
    3.2, or when PathName is blank, Description (which may start with its
    category, ``Category\\Group``) and Category are the tags.
    """
    if version_tuple(version) >= PATH_NAME_VERSION and group.path_name.strip():
        names = _path_prefixes(group.path_name)
    else:
        names = [_strip_category(group.description, group.category), group.category]
    return unique_tags(names)


def normalize_tag(tag: str) -> str:
    """Whitespace and commas become "-", runs of "-" collapse, ends are trimmed.

    Case is kept as written: group names are the user's own words (acronyms,
    names of people and churches), and whether "Prayer" and "prayer" are one
    tag is for the tag store to decide, not for the reader of one file.
    """
    tag = re.sub(r"^[\s,]+|[\s,]+$", "", tag)
    tag = re.sub(r"[\s,]+", "-", tag)
    return re.sub(r"-{2,}", "-", tag)


def split_tags(text: str) -> list[str]:
    return text.split(",") if text else []


def unique_tags(names: Iterable[str]) -> list[str]:
    """Normalised, blanks dropped, duplicates dropped keeping the first."""
    tags = (normalize_tag(name) for name in names)
    return list(dict.fromkeys(tag for tag in tags if tag))


def _path_prefixes(path_name: str) -> list[str]:
    parts = [part.strip() for part in path_name.split("\\") if part.strip()]
    return ["\\".join(parts[: n + 1]) for n in range(len(parts))]


def _strip_category(description: str, category: str) -> str:
    """``Category\\Group`` -> ``Group`` when the description starts with its category."""
    prefix = f"{category}\\"
    if category and description.startswith(prefix):
        return description[len(prefix) :]
    return description


def version_tuple(version: str) -> tuple[int, ...]:
    """ "3.10" -> (3, 10), so versions compare as numbers; unreadable -> ()."""
    numbers = re.findall(r"\d+", version)
    return tuple(int(n) for n in numbers)


# ---------------------------------------------------------------- values
