"""Which file value is which constant: case, spacing, labels, ids, synonyms; no wild guesses."""

import pytest

from imports.suggestions import match_constant, suggest_constant_mappings


@pytest.mark.parametrize(
    ("field", "value", "constant_id"),
    [
        ("pledge_frequency", "monthly", "1.0"),
        ("pledge_frequency", "  Per  Month ", "1.0"),
        ("pledge_frequency", "mo", "1.0"),
        ("pledge_frequency", "1", "1.0"),
        ("pledge_frequency", "12", "12.0"),
        ("pledge_frequency", "Annually", "12.0"),
        ("pledge_frequency", "yearly", "12.0"),
        ("pledge_frequency", "Quarterly", "3.0"),
        ("pledge_frequency", "Semi-Annual", "6.0"),
        ("pledge_frequency", "Every 2 Weeks", "0.46153846153846"),
        ("pledge_frequency", "Montly", "1.0"),  # misspelt
        ("send_appeals", "yes", "true"),
        ("send_appeals", "Y", "true"),
        ("send_appeals", "TRUE", "true"),
        ("send_appeals", "1", "true"),
        ("send_appeals", "No", "false"),
        ("newsletter", "email only", "Email"),
        ("newsletter", "E-mail", "Email"),
        ("newsletter", "both", "Both"),
        ("newsletter", "paper", "Physical"),
        ("newsletter", "none", "None"),
        ("status", "partner-financial", "Partner - Financial"),
        ("status", "Financial Partner", "Partner - Financial"),
        ("status", "ask in future", "Ask in Future"),
        ("likely_to_give", "most likely", "Most Likely"),
        ("likely_to_give", "Likely", "Likely"),
        ("pledge_currency", "usd", "USD"),
        ("pledge_currency", "US$", "USD"),
        ("pledge_currency", "€", "EUR"),
        ("pledge_currency", "£", "GBP"),
        ("pledge_currency", "C$", "CAD"),
    ],
)
def test_values_with_a_confident_match(field, value, constant_id):
    assert match_constant(field, value) == constant_id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pledge_currency", "$"),  # dollars of which country? the person decides
        ("pledge_currency", "¥"),
        ("pledge_currency", "XYZ"),
        ("pledge_frequency", "one time"),
        ("pledge_frequency", "5"),
        ("pledge_frequency", "bimonthly"),  # every two months or twice a month
        ("status", "Praying and giving"),
        ("status", "Partner"),
        ("likely_to_give", "yes"),
        ("newsletter", "yes"),
        ("send_appeals", "maybe"),
        ("status", ""),
    ],
)
def test_values_without_a_confident_match_are_left_unmapped(field, value):
    assert match_constant(field, value) is None


def test_constant_suggestions_cover_the_mapped_constant_columns_only():
    constants = {"freq": ["monthly", "Per Month", "", "one time"], "kind": ["monthly"]}
    suggested = suggest_constant_mappings(constants, {"pledge_frequency": "freq", "notes": "kind"})
    assert suggested == {"pledge_frequency": [{"id": "1.0", "values": ["monthly", "Per Month"]}]}
