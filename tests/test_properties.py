"""Property-based tests: for any bytes, the loaders either succeed or raise a KitError."""

from __future__ import annotations

import gzip
import warnings

import pytest
from conftest import mutate_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.data.loaders import load_events, validate_file
from kit.data.privacy import find_personal_numbers, is_personnummer, pseudonymise
from kit.errors import KitError

VALID_CSV = (
    "case_id;activity;timestamp;resource;fee\n"
    "BYGG 1;received;2024-03-01 09:00;Åsa;1 200,5\n"
    "BYGG 1;decision;2024-04-01T10:00:00+02:00;Åsa;\n"
).encode()
VALID_XES = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<log xmlns="http://www.xes-standard.org/">\n'
    b'<trace><string key="concept:name" value="BYGG 1"/><string key="case_type" value="BL"/>\n'
    b'<event><string key="concept:name" value="received"/><date key="time:timestamp" value="2024-03-01T09:00:00+01:00"/><int key="n" value="1"/></event>\n'
    b'<event><string key="concept:name" value="decision"/><date key="time:timestamp" value="2024-04-01T09:00:00"/></event>\n'
    b"</trace></log>\n"
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


def mutate(data: bytes, draw) -> bytes:
    return mutate_bytes(data, draw, max_ops=4)


def only_kit_errors(path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            load_events(path)
        except KitError:
            pass
        report = validate_file(path)  # never raises for bad input
        assert report.valid or report.problems


@SETTINGS
@given(data=st.binary(max_size=400))
def test_csv_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    only_kit_errors(path)


@SETTINGS
@given(data=st.data())
def test_csv_mutated(tmp_path, data):
    path = tmp_path / "f.csv"
    path.write_bytes(mutate(VALID_CSV, data.draw))
    only_kit_errors(path)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_xes_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "f.xes"
    path.write_bytes(data)
    only_kit_errors(path)


@SETTINGS
@given(data=st.data(), compress=st.booleans())
def test_xes_mutated(tmp_path, data, compress):
    blob = mutate(VALID_XES, data.draw)
    path = tmp_path / ("f.xes.gz" if compress else "f.xes")
    path.write_bytes(gzip.compress(blob) if compress else blob)
    only_kit_errors(path)


@SETTINGS
@given(data=st.data())
def test_gzip_container_mutated(tmp_path, data):
    path = tmp_path / "f.xes.gz"
    path.write_bytes(mutate(gzip.compress(VALID_XES), data.draw))
    only_kit_errors(path)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_pseudonymised_text_holds_no_personal_number(text):
    import pandas as pd

    out, _ = pseudonymise(pd.DataFrame({"t": [text, text + " 19121212-1212"]}), key=b"k")
    for value in out["t"]:
        assert find_personal_numbers(value) == []


@settings(max_examples=200, deadline=None)
@given(digits=st.from_regex(r"\A[0-9]{6}[-+]?[0-9]{4}\Z"))
def test_detection_agrees_with_is_personnummer(digits):
    found = find_personal_numbers(f"x {digits} y")
    if is_personnummer(digits):
        assert found == [digits]
