"""Checking proposals against a plan (kit.plans.check), computed by hand on simple rectangles.

The test plan is 100 × 50 m: B (bostäder) on x 0–50, C and K on x 50–100; a 5 m prickmark strip
along y 0–5. Each test adds the egenskapsbestämmelser it needs.
"""

from __future__ import annotations

import pytest

from kit.errors import PlanError
from kit.plans.check import (
    FAIL,
    MANUAL,
    PASS,
    check_proposals,
    format_number,
    results_frame,
    results_json,
    summarise,
    verdict,
)
from kit.plans.reader import read_plan, read_proposals
from kit.samples.plans import (
    plan_collection,
    proposal_collection,
    proposal_features,
    rect,
    regulation_feature,
)

PRICK = "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_Prickmark"
WEST, EAST = (0, 0, 50, 50), (50, 0, 100, 50)


def make_plan(*regs: tuple, prickmark: bool = False):
    """regs: (kod, (x0, y0, x1, y1), value) egenskapsbestämmelser on top of the uses."""
    features = [
        regulation_feature("DP_KM_B2", rect(*WEST), seq=1),
        regulation_feature("DP_KM_C2", rect(*EAST), seq=2),
        regulation_feature("DP_KM_K2", rect(*EAST), seq=3),
    ]
    if prickmark:
        features.append(regulation_feature(PRICK, rect(0, 0, 100, 5), seq=4))
    for i, (kod, box, value) in enumerate(regs, start=10):
        features.append(regulation_feature(kod, rect(*box), value=value, seq=i))
    return read_plan(plan_collection(rect(0, 0, 100, 50), features))


def proposal(prop_box, *buildings: dict, pid: str = "P"):
    bs = [{**b, "geometry": rect(*b["box"])} for b in buildings]
    return read_proposals(proposal_collection(proposal_features(pid, rect(*prop_box), bs)))


def run(plan, props, **kw):
    (result,) = check_proposals(plan, props, **kw)
    return result


def only(result, rule):
    found = [c for c in result.checks if c.rule == rule]
    assert len(found) == 1, [c.rule for c in result.checks]
    return found[0]


# --- land use ------------------------------------------------------------------------------


def test_land_use_pass_and_fail():
    plan = make_plan()
    ok = run(plan, proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "B"}))
    assert only(ok, "land_use").status == PASS and ok.verdict == PASS
    assert only(ok, "land_use").message == "Byggnad P-1: användning B medges enligt ”Bostäder”."
    bad = run(plan, proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "K"}))
    check = only(bad, "land_use")
    assert (check.status, check.measured, check.allowed) == (FAIL, "K", "B")
    assert bad.verdict == FAIL


def test_several_uses_on_one_area_allow_either():
    plan = make_plan()
    for use, status in (("C", PASS), ("K", PASS), ("B", FAIL)):
        res = run(plan, proposal((55, 10, 75, 30), {"box": (60, 15, 70, 25), "anvandning": use}))
        check = only(res, "land_use")
        assert check.status == status and check.allowed == "C, K"


def test_building_across_two_use_areas_must_be_allowed_in_both():
    plan = make_plan()
    across = run(plan, proposal((40, 10, 60, 30), {"box": (45, 15, 55, 25), "anvandning": "B"}))
    assert only(across, "land_use").status == FAIL
    # 5 cm over the boundary is within the 10 cm tolerance: it stands on B only
    edge = run(plan, proposal((40, 10, 60, 30), {"box": (45, 15, 50.05, 25), "anvandning": "B"}))
    assert only(edge, "land_use").status == PASS


def test_missing_use_is_manual():
    res = run(make_plan(), proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25)}))
    assert only(res, "land_use").status == MANUAL and res.verdict == MANUAL


def test_unrecognised_use_regulation_makes_land_use_manual():
    other = regulation_feature("DP_KM_B2", rect(*WEST), seq=1)
    other["properties"].pop("planbestammelsekatalogreferens")
    other["properties"]["bestammelseformulering"] = "Småindustri utan störningar"
    features = [other, regulation_feature("DP_KM_C2", rect(*EAST), seq=2)]
    plan = read_plan(plan_collection(rect(0, 0, 100, 50), features))
    res = run(plan, proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "B"}))
    check = only(res, "land_use")
    assert check.status == MANUAL and "Småindustri utan störningar" in check.message
    unknown = only(res, "unknown_regulation")
    assert unknown.status == MANUAL and "”Småindustri utan störningar”" in unknown.message


