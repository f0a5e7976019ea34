"""Field validators for Polish identifiers and contact data.

Each returns the normalised value or raises ``InvalidValue`` carrying an i18n key; the
service maps it onto the form field. Checksums come from python-stdnum and phone parsing
from phonenumbers rather than hand-written code.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum.exceptions import ValidationError as _StdnumError
from stdnum.pl import nip as _nip
from stdnum.pl import regon as _regon

_POSTAL = re.compile(r"^[0-9]{2}-[0-9]{3}$")  # ASCII digits: \d also matches e.g. "٩٠"
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGIT_GROUPS = re.compile(r"[0-9]+(?:[\s\-]+[0-9]+)*")


class InvalidValue(ValueError):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def clean_text(value: object, max_length: int = 500, required: bool = False) -> str | None:
    """Strip, drop control characters (NUL included), enforce a length; '' becomes None."""
    if value is None:
        text = ""
    else:
        text = _CONTROL.sub("", str(value)).strip()
    if not text:
        if required:
            raise InvalidValue("error.required")
        return None
    if len(text) > max_length:
        raise InvalidValue("error.too_long", max=max_length)
    return text


def nip(value: str | None) -> str | None:
    """10 digits with a valid checksum; 'PL', spaces and dashes are tolerated on input."""
    text = clean_text(value, 40)
    if text is None:
        return None
    compact = re.sub(r"[\s\-]", "", text).upper()
    if compact.startswith("PL"):
        compact = compact[2:]
    if not compact.isdigit() or len(compact) != 10:
        raise InvalidValue("error.nip_format")
    try:
        return _nip.validate(compact)
    except _StdnumError:
        raise InvalidValue("error.nip_checksum") from None


def regon(value: str | None) -> str | None:
    """9 or 14 digits with valid checksums."""
    text = clean_text(value, 40)
    if text is None:
        return None
    compact = re.sub(r"[\s\-]", "", text)
    if not compact.isdigit() or len(compact) not in (9, 14):
        raise InvalidValue("error.regon_format")
    try:
        return _regon.validate(compact)
    except _StdnumError:
        raise InvalidValue("error.regon_checksum") from None


def krs(value: str | None) -> str | None:
    """Up to 10 digits, left-padded with zeros (KRS numbers carry no checksum).

    Spaces and dashes are tolerated between digits only, so "-1" is refused, not read as 1.
    """
    text = clean_text(value, 40)
    if text is None:
        return None
    compact = re.sub(r"[\s\-]", "", text)
    if not _DIGIT_GROUPS.fullmatch(text) or len(compact) > 10 or int(compact) == 0:
        raise InvalidValue("error.krs_format")
    return compact.zfill(10)


def postal_code(value: str | None) -> str | None:
    text = clean_text(value, 20)
    if text is None:
        return None
    if re.fullmatch(r"[0-9]{5}", text):
        text = f"{text[:2]}-{text[2:]}"
    if not _POSTAL.match(text):
        raise InvalidValue("error.postal_code")
    return text


def phone(value: str | None) -> str | None:
    """Any valid number, Polish by default, stored as E.164 (+48…)."""
    text = clean_text(value, 40)
    if text is None:
        return None
    try:
        parsed = phonenumbers.parse(text, "PL")
    except phonenumbers.NumberParseException:
        raise InvalidValue("error.phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidValue("error.phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email(value: str | None) -> str | None:
    text = clean_text(value, 254)
    if text is None:
        return None
    if not _EMAIL.match(text):
        raise InvalidValue("error.email")
    return text.lower()


def format_phone(e164: str | None) -> str:
    """A stored E.164 number as people write it (+48 42 638 44 00)."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164
