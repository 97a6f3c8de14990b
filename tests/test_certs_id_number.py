"""Resident ID numbers' check character (GB 11643): what the counter refuses as mistyped, and what it leaves alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.certs.holder import id_number_check, id_number_mistyped, personal_id_number, resident_id_number

BODIES = st.text(alphabet="0123456789", min_size=17, max_size=17)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_the_standards_examples_are_right(number: str) -> None:
    """GB 11643-1999's own worked examples (Beijing Chaoyang, 1949-12-31; Shantou, 1880-01-01)."""
    assert id_number_check(number[:17]) == number[17]
    assert resident_id_number(number[:17]) == number
    assert not id_number_mistyped(number) and personal_id_number(number) == number


@given(BODIES)
def test_a_whole_number_is_never_mistyped(body: str) -> None:
    number = resident_id_number(body)
    assert not id_number_mistyped(number)
    assert not id_number_mistyped(number.lower()) and not id_number_mistyped(f" {number[:6]}-{number[6:]} ")


@given(BODIES, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_wrong_character_breaks_the_check(body: str, at: int, typed: str) -> None:
    number = resident_id_number(body)
    if (at < 17 and typed == "X") or typed == number[at]:
        return  # not a mistyping of this number (an X is only ever typed last)
    wrong = number[:at] + typed + number[at + 1 :]
    assert id_number_check(wrong[:17]) != wrong[17]


@given(BODIES, st.integers(0, 15))
def test_every_swap_of_two_neighbouring_digits_breaks_the_check(body: str, at: int) -> None:
    if body[at] == body[at + 1]:
        return
    swapped = body[:at] + body[at + 1] + body[at] + body[at + 2 :]
    assert id_number_check(swapped) != id_number_check(body)


def test_mistyped_numbers_are_refused_and_other_papers_are_not_judged() -> None:
    number = resident_id_number("11010119900307451")
    assert id_number_mistyped(number[:17] + ("0" if number[17] != "0" else "1"))
    assert id_number_mistyped(number[:5] + str((int(number[5]) + 3) % 10) + number[6:])
    # An organisation's unified social credit code (GB 32100) of digits only is no person's mistyped number.
    assert not id_number_mistyped("911101050000000035") and personal_id_number("911101050000000035") is None
    for other in ("E12345678", "110105491231002", "H01234567", "830000199001010011X", "", "　", "王"):
        assert not id_number_mistyped(other), other


FULL_WIDTH = "１１０１０５１９４９１２３１００２Ｘ"  # as an IME may type it: NFKC makes it the standard's example


@pytest.mark.parametrize("hostile", ["1" * 100_000, "\x00" * 18, "1" * 17 + "\u202e", None, 11010519491231002])
def test_hostile_input_is_judged_without_an_error(hostile: object) -> None:
    assert id_number_mistyped(hostile) is False  # type: ignore[arg-type]
    assert not id_number_mistyped(FULL_WIDTH) and personal_id_number(FULL_WIDTH) == "11010519491231002X"


@pytest.mark.parametrize("body", ["1101051949123100", "110105194912310021", "1101051949123100X", "a" * 17])
def test_a_body_must_be_seventeen_digits(body: str) -> None:
    with pytest.raises(ValueError):
        resident_id_number(body)
