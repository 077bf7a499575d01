"""The supported CSV fields and constants, declared once, and the validation of mappings.

`SUPPORTED_FIELDS` is the single table that the constants endpoint, the
mapping validator and the CSV builder all read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Constant:
    id: str
    label: str


@dataclass(frozen=True)
class SupportedField:
    key: str
    label: str
    constants: tuple[Constant, ...] = ()
    open_constants: bool = False  # currency: any ISO 4217 code is an id

    @property
    def is_constant(self) -> bool:
        return bool(self.constants) or self.open_constants

    def constant_ids(self) -> set[str]:
        return {constant.id for constant in self.constants}


STATUSES = (
    "Never Contacted",
    "Ask in Future",
    "Cultivate Relationship",
    "Contact for Appointment",
    "Appointment Scheduled",
    "Call for Decision",
    "Partner - Financial",
    "Partner - Special",
    "Partner - Pray",
    "Not Interested",
    "Unresponsive",
    "Never Ask",
    "Research Abandoned",
    "Expired Referral",
)
PLEDGE_FREQUENCIES = (
    Constant("0.23076923076923", "Weekly"),
    Constant("0.46153846153846", "Every 2 Weeks"),
    Constant("1.0", "Monthly"),
    Constant("2.0", "Every 2 Months"),
    Constant("3.0", "Quarterly"),
    Constant("4.0", "Every 4 Months"),
    Constant("6.0", "Every 6 Months"),
    Constant("12.0", "Annual"),
    Constant("24.0", "Every 2 Years"),
)
LIKELY_TO_GIVE = ("Least Likely", "Likely", "Most Likely")
NEWSLETTER = ("Physical", "Email", "Both", "None")
# ISO 4217 codes in use (https://www.iso.org/iso-4217-currency-codes.html).
CURRENCY_CODES = tuple(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
    GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
    SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU
    UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()
)


def _same(ids) -> tuple[Constant, ...]:
    return tuple(Constant(value, value) for value in ids)


SUPPORTED_FIELDS: tuple[SupportedField, ...] = (
    SupportedField("church", "Church"),
    SupportedField("city", "City"),
    SupportedField("pledge_amount", "Commitment Amount"),
    SupportedField(
        "pledge_currency",
        "Commitment Currency",
        _same(CURRENCY_CODES),
        open_constants=True,
    ),
    SupportedField("pledge_frequency", "Commitment Frequency", PLEDGE_FREQUENCIES),
    SupportedField("country", "Country"),
    SupportedField("email_1", "Email 1"),
    SupportedField("email_2", "Email 2"),
    SupportedField("envelope_greeting", "Envelope Greeting"),
    SupportedField("first_name", "First Name"),
    SupportedField("full_name", "Full Name"),
    SupportedField("greeting", "Greeting"),
    SupportedField("last_name", "Last Name"),
    SupportedField("likely_to_give", "Likely To Give", _same(LIKELY_TO_GIVE)),
    SupportedField("metro_area", "Metro Area"),
    SupportedField("newsletter", "Newsletter", _same(NEWSLETTER)),
    SupportedField("notes", "Notes"),
    SupportedField("phone_1", "Phone 1"),
    SupportedField("phone_2", "Phone 2"),
    SupportedField("phone_3", "Phone 3"),
    SupportedField("referred_by", "Referred By"),
    SupportedField("region", "Region"),
    SupportedField(
        "send_appeals",
        "Send Appeals?",
        (Constant("true", "Yes"), Constant("false", "No")),
    ),
    SupportedField("spouse_email", "Spouse Email"),
    SupportedField("spouse_first_name", "Spouse First Name"),
    SupportedField("spouse_last_name", "Spouse Last Name"),
    SupportedField("spouse_phone", "Spouse Phone"),
    SupportedField("state", "State"),
    SupportedField("status", "Status", _same(STATUSES)),
    SupportedField("street", "Street"),
    SupportedField("tags", "Tags"),
    SupportedField("website", "Website"),
    SupportedField("zip", "Zip"),
)
FIELDS_BY_KEY: dict[str, SupportedField] = {field.key: field for field in SUPPORTED_FIELDS}
CONSTANT_FIELDS: dict[str, SupportedField] = {f.key: f for f in SUPPORTED_FIELDS if f.is_constant}
NAME_FIELDS = ("full_name", "first_name", "last_name")
# Rule 3: a row is someone when it has a name or, failing that, an email address to be named after.
IDENTIFYING_FIELDS = (*NAME_FIELDS, "email_1")


def constant_value(field_key: str, constant_id: str):
    """The stored value of a constant id: a Decimal for frequencies, a bool for send_appeals."""
    if field_key == "pledge_frequency":
        return Decimal(constant_id)
    if field_key == "send_appeals":
        return constant_id == "true"
    return constant_id


def constants_document(*, max_file_size: int) -> dict:
    """What `GET constants` serves: everything a client needs to build mappings."""
    return {
        "csv_import": {
            "supported_headers": {field.key: field.label for field in SUPPORTED_FIELDS},
            "required_headers": {
                "full_name | first_name | last_name | email_1": "At least one name column, or an email column"
            },
            "constants": {
                field.key: [{"id": c.id, "value": c.label} for c in field.constants]
                for field in CONSTANT_FIELDS.values()
            },
            "max_file_size_in_bytes": max_file_size,
        },
        "tnt_import": {"max_file_size_in_bytes": max_file_size},
    }


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

    uncovered: dict[str, list[str]] = {}
    for field_key in CONSTANT_FIELDS:
        header_key = file_headers_mappings.get(field_key)
        if header_key is None or header_key not in file_constants:
            continue
        covered = {value for entry in file_constants_mappings.get(field_key, []) for value in entry["values"]}
        left = [value for value in file_constants[header_key] if value.strip() and value not in covered]
        if left:
            uncovered[field_key] = left

    messages = []
    if invalid_ids:
        messages.append(f"file_constants_mappings has ids that are not valid constants: {invalid_ids}")
    if values_not_found:
        messages.append(f"file_constants_mappings lists values not found in the file: {values_not_found}")
    if uncovered:
        messages.append(f"file_constants_mappings does not cover these values found in the file: {uncovered}")
    return messages


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
