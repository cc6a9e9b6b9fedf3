"""The streaming XES reader and the writer used by tests and benchmarks."""

from __future__ import annotations

import gzip
from xml.sax.saxutils import quoteattr

import pandas as pd
import pytest
from conftest import mutate_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.data import xes
from kit.data.loaders import load_log
from kit.data.xes import read_xes, write_xes
from kit.errors import DataError

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


# --- the fast path against the general (lxml) path ----------------------------------------------


def both(path):
    """Read with the fast path and with lxml only: the same frames, or the same DataError."""
    out = []
    for fast in (True, False):
        try:
            out.append(read_xes(path, fast=fast))
        except DataError as exc:
            out.append((str(exc), exc.row, exc.column))
    a, b = out
    if isinstance(a[0], str) or isinstance(b[0], str):
        assert a == b
        return None
    pd.testing.assert_frame_equal(a[0], b[0])
    if a[1] is None or b[1] is None:
        assert a[1] is None and b[1] is None
    else:
        pd.testing.assert_frame_equal(a[1], b[1])
    return a


@pytest.fixture
def no_lxml(monkeypatch):
    """Fail if the general path is used: the input must stay on the fast path."""

    def refuse(*args, **kwargs):
        raise AssertionError("the general path was used")

    monkeypatch.setattr(xes, "_read_general", refuse)


def test_fixture_log_stays_on_fast_path(log, no_lxml):
    ev, cases = read_xes(log)
    assert ev["activity"].tolist() == ["received", "decision", "received"]
    assert ev["lifecycle:transition"].tolist() == ["complete", "complete", "start"]
    assert "x" not in ev.columns  # the <list> child is not an event attribute


def test_gzip_and_bom_stay_on_fast_path(log, tmp_path, no_lxml):
    gz = tmp_path / "log.xes.gz"
    gz.write_bytes(gzip.compress(b"\xef\xbb\xbf" + log.read_bytes()))
    ev, cases = read_xes(gz)
    assert ev["case_id"].tolist() == ["BYGG 1", "BYGG 1", "BYGG 2"]
    assert cases["fee_sek"].iloc[0] == 1200.5


def test_fast_and_general_agree_on_fixture(log, monkeypatch):
    both(log)
    monkeypatch.setattr(xes, "_CHUNK", 37)  # many chunk boundaries, each inside a tag
    both(log)


def test_entities_and_gt_in_values_on_fast_path(tmp_path, no_lxml):
    path = tmp_path / "x.xes"
    path.write_text(
        '<log><global scope="event"><string key="note" value="a &amp;lt; b"/></global>'
        '<trace><string key="concept:name" value="T &amp; U"/>'
        '<event><string key="concept:name" value="x &gt; y"/>'
        '<string key=\'quoted\' value=\'"q"\'/><string value="v" key="rev"/></event>'
        '<event><string key="concept:name" value="&lt;&quot;&apos;&gt;"/></event></trace></log>',
        encoding="utf-8",
    )
    ev, _ = read_xes(path)
    assert ev["case_id"].tolist() == ["T & U", "T & U"]
    assert ev["activity"].tolist() == ["x > y", "<\"'>"]
    assert ev["note"].tolist() == ["a &lt; b", "a &lt; b"]
    assert ev["quoted"].iloc[0] == '"q"' and ev["rev"].iloc[0] == "v"


@pytest.mark.parametrize(
    "body",
    [
        '<!DOCTYPE log><log><trace><event><string key="concept:name" value="a"/></event></trace></log>',
        '<log><trace><event><string key="concept:name" value="&#229;"/></event></trace></log>',
        '<log><trace><event><string key="concept:name" value="a\tb"/></event></trace></log>',
        '<log xmlns:x="urn:x"><trace><event><x:string key="concept:name" value="a"/>'
        '<string key="n" value="1"/></event></trace></log>',
        '<log><trace><event><string key="concept:name" value="a"><![CDATA[x]]></string>'
        "</event></trace></log>",
        '<log><trace><event>text<string key="concept:name" value="a"/></event></trace></log>',
    ],
)
def test_outside_the_subset_same_result_as_lxml(tmp_path, body):
    path = tmp_path / "x.xes"
    path.write_text(body, encoding="utf-8")
    ev, _ = both(path)
    assert len(ev) == 1


def test_general_path_values_outside_subset(tmp_path):
    path = tmp_path / "x.xes"
    path.write_text(
        '<log><trace><event><string key="concept:name" value="&#229;\tb"/></event></trace></log>',
        encoding="utf-8",
    )
    ev, _ = read_xes(path)
    assert ev["activity"].iloc[0] == "å b"  # XML attribute-value normalisation: tab -> space


