"""Reading and validating digital detailed plans and proposals (kit.plans.reader, kit.plans.catalogue)."""

from __future__ import annotations

import json

import pytest

from kit.errors import PlanError
from kit.plans.catalogue import ATTRIBUTION, CATALOGUE_FILE, load_catalogue, parse_decimal
from kit.plans.reader import PlanWarning, normalise_crs, read_plan, read_proposals
from kit.samples.plans import (
    plan_collection,
    proposal_collection,
    proposal_features,
    rect,
    regulation_feature,
)

B = "DP_KM_B2"
NOCK = "DP_KM_Eg_Hojd_HogstaHojd_Nockhojd"
PCT = "DP_KM_Eg_Utnytt_StorstaAreaProc_ByggnadsEgen"
MINSIZE = "DP_KM_Eg_Fastighetsstorlek_Minsta_Minsta"


def _plan(*regs: dict, area=(0, 0, 100, 50)) -> dict:
    return plan_collection(rect(*area), [regulation_feature(B, rect(*area), seq=99), *regs])


def _write(tmp_path, name: str, data: dict):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _props(features: list[dict], crs: str = "EPSG:3006") -> dict:
    return proposal_collection(features, crs)


# --- catalogue -----------------------------------------------------------------------------


def test_catalogue_is_bundled_with_attribution():
    from pathlib import Path

    assert len(load_catalogue()) == 228
    readme = (Path(CATALOGUE_FILE).parent / "README.md").read_text(encoding="utf-8")
    assert ATTRIBUTION in readme
    assert "Boverket, Planbestämmelsekatalogen (release 20251201" in ATTRIBUTION


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8,5", 8.5),
        ("1 200", 1200.0),
        ("1\u00a0200,25", 1200.25),
        ("−2", -2.0),
        (3, 3.0),
        ("12", 12.0),
    ],
)
def test_parse_decimal_reads_swedish_numbers(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["8,5 m", "", "åtta", "1,2,3", True])
def test_parse_decimal_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_wording_recognition_prefers_the_most_specific_entry():
    cat = load_catalogue()
    entry, values = cat.by_wording("Högsta nockhöjd är 8,5 meter.")
    assert entry.kod == NOCK and values == {"höjd": "8,5"}
    # the same start but a building type: a different, uninterpreted entry
    entry, values = cat.by_wording("Högsta nockhöjd på komplementbyggnad är 4,0 meter")
    assert entry.kod == "DP_KM_Eg_Hojd_HogstaHojd_ByggnadsverkNockhojd"
    assert values["byggnadsverk"] == "komplementbyggnad" and entry.rule is None
    # whitespace and a missing full stop do not matter
    entry, _ = cat.by_wording("Högsta   nockhöjd är 8,5 meter")
    assert entry.kod == NOCK
    # pure free-text entries ([användning:text]) never swallow an unknown wording
    assert cat.by_wording("Utfart får inte anordnas") is None
    entry, _ = cat.by_wording("Bostäder", "Användningsbestämmelse")
    assert entry.letter == "B"


# --- reading plans -------------------------------------------------------------------------


def test_read_national_format_recognises_by_uuid_and_takes_value_from_bestammelsevarde():
    plan = read_plan(_plan(regulation_feature(NOCK, rect(0, 0, 50, 50), value=8.5, seq=1)))
    assert plan.crs == "EPSG:3006"
    assert plan.geometry.area == 5000
    use, height = plan.regulations
    assert use.letter == "B" and use.recognised_by == "uuid" and use.rule.rule == "land_use"
    assert height.recognised_by == "uuid"
    assert height.value == 8.5 and height.rule.rule == "max_ridge_height"
    assert height.wording == "Högsta nockhöjd är 8,5 meter."
    assert height.geometry.area == 2500


def test_read_plain_geojson_features():
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "geometry": rect(0, 0, 10, 10),
                "properties": {"feature:typ": "detaljplan"},
            },
            {
                "type": "Feature",
                "geometry": rect(0, 0, 10, 10),
                "properties": {
                    "feature:typ": "användningsbestämmelse",
                    "bestammelseformulering": "Kontor",
                },
            },
            {
                "type": "Feature",
                "geometry": rect(0, 0, 10, 10),
                "properties": {
                    "feature:typ": "egenskapsbestämmelse",
                    "bestammelseformulering": "Högsta totalhöjd är 12,5 meter.",
                },
            },
            # an administrative regulation does not regulate buildings: skipped
            {
                "type": "Feature",
                "geometry": rect(0, 0, 10, 10),
                "properties": {"feature:typ": "administrativBestammelse"},
            },
        ],
    }
    plan = read_plan(data)
    assert [r.letter for r in plan.regulations] == ["K", ""]
    assert plan.regulations[1].value == 12.5
    assert plan.regulations[1].recognised_by == "wording"
    assert plan.skipped == 1


