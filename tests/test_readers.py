"""CSV dialects of Swedish Excel, and XLSX."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.data.readers import detect_separator, read_csv, read_table
from kit.errors import DataError

ROWS = "case_id{s}resource{s}fee\nBYGG 1{s}Åsa Ärlig-Öst{s}{fee}\n"


@pytest.mark.parametrize(
    "encoding,bom,sep",
    [
        ("utf-8", b"", ";"),
        ("utf-8", b"\xef\xbb\xbf", ";"),
        ("cp1252", b"", ";"),
        ("utf-8", b"", ","),
        ("cp1252", b"", ","),
    ],
)
def test_encodings_and_separators_keep_swedish_letters(tmp_path, encoding, bom, sep):
    fee = "1234,5" if sep == ";" else '"1234,5"'
    path = tmp_path / "f.csv"
    path.write_bytes(bom + ROWS.format(s=sep, fee=fee).encode(encoding))
    df = read_csv(path)
    assert list(df.columns) == ["case_id", "resource", "fee"]
    assert df["resource"].iloc[0] == "Åsa Ärlig-Öst"
    assert df["fee"].iloc[0] == "1234,5"  # numbers are the schema's job


def test_separator_detection_ignores_quoted_text():
    assert detect_separator('"a;b;c",x,y') == ","
    assert detect_separator("a;b,c;d") == ";"
    assert detect_separator("a\tb\tc") == "\t"


def test_quoted_fields_with_newlines_and_quotes_and_crlf(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'case_id;note\r\nA;"rad 1\r\nrad 2; ""citat"""\r\nB;\r\n')
    df = read_csv(path)
    assert df["note"].iloc[0] == 'rad 1\r\nrad 2; "citat"'
    assert df["case_id"].tolist() == ["A", "B"]
    assert df["note"].isna().iloc[1]


def test_header_names_are_trimmed(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(" case_id ; activity \nA;received\n", encoding="utf-8")
    assert list(read_csv(path).columns) == ["case_id", "activity"]


def test_ragged_row_located(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a;b\n1;2\n3;4\n5\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_csv(path)
    assert info.value.row == 3 and "found 1" in str(info.value)


def test_xlsx_values_become_strings(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["case_id", "timestamp", "fee", "resource"])
    ws.append(["BYGG 1", dt.datetime(2024, 3, 1, 9, 30), 1234.5, "Åsa"])
    ws.append([None, None, None, None])
    ws.append(["BYGG 2", dt.date(2024, 3, 2), 1000.0, None])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    df = read_table(path)
    assert len(df) == 2
    assert df["timestamp"].tolist() == ["2024-03-01T09:30:00", "2024-03-02T00:00:00"]
    assert df["fee"].tolist() == ["1234.5", "1000"]
    assert df["resource"].iloc[0] == "Åsa" and df["resource"].isna().iloc[1]


def test_xlsx_named_sheet_missing(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "f.xlsx"
    Workbook().save(path)
    with pytest.raises(DataError, match="no sheet 'Händelser'"):
        read_table(path, sheet="Händelser")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_table(tmp_path / "nope.csv")


def _workbook(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["case_id", "activity", "timestamp"])
    ws.append(["A", "received", "2024-01-08"])
    wb.save(path)
    return path


def test_xlsx_inflated_size_cap_from_the_environment(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "small.xlsx")
    assert len(read_table(path)) == 1
    monkeypatch.setenv("TESTLAB_XLSX_MAX_MB", "0.001")  # about 1 kB: the workbook is larger
    with pytest.raises(DataError, match=r"inflates to .* MB, more than the 0 MB") as info:
        read_table(path)
    assert info.value.file == str(path) and info.value.row is None


def test_xlsx_cap_setting_must_be_a_number(tmp_path, monkeypatch):
    from kit.errors import UsageError

    monkeypatch.setenv("TESTLAB_XLSX_MAX_MB", "lots")
    with pytest.raises(UsageError, match="TESTLAB_XLSX_MAX_MB='lots'"):
        read_table(_workbook(tmp_path / "small.xlsx"))


def test_xlsx_malformed_sheet_xml_is_a_located_data_error():
    from pathlib import Path

    path = Path(__file__).parent / "bad_input" / "malformed_sheet.xlsx"
    with pytest.raises(DataError, match="the sheet is malformed") as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}: not a readable .xlsx workbook")


def test_read_yaml_names_file_and_line_and_stays_safe(tmp_path):
    import yaml

    from kit.data.readers import read_yaml

    good = tmp_path / "ok.yml"
    good.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert read_yaml(good, "test file") == {"a": 1, "b": ["x", "y"]}
    with pytest.raises(DataError, match="test file not found"):
        read_yaml(tmp_path / "nope.yml", "test file")
    latin = tmp_path / "latin.yml"
    latin.write_bytes("namn: G\xe4vle\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_yaml(latin, "test file")
    bad = tmp_path / "bad.yml"
    bad.write_text("a: 1\nb: [x, y\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_yaml(bad, "test file")
    assert err.value.row == 3 and "not valid YAML" in str(err.value)
    evil = tmp_path / "evil.yml"
    evil.write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(DataError, match="not valid YAML"):
        read_yaml(evil, "test file")
    with pytest.raises(TypeError):
        read_yaml(good, "test file", loader=yaml.UnsafeLoader)