@pytest.mark.parametrize(
    "body",
    [
        "<log><trace><event></trace></event></log>",
        '<log><trace><event><string key="a" value="1" key="b"/></event></trace></log>',
        '<log><trace><event><string key="a" value="1"/></event></trace></log><log/>',
        '<log><trace><event><string key="a" value="x & y"/></event></trace></log>',
        '<log><trace><event><string key="a" value="x < y"/></event></trace></log>',
        '<log><trace><event><string key="a" value="\x01"/></event></trace></log>',
        '<log><trace><event><string key="a" value="1"/></event></trace>',
        '<log><trace><event><string key="a" value="1"/></event></trace></log>trailing',
        '<log><trace><event><string key="a" value="1"/></event></trace></log><!-- a -- b -->',
        '<log><trace><event><foo:string key="a" value="1"/></event></trace></log>',
    ],
)
def test_malformed_same_error_as_lxml(tmp_path, body):
    path = tmp_path / "x.xes"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataError):
        read_xes(path)
    both(path)


def test_nested_and_odd_structures_agree(tmp_path):
    path = tmp_path / "x.xes"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<log>\n'
        '  <global scope="trace"><string key="t" value="default"/></global>\n'
        '  <global scope="event"><int key="n" value="0"/><string key="s"/></global>\n'
        '  <event><string key="concept:name" value="loose"/></event>\n'
        '  <trace>\n    <event>\n      <string key="concept:name" value="a">\n'
        '        <string key="meta" value="m"/>\n      </string>\n'
        '      <container key="c"><int key="n" value="7"/></container>\n'
        '      <int key="n" value="5"/><int key="n" value="6"/>\n    </event>\n'
        '    <string key="concept:name" value="after events"/>\n    <event/>\n  </trace>\n'
        "  <trace><event id=\"e\"><string key='concept:name' value='b'/></event></trace>\n"
        "</log>\n<!-- done -->\n",
        encoding="utf-8",
    )
    ev, cases = both(path)
    assert ev["case_id"].tolist()[1:] == ["after events", "after events", "trace 2"]
    assert pd.isna(ev["case_id"].iloc[0])
    assert ev["n"].tolist() == [0, 6, 0, 0]  # the last value wins; the global fills the rest
    assert "meta" not in ev.columns and "t" not in ev.columns


VALUES = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(
        lambda c: c not in "\x00\ufffe\uffff"
    ),
    max_size=6,
)


@st.composite
def xes_documents(draw):
    """Small XES-like documents: canonical and odd attribute forms, nesting, comments."""

    def attr():
        kind = draw(st.sampled_from(["string", "int", "date", "boolean", "float", "id", "list"]))
        key = draw(st.sampled_from(["concept:name", "org:resource", "k", "n", "time:timestamp"]))
        if kind == "int":
            value = str(draw(st.integers(-5, 5)))
        elif kind == "float":
            value = draw(st.sampled_from(["1.5", "2", "-0.25", "1e3"]))
        elif kind == "boolean":
            value = draw(st.sampled_from(["true", "false"]))
        elif kind == "date":
            value = draw(st.sampled_from(["2024-03-01T09:00:00+01:00", "2024-07-01T09:00:00"]))
        else:
            value = draw(VALUES)
        q = quoteattr(value)
        form = draw(st.integers(0, 4))
        if kind == "list":
            return f'<list key="{key}"><string key="x" value="1"/></list>'
        if form == 0:
            return f"<{kind} value={q} key={quoteattr(key)}/>"
        if form == 1:
            return f"<{kind}  key={quoteattr(key)}\n value={q} />"
        return f"<{kind} key={quoteattr(key)} value={q}/>"

    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">']
    if draw(st.booleans()):
        parts.append(f'<global scope="event">{attr()}</global>')
    for _ in range(draw(st.integers(0, 3))):
        parts.append("<trace>" + "".join(attr() for _ in range(draw(st.integers(0, 2)))))
        for _ in range(draw(st.integers(0, 3))):
            parts.append("<event>" + "".join(attr() for _ in range(draw(st.integers(0, 3)))))
            parts.append(draw(st.sampled_from(["</event>", "</event>\n", "<!-- c --></event>"])))
        parts.append("</trace>\n")
    parts.append("</log>\n")
    return "".join(parts).encode("utf-8")


def mutate(data: bytes, draw) -> bytes:
    return mutate_bytes(data, draw, max_ops=3)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=xes_documents(), data=st.data(), chunk=st.sampled_from([16, 61, 4096]))
def test_fast_path_agrees_with_lxml(tmp_path, monkeypatch, doc, data, chunk):
    monkeypatch.setattr(xes, "_CHUNK", chunk)
    if data.draw(st.booleans()):
        doc = mutate(doc, data.draw)
    path = tmp_path / "f.xes"
    path.write_bytes(doc)
    both(path)
