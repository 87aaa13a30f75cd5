import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from villagedesk.core.masking import mask_id_number, mask_phone
from villagedesk.registry.identity import (
    check_character,
    check_phone,
    identity_facts,
    normalise_id_number,
)

VALID = "11010519491231002X"  # the standard's own example: a woman born 1949-12-31


def test_valid_number_gives_birth_date_and_sex():
    facts = identity_facts(VALID)
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.sex == "female"


def test_lower_case_x_and_full_width_digits_are_normalised():
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert normalise_id_number(full_width) == VALID
    assert identity_facts(" 110105 19491231 002x ").number == VALID


def test_unknown_birthplace_code_is_accepted():
    first17 = "99999919800101001"  # no such area code, ever
    number = first17 + check_character(first17)
    assert identity_facts(number).number == number


def test_fifteen_digit_number_is_upgraded():
    facts = identity_facts("110105491231002")
    assert facts.number == VALID
    assert facts.birth_date == datetime.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_length"),
        ("1101051949123100AX", "id_format"),
        ("110105194902300021", "id_birth_date"),  # 30 February
        ("110105194912310021", "id_checksum"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as error:
        identity_facts(number)
    assert error.value.code == code


def test_birth_date_in_the_future_is_impossible():
    first17 = "11010520991231002"
    with pytest.raises(ValidationError) as error:
        identity_facts(first17 + check_character(first17), today=datetime.date(2026, 11, 29))
    assert error.value.code == "id_birth_date"


def test_messages_exist_in_both_languages():
    for language, expected in (("en", "check character"), ("zh-hans", "校验码")):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                identity_facts("110105194912310021")
            assert expected in error.value.messages[0]


def test_masks_show_first_six_and_last_four():
    assert mask_id_number(VALID) == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("phone", ["138 1234 5678", "+86 13812345678", "0871-63123456"])
def test_mobile_and_landline_numbers_are_accepted(phone):
    assert check_phone(phone)


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "12345"])
def test_bad_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError):
        check_phone(phone)


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("document_type", "first17"),
    [
        ("hk_macao_residence", "81000019900101001"),
        ("hk_macao_residence", "82000019900101001"),
        ("taiwan_residence", "83000019900101001"),
        ("foreign_permanent", "93115619900101001"),
    ],
)
def test_eighteen_character_documents_give_birth_date_and_sex(document_type, first17):
    facts = identity_facts(with_check(first17), document_type=document_type)
    assert (facts.birth_date, facts.sex) == (datetime.date(1990, 1, 1), "male")


@pytest.mark.parametrize(
    ("document_type", "first17"),
    [
        ("hk_macao_residence", "83000019900101001"),
        ("taiwan_residence", "81000019900101001"),
        ("foreign_permanent", "53012819900101001"),
    ],
)
def test_a_document_number_with_another_documents_start_is_refused(document_type, first17):
    with pytest.raises(ValidationError) as error:
        identity_facts(with_check(first17), document_type=document_type)
    assert error.value.code == "id_document"


@pytest.mark.parametrize("document_type", ["hk_macao_residence", "foreign_permanent"])
def test_other_documents_have_a_check_character_too(document_type):
    first17 = "81000019900101001" if document_type == "hk_macao_residence" else "93115619900101001"
    wrong = "0" if check_character(first17) != "0" else "1"
    with pytest.raises(ValidationError) as error:
        identity_facts(first17 + wrong, document_type=document_type)
    assert error.value.code == "id_checksum"


def test_the_older_foreign_card_is_three_letters_and_twelve_digits():
    facts = identity_facts("usa310090101001", document_type="foreign_permanent")
    assert (facts.number, facts.birth_date, facts.sex) == ("USA310090101001", None, None)


@pytest.mark.parametrize("number", ["US3310090101001", "USA31009010100X"])
def test_an_older_foreign_card_of_another_form_is_refused(number):
    with pytest.raises(ValidationError) as error:
        identity_facts(number, document_type="foreign_permanent")
    assert error.value.code == "id_format"


def test_a_fifteen_digit_number_is_upgraded_only_for_a_resident_card():
    with pytest.raises(ValidationError) as error:
        identity_facts("110105491231002", document_type="taiwan_residence")
    assert error.value.code == "id_length"
