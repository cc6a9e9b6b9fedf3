"""The streaming XES reader and the writer used by tests and benchmarks."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from kit.data import load_log
from kit.errors import DataError
from kit.xes import read_xes, write_xes

LOG = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
<!-- a comment -->
<global scope="event"><string key="lifecycle:transition" value="complete"/></global>
<trace><string key="concept:name" value="BYGG 1"/><string key="case_type" value="BL"/>
 <string key="sokande" value="Åsa Öberg"/><float key="fee_sek" value="1200.5"/>
 <event><string key="concept:name" value="received"/><date key="time:timestamp" value="2024-03-01T09:00:00.000+01:00"/><int key="pages" value="3"/></event>
 <event><string key="concept:name" value="decision"/><date key="time:timestamp" value="2024-04-01T09:00:00"/><string key="org:resource" value="Bo"/><boolean key="urgent" value="true"/>
  <list key="ignored"><string key="x" value="1"/></list></event>
</trace>
<trace><string key="concept:name" value="BYGG 2"/><string key="case_type" value="RL"/>
 <event><string key="concept:name" value="received"/><date key="time:timestamp" value="2024-03-01T09:00:00Z"/><string key="lifecycle:transition" value="start"/></event>
</trace>
</log>
"""


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_events_keep_all_attributes_with_types(log):
    ev, cases = read_xes(log)
    assert ev["case_id"].tolist() == ["BYGG 1", "BYGG 1", "BYGG 2"]
    assert ev["activity"].tolist() == ["received", "decision", "received"]
    assert (
        ev["pages"].dtype == "Int64" and ev["pages"].iloc[0] == 3 and pd.isna(ev["pages"].iloc[1])
    )
    assert ev["urgent"].dtype == "boolean" and ev["urgent"].iloc[1]
    assert ev["resource"].iloc[1] == "Bo"
    # global default fills missing; an explicit value wins
    assert ev["lifecycle:transition"].tolist() == ["complete", "complete", "start"]
    assert "ignored" not in ev.columns and "x" not in ev.columns


def test_timestamps_offsets_and_naive(log):
    ev, _ = read_xes(log)
    ts = ev["timestamp"]
    assert str(ts.dtype.tz) == "Europe/Stockholm"
    assert ts.iloc[0] == pd.Timestamp("2024-03-01 08:00", tz="UTC")
    assert ts.iloc[1] == pd.Timestamp("2024-04-01 07:00", tz="UTC")  # naive = local summer time
    assert ts.iloc[2] == pd.Timestamp("2024-03-01 09:00", tz="UTC")


def test_trace_attributes_become_cases(log):
    _, cases = read_xes(log)
    assert cases["case_id"].tolist() == ["BYGG 1", "BYGG 2"]
    assert cases["case_type"].tolist() == ["BL", "RL"]
    assert cases["fee_sek"].iloc[0] == 1200.5 and pd.isna(cases["fee_sek"].iloc[1])


def test_gzip_same_as_plain(log, tmp_path):
    gz = tmp_path / "log.xes.gz"
    gz.write_bytes(gzip.compress(log.read_bytes()))
    a, ca = read_xes(log)
    b, cb = read_xes(gz)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ca, cb)


def test_load_log_gives_canonical_pseudonymised_tables(log):
    events, cases = load_log(log)
    assert cases["case_type"].tolist() == ["bygglov", "rivningslov"]
    assert cases["sokande"].iloc[0].startswith("NAMN-")


def test_write_then_read_round_trip(log, tmp_path):
    ev, cases = read_xes(log)
    out = write_xes(ev, cases, tmp_path / "again.xes.gz")
    ev2, cases2 = read_xes(out)
    assert ev2["timestamp"].equals(ev["timestamp"])
    assert ev2["activity"].tolist() == ev["activity"].tolist()
    assert ev2["pages"].tolist()[0] == 3 and ev2["urgent"].iloc[1]
    assert cases2["case_type"].tolist() == ["BL", "RL"]


def test_events_outside_traces_have_no_case(tmp_path):
    path = tmp_path / "x.xes"
    path.write_text(
        '<log><event><string key="concept:name" value="a"/></event>'
        '<trace><string key="concept:name" value="T"/><event><string key="concept:name" value="b"/></event></trace></log>'
    )
    ev, _ = read_xes(path)
    assert pd.isna(ev["case_id"].iloc[0]) and ev["case_id"].iloc[1] == "T"


def test_no_entities_expanded(tmp_path):
    path = tmp_path / "x.xes"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE log [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<log><trace><string key="concept:name" value="T"/><event><string key="concept:name" value="&e;"/>'
        "</event></trace></log>"
    )
    try:
        ev, _ = read_xes(path)
    except DataError:
        return
    assert "TOPSECRET" not in str(ev["activity"].tolist())


def test_bad_int_located(tmp_path):
    path = tmp_path / "x.xes"
    path.write_text(LOG.replace('value="3"', 'value="three"'))
    with pytest.raises(DataError) as info:
        read_xes(path)
    assert info.value.row == 1 and info.value.column == "pages"