def test_recognition_by_wording_when_reference_missing_or_unknown():
    no_ref = regulation_feature(
        NOCK, rect(0, 0, 50, 50), value=7.25, reference=False, with_value=False, seq=1
    )
    unknown_ref = regulation_feature(
        MINSIZE,
        rect(0, 0, 50, 50),
        value=1200,
        with_value=False,
        wording="Minsta fastighetsstorlek är 1 200 m²",
        seq=2,
    )
    unknown_ref["properties"]["planbestammelsekatalogreferens"] = (
        "00000000-0000-0000-0000-000000000000"
    )
    plan = read_plan(_plan(no_ref, unknown_ref))
    nock, size = plan.regulations[1:]
    assert nock.recognised_by == "wording" and nock.value == 7.25  # decimal comma in the wording
    assert size.recognised_by == "wording" and size.value == 1200  # "1 200 m²"
    assert size.wording == "Minsta fastighetsstorlek är 1 200 m²"


def test_reference_given_as_uri():
    reg = regulation_feature(PCT, rect(0, 0, 50, 50), value=30, seq=1)
    uuid = reg["properties"]["planbestammelsekatalogreferens"]
    reg["properties"]["planbestammelsekatalogreferens"] = (
        f"https://example.org/planbestammelse/{uuid}"
    )
    reg["properties"]["bestammelseformulering"] = "e1"  # a wording that matches nothing
    reg["properties"]["bestammelsevarde"][0]["variabelvarde"] = "30,0"
    (_, pct) = read_plan(_plan(reg)).regulations
    assert pct.entry.kod == PCT and pct.value == 30.0


def test_unrecognised_regulation_is_kept_without_rule():
    reg = regulation_feature(NOCK, rect(0, 0, 50, 50), value=8, reference=False, seq=1)
    reg["properties"]["bestammelseformulering"] = "Utfart får inte anordnas."
    del reg["properties"]["bestammelsevarde"]
    (_, other) = read_plan(_plan(reg)).regulations
    assert other.entry is None and other.rule is None
    assert other.wording == "Utfart får inte anordnas."


def test_numeric_rule_without_value_is_not_interpreted():
    reg = regulation_feature(NOCK, rect(0, 0, 50, 50), value=8, with_value=False, seq=1)
    reg["properties"]["bestammelseformulering"] = "h1"
    (_, h) = read_plan(_plan(reg)).regulations
    assert h.entry.kod == NOCK and h.value is None and h.rule is None


def test_value_must_match_wording():
    reg = regulation_feature(NOCK, rect(0, 0, 50, 50), value=8.5, seq=1)
    reg["properties"]["bestammelsevarde"][0]["variabelvarde"] = 9
    with pytest.raises(
        PlanError, match=r"feature 2 .*bestammelsevarde 9 does not match the wording.*8\.5"
    ):
        read_plan(_plan(reg))


def test_bad_bestammelsevarde_is_reported():
    reg = regulation_feature(NOCK, rect(0, 0, 50, 50), value=8.5, seq=1)
    reg["properties"]["bestammelsevarde"][0]["variabelvarde"] = "hög"
    with pytest.raises(PlanError, match="bestammelsevarde 'hög' is not a number"):
        read_plan(_plan(reg))


# --- plan validation -----------------------------------------------------------------------

BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}


def test_self_intersecting_regulation_names_file_and_feature(tmp_path):
    reg = regulation_feature(NOCK, BOWTIE, value=8, seq=1)
    oid = reg["properties"]["objektidentitet"]
    path = _write(tmp_path, "plan.json", _plan(reg))
    with pytest.raises(PlanError) as err:
        read_plan(path)
    text = str(err.value)
    assert text.startswith(str(path))
    assert f"feature 2 (id '{oid}')" in text and "Self-intersection" in text


def test_invalid_plan_area():
    data = _plan()
    data["features"][0]["properties"]["plangeometri"] = [{"geometri": {"position": BOWTIE}}]
    with pytest.raises(PlanError, match="plangeometri: invalid geometry"):
        read_plan(data)


def test_coverage_gap_beyond_10_cm_is_an_error():
    area = rect(0, 0, 100, 50)
    uses = [
        regulation_feature(B, rect(0, 0, 49, 50), seq=1),
        regulation_feature(B, rect(50, 0, 100, 50), seq=2),
    ]
    with pytest.raises(PlanError, match=r"do not cover the plan area: .* near \(49\.5, 25\.0\)"):
        read_plan(plan_collection(area, uses))


def test_coverage_gap_within_10_cm_is_accepted():
    area = rect(0, 0, 100, 50)
    uses = [
        regulation_feature(B, rect(0, 0, 49.95, 50), seq=1),
        regulation_feature(B, rect(50, 0, 100, 50), seq=2),
    ]
    assert len(read_plan(plan_collection(area, uses)).regulations) == 2
    # egenskapsbestämmelser alone do not cover the plan area
    only_height = [regulation_feature(NOCK, area, value=8, seq=3)]
    with pytest.raises(PlanError, match="do not cover"):
        read_plan(plan_collection(area, only_height))
    assert read_plan(plan_collection(area, only_height), check_coverage=False)


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        ("EPSG:999999", "unknown coordinate system 'EPSG:999999'"),
        ("EPSG:4326", "not projected in metres"),
    ],
)
def test_plan_crs_must_be_known_and_metric(crs, message):
    data = _plan()
    data["koordinatsystemPlan"] = crs
    with pytest.raises(PlanError, match=message):
        read_plan(data)