# --- prickmark -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("y0", "tolerance", "status"),
    [
        (4.0, 0.1, FAIL),  # 1 m into the strip
        (4.9, 0.1, PASS),  # exactly the tolerance: the shrunk building only touches the strip
        (4.89, 0.1, FAIL),  # 11 cm
        (4.7, 0.5, PASS),  # a wider, configured tolerance
        (4.95, 0.0, FAIL),  # no tolerance at all
        (5.0, 0.1, PASS),  # on the line
    ],
)
def test_prickmark_tolerance(y0, tolerance, status):
    plan = make_plan(prickmark=True)
    props = proposal((0, 0, 30, 30), {"box": (10, y0, 20, 20), "anvandning": "B"})
    check = only(run(plan, props, tolerance_m=tolerance), "prickmark")
    assert check.status == status
    assert check.measured == pytest.approx(10 * (5 - y0), abs=1e-3)  # overlap area, m²
    assert check.unit == "m²"


def test_prickmark_checked_for_every_building_on_the_property():
    plan = make_plan(prickmark=True)
    props = proposal(
        (0, 0, 30, 30),
        {"box": (2, 10, 8, 20), "anvandning": "B"},
        {"box": (12, 3, 18, 9), "anvandning": "B"},
    )
    res = run(plan, props)
    statuses = [c.status for c in res.checks if c.rule == "prickmark"]
    assert statuses == [PASS, FAIL] and res.verdict == FAIL
    fail = [c for c in res.checks if c.rule == "prickmark"][1]
    assert fail.measured == 12.0 and "”Marken får inte förses med byggnad”" in fail.message


# --- största byggnadsarea ------------------------------------------------------------------

PCT = "DP_KM_Eg_Utnytt_StorstaAreaProc_ByggnadsEgen"
KVM = "DP_KM_Eg_Utnytt_StorstaAreaKvm_Byggnadsarea"


def test_building_area_percent_exactly_at_limit_passes():
    plan = make_plan((PCT, WEST, 25))
    # property 20 × 20 = 400 m², building 10 × 10 = 100 m² → 25 %
    res = run(plan, proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "B"}))
    check = only(res, "max_building_area_pct")
    assert (check.status, check.measured, check.allowed) == (PASS, 25.0, 25.0)
    # 10 × 10.1 = 101 m² → 25.25 %
    res = run(plan, proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25.1), "anvandning": "B"}))
    check = only(res, "max_building_area_pct")
    assert (check.status, check.measured) == (FAIL, 25.25)
    assert "25,25 %" in check.message and "överskrider 25 %" in check.message


def test_building_area_sums_all_buildings():
    plan = make_plan((PCT, WEST, 25))
    # 60 + 50 = 110 m² of 400 → 27.5 %, though each alone is below 25 %
    props = proposal(
        (5, 10, 25, 30),
        {"box": (6, 11, 12, 21), "anvandning": "B"},
        {"box": (14, 20, 24, 25), "anvandning": "B"},
    )
    check = only(run(plan, props), "max_building_area_pct")
    assert (check.status, check.measured) == (FAIL, 27.5)


def test_building_area_percent_counts_the_property_within_the_area():
    plan = make_plan((PCT, WEST, 25))
    # property x 40–60: 200 m² of its 400 m² lie in the e-area; building 8 × 10 = 80 m² → 40 %
    props = proposal((40, 10, 60, 30), {"box": (42, 12, 50, 22), "anvandning": "B"})
    check = only(run(plan, props), "max_building_area_pct")
    assert (check.status, check.measured) == (FAIL, 40.0)


def test_building_area_m2():
    plan = make_plan((KVM, EAST, 300))
    two = [
        {"box": (55, 10, 65, 25), "anvandning": "C"},
        {"box": (70, 10, 80, 25), "anvandning": "K"},
    ]
    check = only(run(plan, proposal((52, 8, 98, 48), *two)), "max_building_area_m2")
    assert (check.status, check.measured, check.allowed) == (PASS, 300.0, 300.0)
    two[1]["box"] = (70, 10, 80, 25.1)
    check = only(run(plan, proposal((52, 8, 98, 48), *two)), "max_building_area_m2")
    assert (check.status, check.measured) == (FAIL, 301.0)


