"""Field validators: Polish identifiers (NIP, REGON, KRS), postal codes, phones, e-mail and text.

Test vectors come from the domain notes §3: each was checked by hand against the published
weights, so a failure here means the validator, not the vector, is wrong.
"""

import pytest

from dashboard.core import validators
from dashboard.core.validators import InvalidValue


def refused(fn, value) -> str:
    """The i18n key a validator refuses ``value`` with (fails the test if it accepts it)."""
    with pytest.raises(InvalidValue) as caught:
        fn(value)
    return caught.value.key


# -- NIP ------------------------------------------------------------------------------------

def test_a_valid_nip_is_kept_as_ten_digits():
    assert validators.nip("8567346215") == "8567346215"


def test_a_nip_with_a_wrong_check_digit_is_refused_as_a_checksum_error():
    assert refused(validators.nip, "8567346216") == "error.nip_checksum"


@pytest.mark.parametrize("typed", ["PL 856-734-62-15", "pl8567346215", "856-734-62-15", " 856 734 62 15 "])
def test_nip_as_people_write_it_is_normalised(typed):
    assert validators.nip(typed) == "8567346215"


@pytest.mark.parametrize("last_digit", range(10))
def test_a_nip_whose_checksum_is_ten_is_invalid_whatever_the_last_digit(last_digit):
    # 1·6+2·5+3·7+4·2+5·3+6·4+7·5+8·6+9·7 = 230 ≡ 10 (mod 11): no digit can match.
    assert refused(validators.nip, f"123456789{last_digit}") == "error.nip_checksum"


@pytest.mark.parametrize("typed", ["856734621", "85673462150", "856734621X", "NIP 8567346215"])
def test_a_nip_of_the_wrong_shape_is_a_format_error(typed):
    assert refused(validators.nip, typed) == "error.nip_format"


def test_an_empty_nip_means_not_given():
    assert validators.nip("   ") is None
    assert validators.nip(None) is None


# -- REGON ----------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["192598184", "123456785", "12345678512347"])
def test_valid_regons_of_nine_and_fourteen_digits(number):
    assert validators.regon(number) == number


@pytest.mark.parametrize("number", ["192598183", "12345678612342"])
def test_regons_with_a_bad_checksum_are_refused(number):
    assert refused(validators.regon, number) == "error.regon_checksum"


def test_a_fourteen_digit_regon_needs_its_nine_digit_prefix_valid_too():
    # 12345678612342: the last digit fits the 14-digit weights, but 123456786 is no REGON-9.
    assert refused(validators.regon, "123456786") == "error.regon_checksum"


@pytest.mark.parametrize("number", ["19259818", "1925981840", "19259818A"])
def test_a_regon_of_neither_nine_nor_fourteen_digits_is_a_format_error(number):
    assert refused(validators.regon, number) == "error.regon_format"


def test_regon_tolerates_spaces_and_dashes():
    assert validators.regon("192-598-184") == "192598184"


# -- KRS ------------------------------------------------------------------------------------

def test_a_short_krs_is_left_padded_to_ten_digits():
    assert validators.krs("428743") == "0000428743"


def test_a_full_krs_is_kept():
    assert validators.krs(" 0000428743 ") == "0000428743"


@pytest.mark.parametrize("typed", ["KRS428743", "42874a", "12345678901", "0", "0000000000"])
def test_letters_eleven_digits_and_zero_are_not_a_krs(typed):
    assert refused(validators.krs, typed) == "error.krs_format"


# -- postal code ----------------------------------------------------------------------------

def test_a_lodz_postal_code_is_accepted():
    assert validators.postal_code("90-001") == "90-001"


def test_five_digits_get_their_dash():
    assert validators.postal_code("90001") == "90-001"


@pytest.mark.parametrize("typed", ["9-0001", "90-0011", "900-01", "9000", "90 001", "ab-cde"])
def test_malformed_postal_codes_are_refused(typed):
    assert refused(validators.postal_code, typed) == "error.postal_code"


# -- phone ----------------------------------------------------------------------------------

def test_a_lodz_landline_is_stored_in_e164():
    assert validators.phone("42 638 44 00") == "+48426384400"


@pytest.mark.parametrize("typed", ["601 234 567", "+48 601-234-567", "0048601234567"])
def test_a_mobile_number_is_stored_in_e164(typed):
    assert validators.phone(typed) == "+48601234567"


@pytest.mark.parametrize("typed", ["12345", "+48 42 638", "zadzwoń do biura", "0 42 638 44 00 00 00"])
def test_numbers_that_cannot_be_dialled_are_refused(typed):
    assert refused(validators.phone, typed) == "error.phone"


def test_a_stored_number_is_shown_as_people_write_it():
    assert validators.format_phone("+48426384400") == "+48 42 638 44 00"
    assert validators.format_phone(None) == ""


# -- e-mail ---------------------------------------------------------------------------------

def test_an_email_is_kept_in_lower_case():
    assert validators.email(" Biuro@Zielona-Lodz.PL ") == "biuro@zielona-lodz.pl"


@pytest.mark.parametrize("typed", ["biuro@zielona-lodz", "biuro zielona@lodz.pl", "biuro@@lodz.pl",
                                   "biuro@lodz.p", "<biuro@lodz.pl>"])
def test_malformed_emails_are_refused(typed):
    assert refused(validators.email, typed) == "error.email"


# -- free text ------------------------------------------------------------------------------

def test_nul_bytes_and_control_characters_are_stripped():
    assert validators.clean_text("Fundacja\x00 Zielona\x07 Łódź\x1f") == "Fundacja Zielona Łódź"


def test_newlines_and_tabs_in_notes_are_kept():
    assert validators.clean_text("Sala 15 osób\n\tprojektor") == "Sala 15 osób\n\tprojektor"


def test_text_longer_than_the_limit_is_refused_with_the_limit():
    with pytest.raises(InvalidValue) as caught:
        validators.clean_text("Ł" * 201, max_length=200)
    assert (caught.value.key, caught.value.params) == ("error.too_long", {"max": 200})
    assert validators.clean_text("Ł" * 200, max_length=200) == "Ł" * 200


def test_blank_text_is_none_unless_required():
    assert validators.clean_text("  \x00  ") is None
    assert refused(lambda v: validators.clean_text(v, required=True), "   ") == "error.required"