def test_plan_without_detaljplan_feature():
    data = _plan()
    data["features"] = data["features"][1:]
    with pytest.raises(PlanError, match="no detaljplan feature"):
        read_plan(data)


def test_unreadable_files(tmp_path):
    with pytest.raises(PlanError, match="plan file not found"):
        read_plan(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlanError, match=r"bad\.json: not JSON"):
        read_plan(bad)
    with pytest.raises(PlanError, match="expected a GeoJSON FeatureCollection"):
        read_plan({"type": "Feature"})


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("EPSG:3006", "EPSG:3006"),
        ("urn:ogc:def:crs:EPSG::3007", "EPSG:3007"),
        ("http://www.opengis.net/def/crs/EPSG/0/3011", "EPSG:3011"),
        ({"type": "name", "properties": {"name": "EPSG:3018"}}, "EPSG:3018"),
        (None, None),
    ],
)
def test_normalise_crs(value, code):
    assert normalise_crs(value) == code


# --- proposals -----------------------------------------------------------------------------


def test_read_proposals_groups_by_proposal_id():
    features = proposal_features(
        "A",
        rect(0, 0, 20, 20),
        [{"geometry": rect(1, 1, 5, 5), "anvandning": "b", "nockhojd": "7,5"}],
    ) + proposal_features(
        "B",
        rect(20, 0, 40, 20),
        [{"geometry": rect(21, 1, 25, 5)}, {"geometry": rect(30, 1, 35, 5)}],
    )
    props = read_proposals(_props(features))
    assert props.crs == "EPSG:3006" and [p.proposal_id for p in props] == ["A", "B"]
    a, b = props
    assert (
        a.property.area == 400
        and a.buildings[0].anvandning == "B"
        and a.buildings[0].nockhojd == 7.5
    )
    assert [x.id for x in b.buildings] == ["B-1", "B-2"] and b.buildings[0].nockhojd is None


def test_proposal_crs_defaults_to_sweref_and_must_be_known():
    # issue 16: a proposal in another system than the plan's is reprojected, not refused
    # (tests/test_plan_crs.py); these toy coordinates are no place in Sweden, which is said
    data = _props(proposal_features("A", rect(0, 0, 20, 20), []))
    del data["crs"]
    with pytest.warns(PlanWarning, match="lie outside Sweden"):
        assert read_proposals(data).crs == "EPSG:3006"
    with pytest.raises(PlanError, match="unknown coordinate system"):
        read_proposals(_props(proposal_features("A", rect(0, 0, 20, 20), []), "EPSG:1"))
    with pytest.raises(PlanError, match="not projected in metres"):
        read_proposals(
            _props(proposal_features("A", rect(0, 0, 20, 20), []), "EPSG:2227")
        )  # US feet


def test_missing_proposal_id_names_the_feature(tmp_path):
    features = proposal_features("A", rect(0, 0, 20, 20), [{"geometry": rect(1, 1, 5, 5)}])
    del features[1]["properties"]["proposal_id"]
    path = _write(tmp_path, "forslag.geojson", _props(features))
    with pytest.raises(PlanError) as err:
        read_proposals(path)
    assert str(err.value) == f"{path}: feature 1: missing properties.proposal_id"


def test_self_intersecting_building(tmp_path):
    features = proposal_features("A", rect(0, 0, 20, 20), [{"geometry": BOWTIE, "id": "hus1"}])
    path = _write(tmp_path, "forslag.geojson", _props(features))
    with pytest.raises(
        PlanError,
        match=r"feature 1 \(id 'hus1'\) of proposal 'A': invalid geometry \(Self-intersection",
    ):
        read_proposals(path)


def test_proposal_validation_messages():
    ok = proposal_features("A", rect(0, 0, 20, 20), [{"geometry": rect(1, 1, 5, 5)}])
    bad_role = json.loads(json.dumps(ok))
    bad_role[1]["properties"]["role"] = "garage"
    with pytest.raises(PlanError, match="role 'garage'; expected 'fastighet' or 'byggnad'"):
        read_proposals(_props(bad_role))
    no_property = ok[1:]
    with pytest.raises(PlanError, match="proposal 'A' has no feature with role 'fastighet'"):
        read_proposals(_props(no_property))
    bad_height = json.loads(json.dumps(ok))
    bad_height[1]["properties"]["nockhojd"] = "högt"
    with pytest.raises(PlanError, match="nockhojd 'högt' is not a number"):
        read_proposals(_props(bad_height))
    point = json.loads(json.dumps(ok))
    point[1]["geometry"] = {"type": "Point", "coordinates": [1, 1]}
    with pytest.raises(PlanError, match="byggnad must be a polygon, not Point"):
        read_proposals(_props(point))
    with pytest.raises(PlanError, match="no proposals"):
        read_proposals(_props([]))