# --- heights -------------------------------------------------------------------------------

NOCK = "DP_KM_Eg_Hojd_HogstaHojd_Nockhojd"
TOTAL = "DP_KM_Eg_Hojd_HogstaHojd_Totalhojd"


@pytest.mark.parametrize(
    ("height", "status"), [(8.5, PASS), (8.51, FAIL), (None, MANUAL), (3.0, PASS)]
)
def test_ridge_height(height, status):
    plan = make_plan((NOCK, WEST, 8.5))
    res = run(
        plan,
        proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "B", "nockhojd": height}),
    )
    check = only(res, "max_ridge_height")
    assert (check.status, check.measured, check.allowed) == (status, height, 8.5)
    assert res.verdict == status
    if status == MANUAL:
        assert (
            "ingen nockhöjd" in check.message and "”Högsta nockhöjd är 8,5 meter”" in check.message
        )


def test_total_and_minimum_heights():
    plan = make_plan((TOTAL, EAST, 12), ("DP_KM_Eg_Hojd_LagstaHojd_Totalhojd", EAST, 6))
    res = run(
        plan,
        proposal((55, 10, 75, 30), {"box": (60, 15, 70, 25), "anvandning": "C", "totalhojd": 5.5}),
    )
    assert only(res, "max_total_height").status == PASS
    low = only(res, "min_total_height")
    assert (low.status, low.measured, low.allowed) == (FAIL, 5.5, 6.0)
    assert "understiger 6 m" in low.message


def test_height_of_a_neighbouring_area_does_not_apply():
    plan = make_plan((NOCK, EAST, 8.5))
    res = run(
        plan,
        proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "B", "nockhojd": 20}),
    )
    assert not [c for c in res.checks if c.rule == "max_ridge_height"]


# --- fastighetsstorlek ---------------------------------------------------------------------

MINSIZE = "DP_KM_Eg_Fastighetsstorlek_Minsta_Minsta"


def test_minimum_plot_size():
    plan = make_plan((MINSIZE, WEST, 600))
    at_limit = only(run(plan, proposal((5, 10, 25, 40))), "min_plot_size")  # 20 × 30 = 600
    assert (at_limit.status, at_limit.measured, at_limit.allowed) == (PASS, 600.0, 600.0)
    small = only(run(plan, proposal((5, 10, 25, 39.9))), "min_plot_size")  # 598 m²
    assert (small.status, small.measured) == (FAIL, 598.0)
    assert "understiger 600 m²" in small.message


# --- outside the plan, unknown regulations, verdicts ---------------------------------------


def test_building_partly_outside_plan_is_manual():
    plan = make_plan()
    res = run(plan, proposal((5, 40, 25, 60), {"box": (10, 45, 20, 55), "anvandning": "B"}))
    outside = only(res, "outside_plan")
    assert (outside.status, outside.measured) == (MANUAL, 50.0)  # 10 × 5 m² beyond y = 50
    assert only(res, "land_use").status == PASS
    assert res.verdict == MANUAL


def test_building_wholly_outside_plan_is_manual_not_pass():
    res = run(make_plan(), proposal((0, 60, 20, 80), {"box": (5, 65, 15, 75), "anvandning": "B"}))
    assert [c.rule for c in res.checks] == ["outside_plan"]
    assert res.checks[0].measured == 100.0 and res.verdict == MANUAL


def test_building_within_tolerance_of_plan_edge_is_inside():
    res = run(
        make_plan(), proposal((5, 30, 25, 50.05), {"box": (10, 40, 20, 50.05), "anvandning": "B"})
    )
    assert not [c for c in res.checks if c.rule == "outside_plan"] and res.verdict == PASS


