"""Automated check of building proposals against a digital detailed plan (planenlighet).

:func:`check_proposals` gives each proposal a list of :class:`Check` results — ``pass``,
``fail`` or ``manual`` (manuell prövning) with the measured value, the allowed value and an
explanation quoting the regulation — and a verdict: ``fail`` if any check fails, else
``manual`` if any check needs manual review, else ``pass``. Nothing passes silently: a
building outside the plan area, a regulated value the proposal does not give, and a regulation
on the property that the kit does not interpret are all ``manual``.

The rules (all lengths in metres, areas in m², in the plan's SWEREF 99 system):

``land_use``               each building's ``anvandning`` letter is allowed by the
                           användningsbestämmelser of every area it stands on; several
                           bestämmelser on one area (e.g. B and C) allow either letter.
``prickmark``              "Marken får inte förses med byggnad": the building shrunk inwards by
                           the tolerance must not overlap the prickmark area. So a building may
                           reach at most ``tolerance_m`` (default 0.1 m) into it, and a
                           building whose overlap is a strip exactly that wide passes. The
                           measured value is the overlap area of the whole building (m²).
``max_building_area_pct``  största byggnadsarea in % of the property area within the
                           egenskapsområde: the summed footprint of all the proposal's buildings
                           inside the area ÷ the property's area inside it × 100.
``max_building_area_m2``   största byggnadsarea in m²: the same sum, in m².
``max_ridge_height``,      högsta nockhöjd / totalhöjd of each building standing on the area
``max_total_height``       (``min_…`` for lägsta höjd).
``min_plot_size``          minsta fastighetsstorlek: the property's area (``max_plot_size`` for
                           största fastighetsstorlek).
``outside_plan``           a building reaching outside the plan area by more than the tolerance.
``outside_property``       a building reaching over its property's boundary (outside the
                           proposal's fastighet) by more than the tolerance: ``fail``, the
                           measured value being the area outside (m²). Only reported when it
                           fails, like ``outside_plan``.
``unknown_regulation``     a regulation on the property (beyond the tolerance) that the kit does
                           not interpret, quoted for manual review.

A **multi-part building** (a MultiPolygon byggnad) is checked part by part: each part gets its
own per-building checks (outside_plan, outside_property, land_use, prickmark, heights), the
subject of the message naming it ("Byggnad H1, del 2 av 3"), ``Check.part`` its number (and
``"part"`` in the JSON); the byggnadsarea rules sum all parts. A property (fastighet) in
several parts counts as one area.

Proposals read from a file in another coordinate system than the plan's are reprojected to
the plan's (:meth:`kit.plans.reader.Proposals.to_crs`, pyproj).

"Stands on" means the building shrunk by the tolerance overlaps the area, so a footprint
drawn a few centimetres over a boundary does not pull in the neighbouring area's regulations.
A value exactly at the limit passes; differences below 10⁻⁶ (m, m² or %) count as equal.

Spatial work is vectorised over all buildings at once with the plan's STRtree (shapely 2),
so a thousand proposals against a plan of hundreds of areas take well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from kit.errors import PlanError
from kit.labels import DEFAULT_LANG, check_lang, t
from kit.plans.catalogue import USE
from kit.plans.reader import Building, Plan, Proposal, Proposals, Regulation

PASS, FAIL, MANUAL = "pass", "fail", "manual"
STATUSES = (PASS, FAIL, MANUAL)
DEFAULT_TOLERANCE_M = 0.1
AREA_EPS = 1e-6  # m²: overlaps smaller than this are rounding noise
LIMIT_EPS = 1e-6  # measured within this of the limit counts as at the limit

RULES = (
    "land_use",
    "prickmark",
    "max_building_area_pct",
    "max_building_area_m2",
    "max_ridge_height",
    "max_total_height",
    "min_ridge_height",
    "min_total_height",
    "min_plot_size",
    "max_plot_size",
    "outside_plan",
    "unknown_regulation",
    "no_checks",
)

_UNITS = {
    "nockhojd": "m",
    "totalhojd": "m",
    "building_area": "m²",
    "building_area_pct": "%",
    "plot_area": "m²",
}


@dataclass
class Check:
    """One rule applied to one proposal (or one of its buildings)."""

    rule: str  # one of RULES
    status: str  # pass, fail or manual
    measured: float | str | None  # the proposal's value (unit in ``unit``)
    allowed: float | str | None  # the plan's limit or allowed uses
    message: str  # explanation quoting the regulation, in the chosen language
    unit: str = ""
    building: str | None = None  # building id for per-building rules
    regulation: str | None = None  # the regulation's id in the plan
    part: int | None = None  # 1-based part of a multi-part building (None: one part)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "status": self.status,
            "measured": self.measured,
            "allowed": self.allowed,
            "message": self.message,
        }
        if self.part is not None:
            out["part"] = self.part
        return out


@dataclass
class ProposalResult:
    """The checks of one proposal and its verdict."""

    proposal_id: str
    verdict: str
    checks: list[Check] = field(default_factory=list)
    proposal: Proposal | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposal_id": self.proposal_id,
            "verdict": self.verdict,
            "checks": [c.to_dict() for c in self.checks],
        }


def verdict(statuses: Iterable[str]) -> str:
    """``fail`` if any status fails, else ``manual`` if any is manual, else ``pass``.

    No statuses at all is ``manual``: nothing was checked, so nothing may pass silently."""
    seen = set(statuses)
    if FAIL in seen:
        return FAIL
    if MANUAL in seen or not seen:
        return MANUAL
    return PASS


def format_number(value: float, lang: str = DEFAULT_LANG, decimals: int = 2) -> str:
    """``1234.5`` → ``"1 234,5"`` (Swedish: thin-space thousands, decimal comma) or
    ``"1,234.5"``; at most ``decimals`` decimals, trailing zeros dropped."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if lang == "sv":
        text = text.replace(",", "\u2009").replace(".", ",")
    return text


