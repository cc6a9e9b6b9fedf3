"""The bundled sample plans and proposals: verdicts as designed, reproducible, in town."""

from __future__ import annotations

import pytest

from kit.config import MUNICIPALITIES, REPO_ROOT
from kit.plans.catalogue import ATTRIBUTION
from kit.plans.check import check_proposals
from kit.plans.reader import read_plan, read_proposals
from kit.samples.plans import SAMPLE_EXPECTED, write_samples

DATASETS = REPO_ROOT / "datasets"


def _results(mid: str):
    folder = DATASETS / mid / "plan"
    plan = read_plan(folder / "detaljplan.json")
    return plan, check_proposals(plan, read_proposals(folder / "forslag.geojson", crs=plan.crs))


@pytest.mark.parametrize("mid", sorted(MUNICIPALITIES))
def test_sample_verdicts(mid):
    _, results = _results(mid)
    assert {r.proposal_id: r.verdict for r in results} == {
        pid: expected for pid, (expected, _) in SAMPLE_EXPECTED.items()
    }
    by_id = {r.proposal_id: r for r in results}

    def statuses(pid):
        return {(c.rule, c.status) for c in by_id[pid].checks}

    assert ("prickmark", "fail") in statuses("P02")
    assert ("prickmark", "pass") in statuses("P03")
    assert ("max_building_area_pct", "fail") in statuses("P04")
    assert {("land_use", "manual"), ("max_ridge_height", "manual")} <= statuses("P05")
    assert ("outside_plan", "manual") in statuses("P06")
    assert ("min_plot_size", "fail") in statuses("P07")
    assert ("unknown_regulation", "manual") in statuses("P08")
    assert {("max_building_area_m2", "pass"), ("max_total_height", "pass")} <= statuses("P09")
    assert {
        ("land_use", "fail"),
        ("max_building_area_m2", "fail"),
        ("max_total_height", "fail"),
    } <= statuses("P10")


def test_samples_cover_every_checked_rule_with_pass_and_fail():
    _, results = _results("umea")
    seen = {(c.rule, c.status) for r in results for c in r.checks}
    for rule in (
        "land_use",
        "prickmark",
        "max_building_area_pct",
        "max_building_area_m2",
        "max_total_height",
        "min_plot_size",
    ):
        assert (rule, "pass") in seen and (rule, "fail") in seen, rule
    assert ("max_ridge_height", "pass") in seen and ("max_ridge_height", "manual") in seen


@pytest.mark.parametrize("mid", sorted(MUNICIPALITIES))
def test_sample_lies_in_town_and_is_marked_synthetic(mid):
    from pyproj import Transformer

    plan, _ = _results(mid)
    c = plan.geometry.centroid
    lon, lat = Transformer.from_crs(plan.crs, "EPSG:4326", always_xy=True).transform(c.x, c.y)
    min_lon, min_lat, max_lon, max_lat = MUNICIPALITIES[mid].bbox_wgs84
    assert min_lon < lon < max_lon and min_lat < lat < max_lat
    readme = (DATASETS / mid / "plan" / "README.md").read_text(encoding="utf-8")
    assert "Syntetisk exempelplan" in readme and ATTRIBUTION in readme
    # every regulation of the sample is recognised (by UUID or wording)
    assert all(r.entry is not None for r in plan.regulations)


def test_samples_are_reproducible(tmp_path):
    for path in write_samples(tmp_path):
        bundled = DATASETS / path.relative_to(tmp_path)
        assert path.read_bytes() == bundled.read_bytes(), bundled
