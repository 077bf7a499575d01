"""The builder's fast paths give exactly what the libraries they stand in for give."""

import random
import string

import pytest
from email_validator import EmailNotValidError, validate_email
from faker import Faker
from nameparser import HumanName

from benchmarks.data import FIRST_NAMES, LAST_PREFIXES, LAST_SUFFIXES
from imports.pipeline.builders.drafts import PersonDraft
from imports.pipeline.builders.names import _parse_plain, parse_full_name
from imports.pipeline.builders.values import _is_plain_valid_email, normalize_email

LOCALES = ["en_US", "en_GB", "en_IE", "en_CA", "es_ES", "de_DE", "fr_FR", "it_IT", "nl_NL", "pt_BR", "pl_PL", "sv_SE"]


def name_samples() -> list[str]:
    names = set()
    for locale in LOCALES:
        faker = Faker(locale)
        faker.seed_instance(11)
        for _ in range(300):
            names.update((faker.first_name(), faker.last_name(), f"{faker.first_name()} {faker.last_name()}"))
    rng = random.Random(3)
    for _ in range(1_000):
        last = rng.choice(LAST_PREFIXES) + rng.choice(LAST_SUFFIXES)
        names.update((f"{rng.choice(FIRST_NAMES)} {last}", f"{rng.choice(FIRST_NAMES)} {last}-{last}"))
    names.update(["Dean Smith", "King Lee", "Van Dyke", "John Van", "Liv Tyler", "Mary Iv", "Jo", "Al Vi", "Ed Jr"])
    names.update(titled_name_samples(rng))
    return sorted(names)


def titled_name_samples(rng: random.Random) -> set[str]:
    """Titles, middle names or initials and suffixes around the same words, in every combination and a few others."""
    titles = ["Mr.", "Mrs.", "Ms.", "Dr.", "Rev.", "Mr", "Mrs", "Ms", "Dr", "Rev", "Miss", "Prof.", "Sir", ""]
    suffixes = ["Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV", "PhD", "Esq.", ""]
    names = set()
    for _ in range(6_000):
        last = rng.choice(LAST_PREFIXES) + rng.choice(LAST_SUFFIXES)
        middle = rng.choice(["", f"{rng.choice(string.ascii_uppercase)}.", rng.choice(FIRST_NAMES), "Q"])
        title, first, suffix = rng.choice(titles), rng.choice(FIRST_NAMES), rng.choice(suffixes)
        for parts in ([title, first, middle, last, suffix], [title, last, suffix], [title, first, suffix]):
            names.add(" ".join(part for part in parts if part))
    for locale in ("en_US", "en_GB", "de_DE", "es_ES"):
        faker = Faker(locale)
        faker.seed_instance(5)
        names.update(faker.name() for _ in range(1_000))
    return names


def test_the_plain_name_fast_path_agrees_with_nameparser():
    fast = 0
    for text in name_samples():
        plain = _parse_plain(text)
        if plain is None:
            continue
        fast += 1
        parsed = HumanName(text)
        assert plain == PersonDraft(
            first_name=parsed.first,
            last_name=parsed.last,
            middle_name=parsed.middle,
            title=parsed.title,
            suffix=parsed.suffix,
        ), text
    assert fast > 5_000  # the fast path is really taken, titled names included
    assert _parse_plain("Dr. John Q. Public Jr.") == PersonDraft(
        first_name="John", last_name="Public", middle_name="Q.", title="Dr.", suffix="Jr."
    )


@pytest.mark.parametrize(
    "text",
    ["Prof. John Public", "John Quincy Adams", "Mr. Smith", "John Van Dyke", "JOHN SMITH", "McDonald", "J Smith"],
)
def test_names_outside_the_fast_path_go_to_nameparser(text):
    assert _parse_plain(text) is None


def test_couples_parse_the_same_with_the_fast_path():
    assert parse_full_name("John and Jane Doe")[0] == PersonDraft(first_name="John", last_name="Doe")
    assert parse_full_name("John and Jane Doe")[1] == PersonDraft(first_name="Jane", last_name="Doe")
    assert parse_full_name("Doe, John and Jane")[1] == PersonDraft(first_name="Jane", last_name="Doe")