class _Context:
    """Message building for one run: language and tolerance."""

    def __init__(self, lang: str, tolerance_m: float) -> None:
        self.lang = lang
        self.tol = tolerance_m

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def num(self, value: float) -> str:
        return format_number(value, self.lang)

    def quote(self, regs: Iterable[Regulation]) -> str:
        # the wording's own full stop is dropped so the sentence around it reads cleanly
        return ", ".join(self.t("plancheck.quote", text=r.wording.rstrip(". ")) for r in regs)

    def subject(self, building: str | None, proposal_id: str, part: _Part | None = None) -> str:
        if part is not None and part.number is not None:
            return self.t("plancheck.subject.part", id=building, part=part.number, parts=part.of)
        if building is not None:
            return self.t("plancheck.subject.building", id=building)
        return self.t("plancheck.subject.proposal", id=proposal_id)


def _round(value: float) -> float:
    return round(float(value), 3)


@dataclass
class _Part:
    """A building, or one part of a multi-part (MultiPolygon) building: what the per-building
    rules check."""

    proposal: int  # index of the proposal
    building: Building
    geometry: Any
    number: int | None = None  # 1-based part number; None for a one-part building
    of: int = 1  # the building's number of parts

    @property
    def id(self) -> str:
        return self.building.id


def _parts(items: list[Proposal]) -> list[_Part]:
    """Every building of every proposal, a multi-part building as one entry per part."""
    out = []
    for p, prop in enumerate(items):
        for b in prop.buildings:
            if b.geometry.geom_type == "MultiPolygon" and len(b.geometry.geoms) > 1:
                n = len(b.geometry.geoms)
                out.extend(_Part(p, b, g, k, n) for k, g in enumerate(b.geometry.geoms, start=1))
            else:
                out.append(_Part(p, b, b.geometry))
    return out


def _check(
    rule: str,
    status: str,
    measured: Any,
    allowed: Any,
    message: str,
    unit: str = "",
    part: _Part | None = None,
    regulation: str | None = None,
) -> Check:
    """A Check for ``part`` (or for the proposal when None)."""
    building = part.id if part is not None else None
    number = part.number if part is not None else None
    return Check(rule, status, measured, allowed, message, unit, building, regulation, number)


def _limit_check(
    ctx: _Context,
    reg: Regulation,
    measured: float | None,
    proposal_id: str,
    part: _Part | None = None,
) -> Check:
    """Compare a measured value with a regulation's maximum or minimum."""
    rule = reg.rule
    assert rule is not None and reg.value is not None
    unit = _UNITS[rule.attribute]
    what = ctx.t(f"plancheck.what.{rule.attribute}")
    common = dict(
        subject=ctx.subject(part.id if part else None, proposal_id, part),
        what=what,
        allowed=ctx.num(reg.value),
        unit=unit,
        quote=ctx.quote([reg]),
    )
    if measured is None:
        msg = ctx.t("plancheck.msg.value_missing", **common)
        return _check(rule.rule, MANUAL, None, reg.value, msg, unit, part, reg.id)
    if rule.bound == "max":
        ok = measured <= reg.value + LIMIT_EPS
    else:
        ok = measured >= reg.value - LIMIT_EPS
    key = "plancheck.msg.limit_ok" if ok else f"plancheck.msg.limit_{rule.bound}_fail"
    msg = ctx.t(key, measured=ctx.num(measured), **common)
    status = PASS if ok else FAIL
    return _check(rule.rule, status, _round(measured), reg.value, msg, unit, part, reg.id)


