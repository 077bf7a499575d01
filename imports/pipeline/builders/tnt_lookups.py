"""The small settings tables of a TntConnect export, read whole: Currency, User, Organization, Property.

They hold a handful of rows each, and the rows of every other table refer to
them (a gift's currency, a task's user), so they are read at upload, kept on
the import (only what the import uses: Property also holds MailChimp keys),
and handed to the builders.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from imports.pipeline.builders.tnt_values import boolean, positive_amount
from imports.pipeline.readers.tnt import TntRow

LOOKUP_TABLES = frozenset({"Currency", "User", "Organization", "Property"})
USED_PROPERTIES = re.compile(r"MonthlySupportGoal|User[1-8]DisplayLabel")
ORGANIZATION_FIELDS = ("Code", "Description", "Abbreviation", "QueryIniName", "Name")


@dataclass(frozen=True)
class TntLookups:
    """The small settings tables of an export, read whole: they hold a handful of rows each."""

    currencies: dict[str, str] = field(default_factory=dict)  # Currency row id -> ISO code
    base_currency: str = ""  # the Currency marked IsBase
    users: dict[str, str] = field(default_factory=dict)  # User row id -> user name
    organizations: dict[str, dict[str, str]] = field(default_factory=dict)  # Organization row id -> fields
    properties: dict[str, str] = field(default_factory=dict)  # Property PropName -> PropValue

    @classmethod
    def from_rows(cls, rows: list[TntRow]) -> TntLookups:
        currencies, users, organizations, properties = {}, {}, {}, {}
        base = ""
        for row in rows:
            fields = {name: value.strip() for name, value in row.fields.items()}
            if row.table == "Currency" and fields.get("Code"):
                currencies[row.tnt_id] = fields["Code"].upper()[:3]
                if boolean(fields.get("IsBase", "")):
                    base = currencies[row.tnt_id]
            elif row.table == "User":
                name = fields.get("UserName") or fields.get("Name") or fields.get("Description") or ""
                if name:
                    users[row.tnt_id] = name
            elif row.table == "Organization":
                organizations[row.tnt_id] = {name: fields[name] for name in ORGANIZATION_FIELDS if fields.get(name)}
            elif row.table == "Property" and USED_PROPERTIES.fullmatch(fields.get("PropName", "")):
                # Only what the import uses is kept: the table also holds MailChimp API keys and the like.
                properties[fields["PropName"]] = fields.get("PropValue", "")
        return cls(currencies, base, users, organizations, properties)

    def currency(self, currency_id: str, default: str = "") -> str:
        return self.currencies.get(currency_id.strip(), "") or default

    def user_name(self, user_id: str) -> str:
        return self.users.get(user_id.strip(), "")

    def user_field_label(self, number: int) -> str:
        return self.properties.get(f"User{number}DisplayLabel", "").strip()

    def monthly_goal(self) -> Decimal | None:
        return positive_amount(self.properties.get("MonthlySupportGoal", ""))

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TntLookups:
        return cls(**data) if data else cls()