def email_samples() -> list[str]:
    rng = random.Random(5)
    alphabet = string.ascii_letters + string.digits + "._%+'-!#@ &\"éü[](),"
    locals_ = ["john", "j.doe", "a..b", ".x", "x.", "o'brien", "x+tag", "-a", "a-", "_u", "%p", "é", "a" * 64, "a" * 65]
    domains = ["example.com", "example.org", "ex-ample.co.uk", "a.b", "localhost", "mail.local", "x.test",
               "x.invalid", "x.onion", "x.arpa", "home.arpa", "ex..com", "-ex.com", "ex-.com", "ex.c", "ex.c0m",
               "ex.123", "ab--cd.com", "xn--bcher-kva.ch", "a" * 63 + ".com", "a" * 64 + ".com", "EXAMPLE.COM",
               "ex_ample.com", "ex.com.", "example", ("b" * 60 + ".") * 4 + "com"]  # fmt: skip
    samples = {f"{local}@{domain}" for local in locals_ for domain in domains}
    for _ in range(20_000):
        local = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        domain = rng.choice(domains) if rng.random() < 0.7 else f"{rng.choice(['a-b', 'x', '0', 'q.r'])}.com"
        samples.add(f"{local}@{domain}")
    return sorted(samples)


def test_the_email_fast_path_only_accepts_what_email_validator_accepts():
    fast = 0
    for address in email_samples():
        if _is_plain_valid_email(address):
            fast += 1
            validate_email(address, check_deliverability=False)  # raises if the fast path was wrong
    assert fast > 1_000


@pytest.mark.parametrize("address", ["john@example", "a..b@example.com", "x@mail.local", "bob@ex--ample.com", "no at"])
def test_an_invalid_address_is_refused_with_the_librarys_message(address):
    with pytest.raises(EmailNotValidError) as library:
        validate_email(address, check_deliverability=False)
    with pytest.raises(ValueError) as ours:
        normalize_email(address)
    assert str(ours.value) == f"{address!r} is not a valid email address ({library.value})"


def phone_samples() -> list[tuple[str, str]]:
    """(number as written, account list country): the shapes real files hold, and some odd ones."""
    rng = random.Random(11)

    def digits(count: int) -> str:
        return "".join(rng.choice(string.digits) for _ in range(count))

    samples = []
    for _ in range(3_000):
        country = rng.choice(["US", "CA", "GB", "DE", ""])
        separator = rng.choice([" ", "-", ".", " - ", ""])
        shape = rng.random()
        if shape < 0.3:
            number = f"({rng.randint(100, 999)}) {digits(3)}-{digits(4)}"
        elif shape < 0.5:
            number = f"{rng.choice(['', '1' + separator])}{digits(3)}{separator}{digits(3)}{separator}{digits(4)}"
        elif shape < 0.85:
            code = rng.choice(["1", "44", "49", "33", "39", "7", "353", "91", "86", "61", "34", "52"])
            parts = [digits(rng.randint(2, 4)), digits(rng.randint(3, 4)), digits(rng.randint(2, 4))]
            number = f"+{code}{separator}{separator.join(parts)}"
        else:
            number = rng.choice(
                [
                    "+44 (0)20 7946 0958",
                    "0171 5550122",
                    "555-0142",
                    "+1 (213) 222-3333",
                    "+999 1234 5678",
                    "+1-800-FLOWERS",
                    "12",
                    "+44 020 7946 0958",
                    "+7 8146 3760 563",
                ]  # fmt: skip
            )
        samples.append((number, country))
    return samples


def test_the_phone_key_fast_path_gives_the_libraries_answer():
    """contacts.phones reads common shapes without phonenumbers; the answer must be the library's."""
    import phonenumbers

    from contacts.phones import phone_key

    def library_key(number: str, country: str) -> str:
        try:
            parsed = phonenumbers.parse(number.strip(), country or None)
        except phonenumbers.NumberParseException:
            return "".join(ch for ch in number if ch.isdigit())
        return f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"

    mismatches = [(n, c) for n, c in phone_samples() if phone_key(n, c) != library_key(n, c)]
    assert mismatches == []