def _land_use_check(
    ctx: _Context,
    part: _Part,
    use_regs: list[Regulation],
    area_key: dict[int, int],
    proposal_id: str,
) -> Check:
    """A building's use against the användningsbestämmelser of every area it stands on."""
    by_area: dict[int, list[Regulation]] = defaultdict(list)
    for reg in use_regs:
        by_area[area_key[reg.index]].append(reg)
    known_sets = []
    uncertain = False  # an area also holds a use the kit does not recognise
    for regs in by_area.values():
        letters = {r.letter for r in regs if r.letter}
        uncertain |= any(not r.letter for r in regs)
        known_sets.append(letters)
    allowed_letters = set.intersection(*known_sets) if known_sets else set()
    allowed = ", ".join(sorted(allowed_letters)) or None
    use = part.building.anvandning
    common = dict(
        subject=ctx.subject(part.id, proposal_id, part),
        measured=use or "–",
        allowed=allowed or "–",
        quote=ctx.quote(use_regs),
    )
    regulation = ",".join(r.id for r in use_regs)
    if use is None:
        msg = ctx.t("plancheck.msg.use_missing", **common)
        return _check("land_use", MANUAL, None, allowed, msg, "", part, regulation)
    # fails only where an area's recognised uses all exclude it and nothing unknown is there
    definite_no = any(
        use not in {r.letter for r in regs} and all(r.letter for r in regs)
        for regs in by_area.values()
    )
    if definite_no:
        msg = ctx.t("plancheck.msg.use_fail", **common)
        return _check("land_use", FAIL, use, allowed, msg, "", part, regulation)
    if uncertain:
        msg = ctx.t("plancheck.msg.use_unknown", **common)
        return _check("land_use", MANUAL, use, allowed, msg, "", part, regulation)
    msg = ctx.t("plancheck.msg.use_ok", **common)
    return _check("land_use", PASS, use, allowed, msg, "", part, regulation)


def _pair_areas(tree: shapely.STRtree, geoms, eroded, regs_geoms):
    """(geometry index, regulation index, overlap area, overlap area after erosion) arrays."""
    gi, ri = tree.query(geoms, predicate="intersects")
    if len(gi) == 0:
        empty = np.array([], dtype=float)
        return gi, ri, empty, empty
    full = shapely.area(shapely.intersection(geoms[gi], regs_geoms[ri]))
    shrunk = shapely.area(shapely.intersection(eroded[gi], regs_geoms[ri]))
    return gi, ri, full, shrunk


def _erode(geoms, tolerance_m: float):
    if tolerance_m <= 0:
        return geoms
    return shapely.buffer(geoms, -tolerance_m, join_style="mitre")


def check_proposals(
    plan: Plan,
    proposals: Proposals | Iterable[Proposal],
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    lang: str = DEFAULT_LANG,
) -> list[ProposalResult]:
    """Check every proposal against ``plan``; see the module docstring for the rules.

    ``proposals`` is what :func:`kit.plans.reader.read_proposals` returns (reprojected to the
    plan's CRS when in another one) or any iterable of :class:`~kit.plans.reader.Proposal` in
    the plan's CRS. ``tolerance_m`` (metres, ≥ 0) is how far a footprint may cross a boundary
    without counting. Messages are Swedish, or English with ``lang="en"``.

    First every footprint is overlaid on the plan at once (:func:`_overlay`); then each proposal
    gets its buildings' checks (:func:`_building_checks`, part by part for a multi-part
    building) and its property's (:func:`_property_checks`).
    """
    lang = check_lang(lang)
    if tolerance_m < 0:
        raise PlanError(f"tolerance must be zero or more metres, got {tolerance_m}")
    if isinstance(proposals, Proposals):
        proposals = proposals.to_crs(plan.crs)
    items = list(proposals)
    ctx = _Context(lang, tolerance_m)
    overlay = _overlay(plan, items, tolerance_m)
    return [_check_proposal(ctx, plan, overlay, p, prop) for p, prop in enumerate(items)]


