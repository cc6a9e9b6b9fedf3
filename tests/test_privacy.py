"""Personnummer, samordningsnummer and organisation numbers; keyed pseudonyms."""

from __future__ import annotations

import os
import stat

import numpy as np
import pandas as pd
import pytest

from kit.data import privacy
from kit.data.privacy import (
    find_personal_numbers,
    is_organisation_number,
    is_personnummer,
    luhn_ok,
    pseudonym,
    pseudonymise,
)

KEY = b"test-key"


def luhn_digit(nine: str) -> str:
    """Check digit computed by hand-rule: double every other digit from the left, sum digits."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def test_luhn_on_skatteverkets_example():
    # 811218-9876: 1.6+1+2+2+1+8+9+1.4+7+1.2 digit sums give 44 -> check digit 6
    assert luhn_ok("8112189876")
    assert not luhn_ok("8112189875")


@pytest.mark.parametrize(
    "text",
    ["19121212-1212", "121212-1212", "1212121212", "191212121212", "121212+1212", " 121212-1212 "],
)
def test_personnummer_forms(text):
    assert is_personnummer(text)
    assert not is_organisation_number(text)


def test_samordningsnummer_is_day_plus_60():
    nine = "800172123"  # born 1980-01-12, day 12 + 60 = 72
    assert is_personnummer(nine[:6] + "-" + nine[6:] + luhn_digit(nine))
    nine_bad_day = "800192123"  # day 92 - 60 = 32: no such day
    assert not is_personnummer(nine_bad_day[:6] + "-" + nine_bad_day[6:] + luhn_digit(nine_bad_day))


def _with_check(nine: str, sep: str = "-", century: str = "") -> str:
    return century + nine[:6] + sep + nine[6:] + luhn_digit(nine)


@pytest.mark.parametrize(
    "text",
    [
        _with_check("121312121"),  # month 13
        _with_check("121200121"),  # day 00
        _with_check("120230121"),  # 30 February
        _with_check("121212121", century="21"),  # century 21
        "19121212-1213",  # wrong check digit
        "12121212121",  # 11 digits
    ],
)
def test_not_personnummer(text):
    assert not is_personnummer(text)


def test_the_date_check_is_what_rejects_a_luhn_valid_number():
    assert luhn_ok(_with_check("121312121").replace("-", ""))
    assert is_personnummer(_with_check("121212121"))


def test_organisation_numbers():
    assert is_organisation_number("556036-0793")
    assert is_organisation_number("5560360793")
    assert is_organisation_number("16556036-0793")
    assert not is_organisation_number("556036-0794")
    assert not is_organisation_number("15556036-0793")  # only 16 may prefix
    assert not is_personnummer("556036-0793")


def test_find_in_free_text_ignores_case_numbers_phone_and_longer_digit_runs():
    text = (
        "Sökande 19121212-1212, bolag 556036-0793. Ärende BYGG 2024-000666, "
        "tel 070-123 45 67, faktura 2019121212121212, fel 191212121213"
    )
    assert find_personal_numbers(text) == ["19121212-1212", "556036-0793"]


def test_same_person_same_pseudonym_whatever_the_format():
    df = pd.DataFrame({"a": ["19121212-1212", "191212121212", "x 19121212-1212 y"]})
    out, cols = pseudonymise(df, key=KEY)
    expected = pseudonym("191212121212", KEY, "PN")
    assert out["a"].tolist() == [expected, expected, f"x {expected} y"]
    assert cols == ["a"]
    # 10-digit form with '+' means 100 or older: 1912, same person as above
    out2, _ = pseudonymise(pd.DataFrame({"b": ["121212+1212"]}), key=KEY)
    assert out2["b"].iloc[0] == expected


def test_pseudonym_depends_on_key_and_has_documented_form():
    a = pseudonym("191212121212", b"k1")
    b = pseudonym("191212121212", b"k2")
    assert a != b
    assert a.startswith("PN-") and len(a) == 15 and int(a[3:], 16) >= 0


def test_names_columns_case_insensitive_and_normalised():
    df = pd.DataFrame(
        {"Sökande": ["Åsa  Öberg", "åsa öberg", None, ""], "Handläggare": ["Bo", "Bo", "Bo", "Bo"]}
    )
    out, cols = pseudonymise(df, key=KEY)
    assert cols == ["Sökande"]
    assert out["Sökande"].iloc[0] == out["Sökande"].iloc[1]
    assert out["Sökande"].iloc[0].startswith("NAMN-")
    assert pd.isna(out["Sökande"].iloc[2]) and out["Sökande"].iloc[3] == ""
    assert out["Handläggare"].tolist() == ["Bo"] * 4
    out2, cols2 = pseudonymise(df, key=KEY, name_columns=["handläggare"])
    assert cols2 == ["Handläggare"] and out2["Sökande"].equals(df["Sökande"])


def test_input_not_modified_non_strings_ignored_and_idempotent():
    df = pd.DataFrame({"note": ["ring 121212-1212"], "n": [1212121212]})
    before = df.copy()
    out, cols = pseudonymise(df, key=KEY)
    pd.testing.assert_frame_equal(df, before)
    assert cols == ["note"] and out["n"].iloc[0] == 1212121212
    again, cols_again = pseudonymise(out, key=KEY)
    pd.testing.assert_frame_equal(again, out)
    assert cols_again == []


def test_pseudonyms_never_look_like_numbers():
    # a 12-hex pseudonym of only digits must not be detected again
    text = "PN-191212121212 ORG-191212121212"
    assert find_personal_numbers(text) == []


def test_many_rows_work_on_unique_values():
    n = 20_000
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 50, n)
    df = pd.DataFrame({"p": np.where(ids % 2, "19121212-1212", "556036-0793"), "i": ids})
    out, _ = pseudonymise(df, key=KEY)
    assert out["p"].nunique() == 2
    assert (out["p"] == pseudonym("191212121212", KEY, "PN")).sum() == (ids % 2).sum()


def test_key_file_created_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    key_path = tmp_path / "sub" / ".testlab-key"
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(key_path))
    k1 = privacy.load_key()
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    assert privacy.load_key() == k1
    assert len(k1) == 64
    monkeypatch.setenv(privacy.KEY_ENV, "from-env")
    assert privacy.load_key() == b"from-env"


def test_default_key_used_when_none_given(monkeypatch):
    monkeypatch.setenv(privacy.KEY_ENV, "env-key")
    out, _ = pseudonymise(pd.DataFrame({"a": ["121212-1212"]}))
    # a 10-digit number with '-' is the latest century not in the future: 2012
    assert out["a"].iloc[0] == pseudonym("201212121212", b"env-key")
