"""Proposals in another coordinate system than the plan's (issue 16), on simple rectangles.

The plan is 100 × 50 m in SWEREF 99 TM with its south-west corner at E 760 000, N 7 090 000
(Umeå): B on x 0–50 with största byggnadsarea 30 %. The proposal is a 20 × 20 m property
(400 m²) with a 10 × 10 m building (100 m², so 25 %): the corners are converted with pyproj
into the proposal's system, and reading them back must give the same rectangle to well under
a millimetre, and the same check results as the SWEREF 99 TM file.
"""

from __future__ import annotations

import json
import warnings

import pytest
from pyproj import Transformer

from kit.cli import main
from kit.plans.check import PASS, check_proposals
from kit.plans.reader import PlanWarning, read_plan, read_proposals
from kit.samples.plans import (
    plan_collection,
    proposal_collection,
    proposal_features,
    rect,
    regulation_feature,
)

ORIGIN = (760_000.0, 7_090_000.0)
PCT = "DP_KM_Eg_Utnytt_StorstaAreaProc_ByggnadsEgen"
CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"


def plan():
    west = rect(0, 0, 50, 50, ORIGIN)
    regs = [
        regulation_feature("DP_KM_B2", west, seq=1),
        regulation_feature("DP_KM_C2", rect(50, 0, 100, 50, ORIGIN), seq=2),
        regulation_feature(PCT, west, value=30, seq=3),
    ]
    return read_plan(plan_collection(rect(0, 0, 100, 50, ORIGIN), regs))


def features() -> list[dict]:
    return proposal_features(
        "A",
        rect(5, 10, 25, 30, ORIGIN),
        [{"geometry": rect(10, 15, 20, 25, ORIGIN), "anvandning": "B"}],
    )


def converted(to: str) -> list[dict]:
    """The SWEREF 99 TM features with every corner converted to ``to`` (x = E or longitude)."""
    t = Transformer.from_crs("EPSG:3006", to, always_xy=True)
    out = json.loads(json.dumps(features()))
    for f in out:
        f["geometry"]["coordinates"] = [
            [list(t.transform(x, y)) for x, y in ring] for ring in f["geometry"]["coordinates"]
        ]
    return out


def assert_same_rectangles(props):
    (a,) = props
    assert a.property.bounds == pytest.approx(
        (ORIGIN[0] + 5, ORIGIN[1] + 10, ORIGIN[0] + 25, ORIGIN[1] + 30), abs=1e-6
    )
    assert a.property.area == pytest.approx(400, abs=1e-6)
    b = a.buildings[0].geometry
    assert b.bounds == pytest.approx(
        (ORIGIN[0] + 10, ORIGIN[1] + 15, ORIGIN[0] + 20, ORIGIN[1] + 25), abs=1e-6
    )
    assert b.area == pytest.approx(100, abs=1e-6)


def assert_checks_as_in_sweref(props):
    (res,) = check_proposals(plan(), props)
    (reference,) = check_proposals(plan(), read_proposals(proposal_collection(features())))
    assert res.verdict == reference.verdict == PASS
    assert [(c.rule, c.status) for c in res.checks] == [
        (c.rule, c.status) for c in reference.checks
    ]
    pct = next(c for c in res.checks if c.rule == "max_building_area_pct")
    assert pct.measured == pytest.approx(25.0, abs=1e-3)  # 100 m² of 400 m²


@pytest.mark.parametrize("zone", ["EPSG:3011", "EPSG:3014", "EPSG:3018"])
def test_another_sweref_zone_is_reprojected_to_the_plans(zone):
    data = proposal_collection(converted(zone), zone)
    assert data["features"][0]["geometry"]["coordinates"][0][0][0] != ORIGIN[0] + 5  # really moved
    props = read_proposals(data, crs="EPSG:3006")
    assert props.crs == "EPSG:3006"
    assert_same_rectangles(props)
    assert_checks_as_in_sweref(props)


@pytest.mark.parametrize("crs", [CRS84, "EPSG:4326"])
def test_wgs84_with_a_crs_member_is_reprojected(crs):
    data = proposal_collection(converted("EPSG:4326"), crs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # declared: nothing to warn about
        props = read_proposals(data, crs="EPSG:3006")
    assert_same_rectangles(props)
    assert_checks_as_in_sweref(props)
    # without the plan's system, longitude/latitude still become metres (SWEREF 99 TM)
    assert read_proposals(data).crs == "EPSG:3006"


def test_check_proposals_reprojects_proposals_read_in_another_system():
    props = read_proposals(proposal_collection(converted("EPSG:3011"), "EPSG:3011"))
    assert props.crs == "EPSG:3011"
    assert_checks_as_in_sweref(props)


def test_wgs84_without_crs_member_is_detected_reprojected_and_warned():
    data = proposal_collection(converted("EPSG:4326"))
    del data["crs"]
    lon, lat = data["features"][1]["geometry"]["coordinates"][0][0]
    assert 20.2 < lon < 20.4 and 63.8 < lat < 63.9  # Umeå, in degrees
    with pytest.warns(PlanWarning, match="longitude and latitude in Sweden: read as WGS 84"):
        props = read_proposals(data, crs="EPSG:3006")
    assert_same_rectangles(props)
    assert_checks_as_in_sweref(props)


def test_sweref_without_crs_member_is_read_silently():
    data = proposal_collection(features())
    del data["crs"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same_rectangles(read_proposals(data))


def test_cli_warns_in_one_line_and_checks_the_reprojected_proposals(tmp_path, capsys):
    plan_path = tmp_path / "detaljplan.json"
    plan_path.write_text(
        json.dumps(
            plan_collection(
                rect(0, 0, 100, 50, ORIGIN),
                [
                    regulation_feature("DP_KM_B2", rect(0, 0, 50, 50, ORIGIN), seq=1),
                    regulation_feature("DP_KM_C2", rect(50, 0, 100, 50, ORIGIN), seq=2),
                    regulation_feature(PCT, rect(0, 0, 50, 50, ORIGIN), value=30, seq=3),
                ],
            )
        ),
        encoding="utf-8",
    )
    data = proposal_collection(converted("EPSG:4326"))
    del data["crs"]
    props_path = tmp_path / "forslag.geojson"
    props_path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["plancheck", str(plan_path), str(props_path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert err.startswith(f"testlab plancheck: warning: {props_path}: the file has no crs member")
    assert "urn:ogc:def:crs:OGC:1.3:CRS84" in err  # how to mark the file
    (proposal,) = json.loads(out)["proposals"]
    assert proposal["verdict"] == "pass"