@dataclass
class _Overlay:
    """Every building (part) and property of a run overlaid on the plan's regulations."""

    parts: list[_Part]  # every building, or part of one, in order
    parts_of: dict[int, list[int]]  # proposal index → its positions in ``parts``
    # part position → (regulation, overlap area, overlap area of the shrunk part)
    on_building: dict[int, list[tuple[int, float, float]]]
    # proposal index → (regulation on its property, overlap area with the property)
    on_property: dict[int, list[tuple[int, float]]]
    outside_area: np.ndarray  # per part: area outside the plan
    outside_shrunk: np.ndarray  # the same for the shrunk part
    off_property_area: np.ndarray  # per part: area outside its proposal's property
    off_property_shrunk: np.ndarray  # the same for the shrunk part


def _overlay(plan: Plan, items: list[Proposal], tolerance_m: float) -> _Overlay:
    """All building parts and properties at once: which regulations each overlaps, by how
    much, and how much of each part lies outside the plan area and outside its property.

    A regulation counts on a property when the property shrunk by the tolerance overlaps it
    (by more than ``AREA_EPS``), or, for a line or point regulation, touches it."""
    parts = _parts(items)
    bgeoms = np.array([part.geometry for part in parts], dtype=object)
    pgeoms = np.array([prop.property for prop in items], dtype=object)
    beroded = _erode(bgeoms, tolerance_m)
    on_building = _on_buildings(plan, bgeoms, beroded)
    on_property = _on_properties(plan, pgeoms, _erode(pgeoms, tolerance_m))
    outside_area, outside_shrunk = _outside(plan.geometry, bgeoms, beroded)
    own = pgeoms[np.array([part.proposal for part in parts], dtype=np.int64)]
    off_area, off_shrunk = _outside(own, bgeoms, beroded)
    parts_of: dict[int, list[int]] = defaultdict(list)
    for k, part in enumerate(parts):
        parts_of[part.proposal].append(k)
    return _Overlay(
        parts,
        parts_of,
        on_building,
        on_property,
        outside_area,
        outside_shrunk,
        off_area,
        off_shrunk,
    )


def _on_buildings(plan: Plan, geoms, eroded) -> dict[int, list[tuple[int, float, float]]]:
    """Building position → (regulation, overlap area, overlap area of the shrunk building)
    for every regulation the building intersects."""
    b_i, b_r, b_full, b_shrunk = _pair_areas(plan.tree, geoms, eroded, plan.geometries)
    out: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for k in range(len(b_i)):
        out[int(b_i[k])].append((int(b_r[k]), float(b_full[k]), float(b_shrunk[k])))
    return out


def _on_properties(plan: Plan, geoms, eroded) -> dict[int, list[tuple[int, float]]]:
    """Proposal index → (regulation, overlap area with the property) for every regulation on
    the property: the shrunk property overlaps its area, or reaches a line or point one."""
    regs, rgeoms = plan.regulations, plan.geometries
    p_i, p_r, p_full, p_shrunk = _pair_areas(plan.tree, geoms, eroded, rgeoms)
    touch = shapely.intersects(eroded[p_i], rgeoms[p_r]) if len(p_i) else np.array([], dtype=bool)
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for k in range(len(p_i)):
        r = int(p_r[k])
        if p_shrunk[k] > AREA_EPS or (not regs[r].is_area and touch[k]):
            out[int(p_i[k])].append((r, float(p_full[k])))
    return out


def _outside(area, geoms, eroded) -> tuple[np.ndarray, np.ndarray]:
    """(area of each geometry outside ``area``, the same for its eroded form); zero for those
    within it, which are most and are found with one prepared ``within``. ``area`` is one
    geometry or an array with one per geometry."""
    shapely.prepare(area)
    inside = shapely.within(geoms, area) if len(geoms) else np.array([], dtype=bool)
    full = np.zeros(len(geoms))
    shrunk = np.zeros(len(geoms))
    if len(geoms) and not inside.all():
        idx = np.flatnonzero(~inside)
        at = area[idx] if isinstance(area, np.ndarray) else area
        full[idx] = shapely.area(shapely.difference(geoms[idx], at))
        shrunk[idx] = shapely.area(shapely.difference(eroded[idx], at))
    return full, shrunk