def test_uninterpreted_regulation_on_property_is_manual_and_quoted():
    korsmark = "DP_KM_Eg_BegransningAvMarkensUtnyttjande_TypByggnadsverk_Komplement"
    plan = make_plan((korsmark, (0, 40, 50, 50), None))
    res = run(plan, proposal((5, 30, 25, 45), {"box": (10, 32, 20, 38), "anvandning": "B"}))
    check = only(res, "unknown_regulation")
    assert check.status == MANUAL and res.verdict == MANUAL
    assert "”Marken får endast förses med komplementbyggnad”" in check.message
    # a property that only touches the area (within the tolerance) is not concerned
    near = run(plan, proposal((5, 20, 25, 40.05), {"box": (10, 22, 20, 28), "anvandning": "B"}))
    assert near.verdict == PASS


def test_nothing_to_check_is_manual():
    res = run(make_plan(), proposal((5, 10, 25, 30)))
    assert [c.rule for c in res.checks] == ["no_checks"] and res.verdict == MANUAL


def test_verdict_logic():
    assert verdict([PASS, PASS]) == PASS
    assert verdict([PASS, MANUAL]) == MANUAL
    assert verdict([MANUAL, FAIL, PASS]) == FAIL
    assert verdict([]) == MANUAL


def test_english_messages_quote_swedish_wording():
    plan = make_plan((NOCK, WEST, 8.5))
    props = proposal((5, 10, 25, 30), {"box": (10, 15, 20, 25), "anvandning": "B", "nockhojd": 9})
    check = only(run(plan, props, lang="en"), "max_ridge_height")
    assert (
        check.message
        == "Building P-1: ridge height 9 m exceeds 8.5 m under “Högsta nockhöjd är 8,5 meter”."
    )


def test_bad_tolerance():
    # issue 16: proposals in another CRS are reprojected now (tests/test_plan_crs.py)
    with pytest.raises(PlanError, match="tolerance must be zero or more"):
        check_proposals(make_plan(), proposal((5, 10, 25, 30)), tolerance_m=-0.1)


def test_several_proposals_json_and_summary():
    plan = make_plan((NOCK, WEST, 8.5))
    features = (
        proposal_features(
            "A",
            rect(5, 10, 25, 30),
            [{"geometry": rect(10, 15, 20, 25), "anvandning": "B", "nockhojd": 8}],
        )
        + proposal_features(
            "B",
            rect(30, 10, 45, 30),
            [{"geometry": rect(32, 15, 40, 25), "anvandning": "K", "nockhojd": 8}],
        )
        + proposal_features(
            "C", rect(5, 32, 25, 48), [{"geometry": rect(10, 35, 20, 45), "anvandning": "B"}]
        )
    )
    results = check_proposals(plan, read_proposals(proposal_collection(features)))
    assert [(r.proposal_id, r.verdict) for r in results] == [
        ("A", PASS),
        ("B", FAIL),
        ("C", MANUAL),
    ]
    data = results_json(results)
    assert list(data) == ["proposals"]
    assert set(data["proposals"][0]) == {"proposal_id", "verdict", "checks"}
    assert set(data["proposals"][0]["checks"][0]) == {
        "rule",
        "status",
        "measured",
        "allowed",
        "message",
    }
    s = summarise(results)
    assert s["n_proposals"] == 3 and s["share_pass"] == pytest.approx(100 / 3)
    assert s["share_auto_decided"] == pytest.approx(200 / 3)


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (8.5, "sv", "8,5"),
        (25.0, "sv", "25"),
        (1234.567, "sv", "1\u2009234,57"),
        (1234.5, "en", "1,234.5"),
        (-0.001, "sv", "0"),
    ],
)
def test_format_number(value, lang, text):
    assert format_number(value, lang) == text


# --- multi-part buildings and the property boundary (issue 16) -----------------------------


def multipart(*boxes: tuple) -> dict:
    return {"type": "MultiPolygon", "coordinates": [rect(*b)["coordinates"] for b in boxes]}


def proposal_with(prop_box, geometry: dict, **attrs):
    features = proposal_features("P", rect(*prop_box), [{"geometry": geometry, **attrs}])
    return read_proposals(proposal_collection(features))


