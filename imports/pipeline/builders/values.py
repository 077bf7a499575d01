"""Cell values: amounts, emails, tags."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

_NOT_NUMBER_CHARS = re.compile(r"[^\d.,\-]")
# Accounting notation for a negative amount (a refund): "(25.00)", "$(25.00)", "(25.00) USD".
_PARENTHESISED = re.compile(r"([^\d()]*)\((.+)\)([^\d()]*)\Z")
# The everyday address: ASCII dot-atom local part, ASCII host name with a letters-only top-level domain.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z"
)
_SPECIAL_USE_SUFFIXES = tuple(f".{name}" for name in SPECIAL_USE_DOMAIN_NAMES)


def parse_amount(text: str) -> Decimal | None:
    """'$1,234.50', '1.234,50 €', '50' -> Decimal; '' -> None; anything else raises ValueError.

    Currency symbols, spaces and thousands separators are tolerated. With both
    '.' and ',' the last one is the decimal mark; a lone ',' followed by exactly
    three digits is a thousands separator, otherwise a decimal comma. A
    negative amount may be written as accountants do, "(25.00)" or "25.00-".
    """
    text = text.strip()
    if not text:
        return None
    if found := _PARENTHESISED.match(text):
        text = "-" + "".join(found.groups())
    elif text.endswith("-"):
        text = "-" + text[:-1]
    if "(" in text or ")" in text:
        raise ValueError(text)
    cleaned = _NOT_NUMBER_CHARS.sub("", text)
    letters = re.sub(r"[\d.,\-\s]", "", text)
    if not cleaned or not re.search(r"\d", cleaned) or len(letters) > 3:
        raise ValueError(text)
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        if len(tail) == 3 and cleaned.count(",") >= 1 and head:
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = head.replace(",", "") + "." + tail
    if cleaned.count("-") > 1 or ("-" in cleaned and not cleaned.startswith("-")):
        raise ValueError(text)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise ValueError(text)
    return amount.quantize(Decimal("0.01"))


def _is_plain_valid_email(address: str) -> bool:
    """True for the common shape of address that email-validator always accepts.

    email-validator costs most of a row's budget (benchmarks/README.md);
    this regex a fraction of it. It answers only "certainly valid": a special-use
    domain (.test, .local ...), a "--" label (Punycode rules), an over-long
    part or anything unusual returns False and the library decides, so a
    refused address gets the library's message as before.
    """
    if len(address) > 254 or not _PLAIN_EMAIL.match(address):
        return False
    local, _, domain = address.partition("@")
    domain = f".{domain.lower()}"
    return len(local) <= 64 and "--" not in domain and not domain.endswith(_SPECIAL_USE_SUFFIXES)


# Several addresses or numbers in one cell: Google writes those of one type joined by " ::: ";
# other exports and hand-made sheets list addresses with commas or semicolons, which no address holds.
_SEVERAL_EMAILS = re.compile(r"\s*(?:,|;|:::)\s*")
_SEVERAL_PHONES = re.compile(r"\s*:::\s*")


# How mail programs write one address: with the name shown ("Ann Lee <ann@example.com>"), as a link.
_NAMED_ADDRESS = re.compile(r"[^<>]*<([^<>]*)>")
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)


def split_emails(cell: str) -> list[str]:
    """The addresses of an email cell, in order ("a@x.org ::: b@y.org", "a@x.org; b@y.org").

    An address written with its display name or as a mailto: link is the address alone.
    """
    cell = cell.strip()
    if "," not in cell and ";" not in cell and ":" not in cell and "<" not in cell:
        return [cell] if cell else []  # most cells: one bare address, without a regex per cell
    return [_bare_address(part) for part in _SEVERAL_EMAILS.split(cell) if part]


def _bare_address(written: str) -> str:
    named = _NAMED_ADDRESS.fullmatch(written)
    address = named.group(1).strip() if named else written
    return _MAILTO.sub("", address, count=1) if _MAILTO.match(address) else address


def split_phones(cell: str) -> list[str]:
    """The numbers of a phone cell, in order: only Google's " ::: " separates them (a comma may be a dial pause)."""
    cell = cell.strip()
    if ":::" not in cell:
        return [cell] if cell else []
    return [part for part in _SEVERAL_PHONES.split(cell) if part]


def normalize_email(text: str) -> str:
    """A valid address, as written but trimmed; raises ValueError naming it otherwise."""
    address = text.strip()
    if _is_plain_valid_email(address):
        return address
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"{address!r} is not a valid email address ({error})") from None
    return address


# A quoted tag, a separator (comma, semicolon, Google's ":::"), or a run of other text.
_TAG_TOKEN = re.compile(r'"([^"]*)"?|(,|;|:::|\|)|([^",;:|]+|:)')


def split_tags(text: str) -> list[str]:
    """Tags as real exports write them, trimmed, without quotes.

    Commas (most exports), semicolons (Outlook's categories), " ::: "
    (Google's labels), pipes (Bloomerang's groups) and quoted lists
    (Mailchimp's '"Donors","Board"', where a quoted tag may hold a comma) all
    separate tags; a quote is never part of a tag, even an unbalanced one.
    """
    if '"' not in text and ";" not in text and ":::" not in text and "|" not in text:
        return [tag.strip() for tag in text.split(",") if tag.strip()]
    tags, current = [], []
    for quoted, separator, plain in _TAG_TOKEN.findall(text):
        if separator:
            tags.append("".join(current).strip())
            current = []
        else:
            current.append(quoted or plain)
    tags.append("".join(current).strip())
    return [tag for tag in tags if tag]


def merge_tags(*groups: list[str]) -> list[str]:
    """Tags in first-seen order, without repeats (compared without case)."""
    seen: set[str] = set()
    merged = []
    for group in groups:
        for tag in group:
            key = tag.casefold()
            if key not in seen:
                seen.add(key)
                merged.append(tag)
    return merged