def _check_proposal(
    ctx: _Context, plan: Plan, ov: _Overlay, p: int, prop: Proposal
) -> ProposalResult:
    """The checks of proposal ``p`` (its buildings', then its property's) and its verdict;
    ``no_checks`` (manual) when nothing applied."""
    pid = prop.proposal_id
    prop_regs = {r: area for r, area in ov.on_property.get(p, [])}
    built_in: dict[int, float] = defaultdict(float)  # regulation → summed footprint inside
    checks: list[Check] = []
    for k in ov.parts_of.get(p, []):
        for r, full, _ in ov.on_building.get(k, []):
            built_in[r] += full
        checks += _building_checks(ctx, plan, ov, k, prop_regs, pid)
    checks += _property_checks(ctx, plan, prop, prop_regs, built_in)
    if not checks:
        checks.append(Check("no_checks", MANUAL, None, None, ctx.t("plancheck.msg.no_checks"), ""))
    return ProposalResult(pid, verdict(c.status for c in checks), checks, prop)


def _building_checks(
    ctx: _Context, plan: Plan, ov: _Overlay, k: int, prop_regs: dict[int, float], pid: str
) -> list[Check]:
    """One building's (or building part's) checks: outside the plan, outside its property,
    land use, prickmark, heights.

    It stands on a regulation's area when its shrunk footprint overlaps it. Every prickmark on
    the property is checked, also one it does not reach (a pass)."""
    regs = plan.regulations
    part = ov.parts[k]
    hits = ov.on_building.get(k, [])
    overlap = {r: full for r, full, _ in hits}
    stands_on = [r for r, _, shrunk in hits if shrunk > AREA_EPS]
    outside = ov.outside_shrunk[k] > AREA_EPS
    checks = []
    if outside:
        checks.append(_outside_plan_check(ctx, part, float(ov.outside_area[k]), pid))
    if ov.off_property_shrunk[k] > AREA_EPS:
        checks.append(_outside_property_check(ctx, part, float(ov.off_property_area[k]), pid))
    use_regs = [regs[r] for r in stands_on if regs[r].typ == USE]
    if use_regs:
        checks.append(_land_use_check(ctx, part, use_regs, plan.area_keys, pid))
    elif not outside:
        checks.append(_no_land_use_check(ctx, part, pid))
    prickmarks = {r for r in prop_regs if _is_prickmark(regs[r])}
    for r in sorted(prickmarks | {r for r in stands_on if _is_prickmark(regs[r])}):
        checks.append(
            _prickmark_check(ctx, regs[r], part, overlap.get(r, 0.0), r in stands_on, pid)
        )
    for r in stands_on:
        rule = regs[r].rule
        if rule and rule.attribute in ("nockhojd", "totalhojd"):
            measured = getattr(part.building, rule.attribute)
            checks.append(_limit_check(ctx, regs[r], measured, pid, part))
    return checks


def _property_checks(
    ctx: _Context,
    plan: Plan,
    prop: Proposal,
    prop_regs: dict[int, float],
    built_in: dict[int, float],
) -> list[Check]:
    """The property's checks, one per regulation on it: byggnadsarea (m², or % of the
    property's area within the regulation's area), fastighetsstorlek, and the regulations the
    kit does not interpret (manual)."""
    pid = prop.proposal_id
    checks = []
    for r, prop_area in prop_regs.items():
        reg = plan.regulations[r]
        rule = reg.rule
        if rule is None:
            msg = ctx.t("plancheck.msg.unknown", quote=ctx.quote([reg]))
            checks.append(Check("unknown_regulation", MANUAL, None, None, msg, "", None, reg.id))
        elif rule.attribute == "building_area":
            checks.append(_limit_check(ctx, reg, built_in.get(r, 0.0), pid))
        elif rule.attribute == "building_area_pct":
            pct = 100.0 * built_in.get(r, 0.0) / prop_area
            checks.append(_limit_check(ctx, reg, pct, pid))
        elif rule.attribute == "plot_area":
            checks.append(_limit_check(ctx, reg, float(prop.property.area), pid))
    return checks


def _outside_plan_check(ctx: _Context, part: _Part, area: float, pid: str) -> Check:
    """A building reaching outside the plan area: manual, the part outside is not checked."""
    msg = ctx.t(
        "plancheck.msg.outside_plan",
        subject=ctx.subject(part.id, pid, part),
        measured=ctx.num(area),
    )
    return _check("outside_plan", MANUAL, _round(area), 0.0, msg, "m²", part)


