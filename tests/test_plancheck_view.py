"""The plan-check dashboard (kit.present.views.plancheck): content, offline map, exports, uploads."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pandas as pd
import pytest

from kit.config import REPO_ROOT
from kit.errors import UsageError
from kit.plans.catalogue import ATTRIBUTION
from kit.present.maps import map_html
from kit.present.views.plancheck import PlanCheckDashboard, _is_plan, export_bytes

SAMPLE = REPO_ROOT / "datasets" / "linkoping" / "plan"


@pytest.fixture(scope="module")
def parts():
    return PlanCheckDashboard("linkoping", tiles=None).render_parts()


def test_content_parts_and_kpis(parts):
    from kit.labs import kpi

    head, fmap, body = parts
    assert "Planenlighet" in head and "Syntetisk exempelplan" in head
    assert ATTRIBUTION.removeprefix("Källa: ").split(" (")[0] in body
    # 3 pass + 4 fail of 10 sample proposals are decided automatically
    assert kpi.RECORDED["share_auto_decided"]["value"] == 70.0
    assert kpi.RECORDED["share_manual"]["value"] == 30.0
    assert kpi.RECORDED["n_proposals"]["value"] == 10
    assert body.count('class="testlab-status') >= 10
    assert "Manuell prövning" in body and "Största byggnadsarea (%)" in body


def test_map_is_offline_with_prickmark_and_popups(parts):
    page = map_html(parts[1])
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)
    assert "testlab-prickmark" in page and 'id="testlab-prick"' in page
    assert "bindPopup(feature.properties.popup" in page
    assert "$(`" not in page  # folium.Popup would need jQuery, which the offline map drops
    for colour in ("#1a7f37", "#cf222e", "#bf8700"):
        assert colour in page


def test_download_links_hold_every_check(parts):
    body = parts[2]
    uri = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', body).group(1)
    frame = pd.read_csv(io.BytesIO(base64.b64decode(uri)), sep=";", encoding="utf-8-sig")
    assert list(frame.columns[:3]) == ["Förslag", "Utfall", "Byggnad"]
    assert frame["Förslag"].nunique() == 10
    assert 'download="plankontroll-linkoping.xlsx"' in body


def test_export_bytes_excel_roundtrip():
    from kit.plans.check import check_files

    results = check_files(SAMPLE / "detaljplan.json", SAMPLE / "forslag.geojson", lang="en")
    csv_bytes, xlsx_bytes = export_bytes(results, "en")
    sheet = pd.read_excel(io.BytesIO(xlsx_bytes))
    assert len(sheet) == sum(len(r.checks) for r in results)
    assert "Proposal" in sheet.columns and csv_bytes.startswith(b"\xef\xbb\xbfProposal;")


def test_english_labels():
    head, _, body = PlanCheckDashboard("umea", "en", tiles=None).render_parts()
    assert "Plan compliance" in head and "Manual review" in body


def test_upload_of_proposals_and_plan():
    d = PlanCheckDashboard("umea", tiles=None)
    d.controls()
    upload = d._widgets["upload"]
    content = (SAMPLE / "forslag.geojson").read_bytes()
    upload.value = (
        {
            "name": "forslag.geojson",
            "type": "",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.now(UTC),
        },
    )
    d._sync_from_widgets(SimpleNamespace(owner=upload))
    plan_src, props_src, synthetic = d.sources()
    assert props_src == content and not synthetic
    # Linköping's proposals lie kilometres from Umeå's plan: every building is outside it
    _, results = d.results()
    assert {r.verdict for r in results} == {"manual"}
    assert {c.rule for r in results for c in r.checks} <= {
        "outside_plan",
        "min_plot_size",
        "unknown_regulation",
        "no_checks",
    }
    assert [o[1] for o in d._widgets["proposal"].options][1:] == [r.proposal_id for r in results]
    # a plan upload replaces the plan
    assert _is_plan((SAMPLE / "detaljplan.json").read_bytes()) and not _is_plan(content)
    d._upload = ("detaljplan.json", (SAMPLE / "detaljplan.json").read_bytes())
    assert d.sources()[0] == d._upload[1]


def test_invalid_upload_shows_message_instead_of_failing():
    d = PlanCheckDashboard("umea", tiles=None)
    d._upload = (
        "trasig.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {}}]}',
    )
    head, fmap, body = d.render_parts()
    # the message in the page's language, the dashboard stays with the data shown before
    assert "Filen trasig.geojson kunde inte prövas" in head
    assert "saknar egenskapen proposal_id" in head and "objekt nr 1" in head
    assert "missing" not in head and "Planenlighet" in head
    assert d._upload is None and d.sources()[2]  # back on the bundled sample
    en = PlanCheckDashboard("umea", "en", tiles=None)
    en._upload = ("x.geojson", b"{not json")
    head = en.render_parts()[0]
    assert "The file x.geojson could not be checked: it is not valid JSON." in head


def test_deeply_nested_upload_is_a_message_not_a_crash():
    deep = b"[" * 100_000 + b"]" * 100_000
    assert not _is_plan(deep)
    d = PlanCheckDashboard("umea", tiles=None)
    d._upload = ("djup.geojson", deep)
    head = d.render_parts()[0]
    assert "Filen djup.geojson kunde inte prövas" in head and "Planenlighet" in head


def test_proposals_far_from_the_plan_say_where_they_belong():
    import json

    d = PlanCheckDashboard("linkoping", tiles=None)
    alingsas = REPO_ROOT / "datasets" / "alingsas" / "plan" / "forslag.geojson"
    d._upload = ("forslag.geojson", alingsas.read_bytes())
    head = d.render_parts()[0]
    assert "De hör troligen till exempelplanen för Alingsås" in head
    # the same file written in WGS 84 degrees but declared as SWEREF 99 TM
    data = json.loads(alingsas.read_text(encoding="utf-8"))

    def degrees(c):
        return [degrees(x) for x in c] if isinstance(c[0], list) else [c[0] / 1e5, c[1] / 1e5]

    for f in data["features"]:
        f["geometry"]["coordinates"] = degrees(f["geometry"]["coordinates"])
    d._upload = ("wgs84.geojson", json.dumps(data).encode())
    head = d.render_parts()[0]
    assert "utanför Sverige i SWEREF 99 TM" in head
    # the sample itself: no warning
    assert (
        'class="testlab-warning"'
        not in PlanCheckDashboard("linkoping", tiles=None).render_parts()[0]
    )


def test_proposal_filter_keeps_kpis_of_all():
    d = PlanCheckDashboard("umea", tiles=None)
    d.proposal_filter = "P02"
    _, _, body = d.render_parts()
    assert "P02" in body and ">P05<" not in body


def test_bad_arguments():
    with pytest.raises(UsageError):
        PlanCheckDashboard("stockholm")
    with pytest.raises(UsageError):
        PlanCheckDashboard("umea", tolerance_m=-1)


def test_notebook_is_thin_and_without_outputs():
    import nbformat

    nb = nbformat.read(REPO_ROOT / "labs" / "plan-check" / "plan-check.ipynb", as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.cells[1].metadata.get("tags") == ["parameters"]
    assert "tolerance_m: float = 0.1" in nb.cells[1].source
    assert (
        "PlanCheckDashboard(municipality=municipality, lang=lang, tolerance_m=tolerance_m).show()"
        in nb.cells[2].source
    )
    assert all(
        not c.get("outputs") and not c.get("execution_count")
        for c in nb.cells
        if c.cell_type == "code"
    )


def test_map_names_each_proposal_and_legend_explains_use_codes(parts):
    head, fmap, body = parts
    page = map_html(fmap)
    ids = re.findall(r'class=\\"testlab-pid\\".*?\\u003e([^\\]+)\\u003c', page)
    _, results = PlanCheckDashboard("linkoping", tiles=None).results()
    assert sorted(ids) == sorted(r.proposal_id for r in results if r.proposal is not None)
    assert "B bostäder" in body and "C centrum" in body and "K kontor" in body
    en = PlanCheckDashboard("linkoping", "en", tiles=None).render_parts()[2]
    assert "B housing" in en and "K offices" in en