def test_multipart_building_is_checked_part_by_part():
    plan = make_plan((NOCK, WEST, 8.5), (PCT, WEST, 25), prickmark=True)
    # property 40 × 30 = 1 200 m² in B; part 1 10 × 10 clear of the prickmark, part 2
    # 10 × 10 from y = 2, so 10 × 3 = 30 m² on the prickmark strip (y 0–5)
    props = proposal_with(
        (5, 0, 45, 30), multipart((10, 10, 20, 20), (30, 2, 40, 12)), anvandning="B", nockhojd=7
    )
    res = run(plan, props)
    prick = [c for c in res.checks if c.rule == "prickmark"]
    assert [(c.part, c.status, c.measured) for c in prick] == [(1, PASS, 0.0), (2, FAIL, 30.0)]
    assert prick[1].building == "P-1"
    assert prick[1].message.startswith("Byggnad P-1, del 2 av 2: 30 m² står på mark där")
    assert [(c.part, c.status) for c in res.checks if c.rule == "land_use"] == [
        (1, PASS),
        (2, PASS),
    ]
    assert [c.part for c in res.checks if c.rule == "max_ridge_height"] == [1, 2]
    # the building area sums the parts: 200 m² of 1 200 m²
    assert only(res, "max_building_area_pct").measured == pytest.approx(16.667, abs=1e-3)
    assert only(res, "max_building_area_pct").part is None
    assert res.verdict == FAIL
    json_checks = results_json([res])["proposals"][0]["checks"]
    assert [c.get("part") for c in json_checks if c["rule"] == "prickmark"] == [1, 2]
    en = run(plan, props, lang="en")
    assert [c for c in en.checks if c.rule == "prickmark"][1].message.startswith(
        "Building P-1, part 2 of 2: 30 m² stands on land where"
    )
    frame = results_frame([res], "sv")
    assert "P-1, del 2" in set(frame["Byggnad"])


def test_multipart_building_across_two_use_areas_names_the_failing_part():
    plan = make_plan()
    # part 1 on B (x < 50), part 2 on C/K (x > 50): a B building is allowed only on part 1
    props = proposal_with(
        (30, 10, 80, 40), multipart((35, 15, 45, 25), (60, 15, 70, 25)), anvandning="B"
    )
    res = run(plan, props)
    uses = [(c.part, c.status, c.allowed) for c in res.checks if c.rule == "land_use"]
    assert uses == [(1, PASS, "B"), (2, FAIL, "C, K")]
    assert res.verdict == FAIL


def test_one_part_multipolygon_is_an_ordinary_building():
    res = run(
        make_plan(), proposal_with((5, 10, 25, 30), multipart((10, 15, 20, 25)), anvandning="B")
    )
    assert only(res, "land_use").part is None and res.verdict == PASS
    assert only(res, "land_use").message.startswith("Byggnad P-1: ")


@pytest.mark.parametrize(
    ("x1", "tolerance", "status", "outside"),
    [
        (30, 0.1, FAIL, 50.0),  # 5 × 10 m beyond x = 25
        (25.05, 0.1, None, None),  # 5 cm over the line: within the tolerance
        (25.05, 0.0, FAIL, 0.5),  # … but not without one
        (25, 0.0, None, None),  # on the boundary
    ],
)
def test_building_over_the_property_boundary_fails(x1, tolerance, status, outside):
    plan = make_plan()
    props = proposal((5, 10, 25, 30), {"box": (10, 15, x1, 25), "anvandning": "B"})
    res = run(plan, props, tolerance_m=tolerance)
    found = [c for c in res.checks if c.rule == "outside_property"]
    if status is None:
        assert not found and res.verdict == PASS
        return
    (check,) = found
    assert (check.status, check.measured, check.allowed, check.unit) == (FAIL, outside, 0.0, "m²")
    assert check.building == "P-1" and res.verdict == FAIL
    assert check.message.startswith(
        f"Byggnad P-1: {format_number(outside)} m² ligger utanför fastigheten"
    )


def test_part_of_a_multipart_building_over_the_property_boundary_is_named():
    plan = make_plan()
    # property x 5–25; part 2 reaches to x = 28: 3 × 10 = 30 m² outside
    props = proposal_with(
        (5, 10, 25, 40), multipart((8, 12, 14, 20), (18, 25, 28, 35)), anvandning="B"
    )
    res = run(plan, props)
    (check,) = [c for c in res.checks if c.rule == "outside_property"]
    assert (check.part, check.measured) == (2, 30.0)
    assert check.message.startswith("Byggnad P-1, del 2 av 2: 30 m² ligger utanför fastigheten")