def _outside_property_check(ctx: _Context, part: _Part, area: float, pid: str) -> Check:
    """A building reaching over its property's boundary by more than the tolerance: fail."""
    msg = ctx.t(
        "plancheck.msg.outside_property",
        subject=ctx.subject(part.id, pid, part),
        measured=ctx.num(area),
        tolerance=ctx.num(ctx.tol),
    )
    return _check("outside_property", FAIL, _round(area), 0.0, msg, "m²", part)


def _no_land_use_check(ctx: _Context, part: _Part, pid: str) -> Check:
    """A building inside the plan that stands on no användningsbestämmelse: manual."""
    use = part.building.anvandning
    msg = ctx.t(
        "plancheck.msg.use_none", subject=ctx.subject(part.id, pid, part), measured=use or "–"
    )
    return _check("land_use", MANUAL, use, None, msg, "", part)


def _is_prickmark(reg: Regulation) -> bool:
    return reg.rule is not None and reg.rule.rule == "prickmark"


def _prickmark_check(
    ctx: _Context, reg: Regulation, part: _Part, overlap: float, beyond: bool, pid: str
) -> Check:
    common = dict(
        subject=ctx.subject(part.id, pid, part),
        measured=ctx.num(overlap),
        tolerance=ctx.num(ctx.tol),
        quote=ctx.quote([reg]),
    )
    if beyond:
        msg = ctx.t("plancheck.msg.prickmark_fail", **common)
        return _check("prickmark", FAIL, _round(overlap), 0.0, msg, "m²", part, reg.id)
    key = "plancheck.msg.prickmark_edge" if overlap > AREA_EPS else "plancheck.msg.prickmark_ok"
    msg = ctx.t(key, **common)
    return _check("prickmark", PASS, _round(overlap), 0.0, msg, "m²", part, reg.id)


def check_files(
    plan_path: Any,
    proposals_path: Any,
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    lang: str = DEFAULT_LANG,
) -> list[ProposalResult]:
    """Read a plan and a proposals file (paths, bytes or parsed JSON) and check them."""
    from kit.plans.reader import read_plan, read_proposals

    plan = read_plan(plan_path)
    proposals = read_proposals(proposals_path, crs=plan.crs)
    return check_proposals(plan, proposals, tolerance_m=tolerance_m, lang=lang)


def results_json(results: Iterable[ProposalResult]) -> dict[str, Any]:
    """``{"proposals": [{"proposal_id", "verdict", "checks": [{"rule", "status", "measured",
    "allowed", "message"}]}]}``"""
    return {"proposals": [r.to_dict() for r in results]}


def summarise(results: list[ProposalResult]) -> dict[str, float | int]:
    """Counts and shares (in %) of proposals by verdict; ``share_auto_decided`` is pass + fail."""
    n = len(results)
    counts = {s: sum(r.verdict == s for r in results) for s in STATUSES}

    def share(k: int) -> float:
        return 100.0 * k / n if n else 0.0

    return {
        "n_proposals": n,
        "n_pass": counts[PASS],
        "n_fail": counts[FAIL],
        "n_manual": counts[MANUAL],
        "share_pass": share(counts[PASS]),
        "share_fail": share(counts[FAIL]),
        "share_manual": share(counts[MANUAL]),
        "share_auto_decided": share(counts[PASS] + counts[FAIL]),
    }


def results_frame(results: Iterable[ProposalResult], lang: str = DEFAULT_LANG):
    """One row per check (pandas DataFrame) with localised column names, for tables and export."""
    import pandas as pd

    lang = check_lang(lang)
    rows = []
    for res in results:
        for c in res.checks:
            rows.append(
                {
                    t("plancheck.col.proposal", lang): res.proposal_id,
                    t("plancheck.col.verdict", lang): t(f"plancheck.status.{res.verdict}", lang),
                    t("plancheck.col.building", lang): _building_label(c, lang),
                    t("plancheck.col.rule", lang): t(f"plancheck.rule.{c.rule}", lang),
                    t("plancheck.col.status", lang): t(f"plancheck.status.{c.status}", lang),
                    t("plancheck.col.measured", lang): _display(c.measured, lang),
                    t("plancheck.col.allowed", lang): _display(c.allowed, lang),
                    t("plancheck.col.unit", lang): c.unit,
                    t("plancheck.col.message", lang): c.message,
                }
            )
    return pd.DataFrame(rows)


def _building_label(check: Check, lang: str) -> str:
    """The building's id, with the part for a part of a multi-part building."""
    if check.part is None:
        return check.building or ""
    return t("plancheck.part", lang, id=check.building, part=check.part)


def _display(value: object, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | int):
        return format_number(float(value), lang)
    return str(value)
