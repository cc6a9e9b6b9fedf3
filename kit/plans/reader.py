"""Digital detailed plans (detaljplan) and building proposals: reading and validating them.

**Plans** come in Lantmäteriet's national specification *Detaljplan* 4.1 (media type
``application/vnd.lm.detaljplan.v4+json``): a FeatureCollection with one ``detaljplan`` feature
(the plan area in ``properties.plangeometri``) and one feature per planbestämmelse, whose
``feature:typ`` is ``användningsbestämmelse`` or ``egenskapsbestämmelse`` and whose area is in
``properties.bestammelsegeometri[].geometri.position`` (a GeoJSON geometry). Plain GeoJSON
features carrying the same properties, with the area in the feature's ``geometry``, are read
too. Other feature types (administrativa bestämmelser such as genomförandetid, map features)
do not regulate a building and are skipped. The coordinate system comes from
``koordinatsystemPlan`` (collection or detaljplan feature) or the legacy ``crs`` member; it must
be a projected system in metres (SWEREF 99 TM, EPSG:3006, or a local SWEREF 99 zone).

A regulation is recognised through Boverket's catalogue (:mod:`kit.plans.catalogue`) by its UUID in
``planbestammelsekatalogreferens``, else by its wording ``bestammelseformulering``. Its value is
taken from ``bestammelsevarde`` ([{datatyp, variabelvarde, vardetyp, enhet}]) or, failing that,
from the wording (Swedish decimal comma: ``8,5``). When both give a value they must agree.

**Proposals** (förslag) are a GeoJSON FeatureCollection (CRS from the legacy ``crs`` member,
default EPSG:3006). Each feature has ``properties.proposal_id`` and ``properties.role``:
``fastighet`` (the property polygon) or ``byggnad`` (a building footprint with ``anvandning``,
a land-use letter such as ``B``, and optional ``nockhojd`` and ``totalhojd`` in metres). A
proposal may have several buildings; several fastighet polygons are joined.

Every problem raises :class:`kit.errors.PlanError` naming the file and the feature (its index
in ``features``, 0-based, and its id): invalid or self-intersecting geometry, an unknown or
non-metric CRS, a missing ``proposal_id``, a plan whose användningsbestämmelser leave part of the
plan area uncovered (national validation rule, 10 cm tolerance).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from kit.config import DEFAULT_CRS
from kit.errors import PlanError
from kit.plans.catalogue import PROPERTY, USE, Catalogue, Entry, Rule, load_catalogue, parse_decimal

MEDIA_TYPE = "application/vnd.lm.detaljplan.v4+json"
COVERAGE_TOLERANCE_M = 0.1  # Lantmäteriet's validation: regulations cover the plan area

_FEATURE_TYPES = {"användningsbestämmelse": USE, "egenskapsbestämmelse": PROPERTY}
_ROLES = ("fastighet", "byggnad")
_GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}

Source = str | Path | dict | bytes


@dataclass
class Regulation:
    """One planbestämmelse of a plan: its area, wording, catalogue entry and value."""

    index: int  # position in the file's features
    id: str  # objektidentitet, else the feature id, else "#index"
    typ: str  # Användningsbestämmelse or Egenskapsbestämmelse
    wording: str  # bestammelseformulering, values filled in
    geometry: Any  # shapely geometry in the plan's CRS
    entry: Entry | None = None  # catalogue entry, None when not recognised
    value: float | None = None  # the regulated number (metres, m², %), if any
    recognised_by: str = ""  # "uuid", "wording" or "" (not recognised)
    label: str = ""  # the plan map's label (e1, h1, B …) when the file gives one

    @property
    def rule(self) -> Rule | None:
        """The check this regulation drives, or None when the kit does not interpret it
        (unknown entry, or a numeric rule without a value)."""
        rule = self.entry.rule if self.entry else None
        if rule is None or (rule.attribute and self.value is None):
            return None
        return rule

    @property
    def letter(self) -> str:
        """Land-use letter (B, C, K …) of a recognised användningsbestämmelse, else ``""``."""
        return self.entry.letter if self.entry else ""

    @property
    def is_area(self) -> bool:
        return self.geometry.geom_type in ("Polygon", "MultiPolygon")


@dataclass
class Plan:
    """A detailed plan: its area, regulations and coordinate system."""

    geometry: Any  # the plan area (plangeometri)
    crs: str  # e.g. "EPSG:3006"
    regulations: list[Regulation]
    source: str = "<data>"
    name: str = ""
    designation: str = ""  # beteckning
    municipality: str = ""  # kommun
    skipped: int = 0  # features of other types (administrativa bestämmelser, …)

    @cached_property
    def geometries(self):  # numpy array of the regulations' geometries, for vectorised work
        import numpy as np

        return np.array([r.geometry for r in self.regulations], dtype=object)

    @cached_property
    def area_keys(self) -> dict[int, int]:
        """Regulation index → number of its area, equal for bestämmelser drawn on the same
        geometry (e.g. B and C on one användningsområde)."""
        keys: dict[bytes, int] = {}
        blobs = shapely.to_wkb(shapely.normalize(self.geometries))
        return {
            reg.index: keys.setdefault(blob, len(keys))
            for reg, blob in zip(self.regulations, blobs, strict=True)
        }

    @cached_property
    def tree(self) -> shapely.STRtree:
        """Spatial index over the regulations' geometries (same order as ``regulations``)."""
        return shapely.STRtree(self.geometries)


@dataclass
class Building:
    """A building footprint of a proposal (byggnad)."""

    id: str
    geometry: Any
    anvandning: str | None = None  # land-use letter, e.g. "B"
    nockhojd: float | None = None  # ridge height, metres
    totalhojd: float | None = None  # total height, metres
    index: int = -1  # position in the file's features


@dataclass
class Proposal:
    """One building proposal (förslag): the property and its buildings."""

    proposal_id: str
    property: Any  # fastighet polygon
    buildings: list[Building] = field(default_factory=list)


@dataclass
class Proposals:
    """The proposals of one file, with the file's coordinate system."""

    items: list[Proposal]
    crs: str = DEFAULT_CRS
    source: str = "<data>"

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


# --- reading helpers --------------------------------------------------------------------------


def _load(source: Source, what: str) -> tuple[dict, str]:
    """JSON object and a display name from a path, raw bytes or an already-parsed dict."""
    if isinstance(source, dict):
        data, name = source, "<data>"
    elif isinstance(source, bytes | bytearray):
        name = "<upload>"
        text = bytes(source).decode("utf-8-sig", errors="replace")
    else:
        name = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise PlanError(f"{what} file not found", file=name) from None
        except OSError as exc:
            raise PlanError(f"cannot read {what}: {exc.strerror}", file=name) from None
    if not isinstance(source, dict):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PlanError(f"not JSON: {exc.msg} (line {exc.lineno})", file=name) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise PlanError(f"expected a GeoJSON FeatureCollection as {what}", file=name)
    if not isinstance(data.get("features"), list):
        raise PlanError("FeatureCollection has no 'features' list", file=name)
    return data, name


def _where(index: int, feature_id: object) -> str:
    return f"feature {index}" + (f" (id {feature_id!r})" if feature_id not in (None, "") else "")


@cache
def _checked_crs(code: str) -> str | None:
    """Error text when ``code`` is unknown or not in metres, else None."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(code)
    except CRSError:
        return f"unknown coordinate system {code!r}"
    units = {a.unit_name for a in crs.axis_info}
    if not crs.is_projected or units - {"metre"}:
        return (
            f"coordinate system {code!r} is not projected in metres; "
            "expected SWEREF 99 TM (EPSG:3006) or a SWEREF 99 zone"
        )
    return None


def normalise_crs(value: object, *, file: str = "<data>") -> str | None:
    """``"EPSG:3006"`` from ``EPSG:3006``, ``urn:ogc:def:crs:EPSG::3006``,
    ``http://www.opengis.net/def/crs/EPSG/0/3006``, a legacy GeoJSON ``crs`` member, or None.

    Raises PlanError for a CRS that is unknown or not projected in metres."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = (value.get("properties") or {}).get("name") or value.get("name")
        if value is None:
            raise PlanError("crs member has no properties.name", file=file)
    text = str(value).strip()
    m = re.search(r"EPSG(?:/\d+/|::?|:)(\d+)\s*$", text, re.IGNORECASE)
    code = f"EPSG:{m.group(1)}" if m else text
    problem = _checked_crs(code)
    if problem:
        raise PlanError(problem, file=file)
    return code


def _geometry_dicts(obj: object) -> list[dict]:
    """GeoJSON geometry objects inside a national-format geometry holder (lists of
    ``{geometri: {position: …}}``) or a bare geometry."""
    if isinstance(obj, list):
        return [g for item in obj for g in _geometry_dicts(item)]
    if not isinstance(obj, dict):
        return []
    if obj.get("type") in _GEOMETRY_TYPES:
        return [obj]
    for key in ("position", "geometri", "geometry"):
        if key in obj:
            return _geometry_dicts(obj[key])
    return []


def _to_shape(geoms: list[dict], where: str, file: str):
    """One valid shapely geometry from GeoJSON geometry objects."""
    shapes = []
    for g in geoms:
        try:
            s = shape(g)
        except Exception as exc:  # shapely raises several types for malformed coordinates
            raise PlanError(
                f"{where}: malformed {g.get('type')} geometry: {exc}", file=file
            ) from None
        if s.is_empty:
            raise PlanError(f"{where}: empty geometry", file=file)
        if not s.is_valid:
            reason = shapely.is_valid_reason(s)
            raise PlanError(
                f"{where}: invalid geometry ({reason}); expected simple, non-self-intersecting rings",
                file=file,
            )
        shapes.append(s)
    if not shapes:
        raise PlanError(f"{where}: no geometry", file=file)
    return shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)


def _feature_type(feature: dict) -> str:
    props = feature.get("properties") or {}
    typ = feature.get("feature:typ") or props.get("feature:typ") or ""
    return str(typ).strip().casefold()


def _regulation_value(
    entry: Entry | None, from_wording: dict[str, str], values: object, where: str, file: str
) -> float | None:
    """The regulated number from ``bestammelsevarde`` or else the wording."""
    numeric_vars = entry.numeric_variables if entry else []
    wording_value = None
    for name in numeric_vars:
        if from_wording.get(name):
            wording_value = parse_decimal(from_wording[name])
            break
    given = None
    if values not in (None, []):
        items = values if isinstance(values, list) else [values]
        numbers = []
        for item in items:
            if not isinstance(item, dict):
                raise PlanError(f"{where}: bestammelsevarde items must be objects", file=file)
            if str(item.get("datatyp", "decimaltal")).casefold() not in ("decimaltal", "heltal"):
                continue
            raw = item.get("variabelvarde", item.get("varde"))
            try:
                number = parse_decimal(raw)
            except (ValueError, TypeError):
                raise PlanError(
                    f"{where}: bestammelsevarde {raw!r} is not a number (expected e.g. 8,5)",
                    file=file,
                ) from None
            numbers.append((str(item.get("vardetyp", "")).casefold(), number))
        if numbers:
            wanted = {n.casefold() for n in numeric_vars}
            given = next((n for kind, n in numbers if kind in wanted), numbers[0][1])
    if given is not None and wording_value is not None and abs(given - wording_value) > 1e-9:
        raise PlanError(
            f"{where}: bestammelsevarde {given:g} does not match the wording "
            f"(which says {wording_value:g}); the values must match the wording's variables",
            file=file,
        )
    return given if given is not None else wording_value


def _regulation(feature: dict, index: int, typ: str, catalogue: Catalogue, file: str) -> Regulation:
    props = feature.get("properties") or {}
    rid = props.get("objektidentitet") or feature.get("id") or f"#{index}"
    where = _where(index, rid)
    wording = str(props.get("bestammelseformulering") or "").strip()
    holder = props.get("bestammelsegeometri")
    geoms = _geometry_dicts(holder) if holder is not None else []
    if not geoms:
        geoms = _geometry_dicts(feature.get("geometry"))
    geometry = _to_shape(geoms, where, file)

    entry = catalogue.by_id(props.get("planbestammelsekatalogreferens"))
    recognised_by = "uuid" if entry else ""
    from_wording: dict[str, str] = {}
    if entry is not None and wording:
        from_wording = entry.match(wording) or {}
    elif entry is None and wording:
        found = catalogue.by_wording(wording, typ or None)
        if found:
            entry, from_wording = found
            recognised_by = "wording"
    if entry is not None and not typ:
        typ = entry.typ
    if not wording and entry is not None:
        wording = entry.formulering
    try:
        value = _regulation_value(entry, from_wording, props.get("bestammelsevarde"), where, file)
    except ValueError as exc:
        raise PlanError(f"{where}: {exc}", file=file) from None
    label = str(props.get("beteckning") or props.get("etikett") or "")
    return Regulation(index, str(rid), typ, wording, geometry, entry, value, recognised_by, label)


def read_plan(
    source: Source, *, catalogue: Catalogue | None = None, check_coverage: bool = True
) -> Plan:
    """Read and validate a detailed plan (Detaljplan 4.1 JSON, or plain GeoJSON features).

    ``source`` is a path, the file's bytes or the parsed JSON object. ``catalogue`` defaults to
    the bundled Planbestämmelsekatalogen subset. With ``check_coverage`` the
    användningsbestämmelser must cover the plan area: every point of it within
    :data:`COVERAGE_TOLERANCE_M` (10 cm) of one.
    """
    data, file = _load(source, "plan")
    catalogue = catalogue or load_catalogue()
    crs_value = data.get("koordinatsystemPlan") or data.get("crs")
    plan_feature: tuple[int, dict] | None = None
    regulations: list[Regulation] = []
    skipped = 0
    for i, feature in enumerate(data["features"]):
        if not isinstance(feature, dict):
            raise PlanError(f"feature {i}: expected a GeoJSON Feature object", file=file)
        props = feature.get("properties") or {}
        ftype = _feature_type(feature)
        if ftype == "detaljplan" or (not ftype and "plangeometri" in props):
            if plan_feature is not None:
                raise PlanError(
                    f"{_where(i, feature.get('id'))}: a second detaljplan feature", file=file
                )
            plan_feature = (i, feature)
            crs_value = crs_value or props.get("koordinatsystemPlan")
        elif ftype in _FEATURE_TYPES or (
            not ftype
            and ("planbestammelsekatalogreferens" in props or "bestammelseformulering" in props)
        ):
            regulations.append(
                _regulation(feature, i, _FEATURE_TYPES.get(ftype, ""), catalogue, file)
            )
        else:
            skipped += 1
    if plan_feature is None:
        raise PlanError(
            "no detaljplan feature (feature:typ 'detaljplan' with plangeometri); "
            f"expected a Detaljplan 4.1 delivery ({MEDIA_TYPE})",
            file=file,
        )
    if not regulations:
        raise PlanError("the plan has no användnings- or egenskapsbestämmelser", file=file)
    if crs_value is None:
        crs_value = next(
            (
                f.get("properties", {}).get("koordinatsystemPlan")
                for f in data["features"]
                if isinstance(f, dict) and (f.get("properties") or {}).get("koordinatsystemPlan")
            ),
            DEFAULT_CRS,
        )
    crs = normalise_crs(crs_value, file=file) or DEFAULT_CRS

    pi, pf = plan_feature
    pprops = pf.get("properties") or {}
    geoms = _geometry_dicts(pprops.get("plangeometri")) or _geometry_dicts(pf.get("geometry"))
    area = _to_shape(
        geoms, _where(pi, pprops.get("objektidentitet") or pf.get("id")) + " plangeometri", file
    )
    if area.geom_type not in ("Polygon", "MultiPolygon"):
        raise PlanError(f"{_where(pi, pf.get('id'))}: plangeometri must be a polygon", file=file)
    plan = Plan(
        geometry=area,
        crs=crs,
        regulations=regulations,
        source=file,
        name=str(pprops.get("namn") or ""),
        designation=str(pprops.get("beteckning") or ""),
        municipality=str(pprops.get("kommun") or ""),
        skipped=skipped,
    )
    if check_coverage:
        _check_coverage(plan)
    return plan


def _check_coverage(plan: Plan) -> None:
    uses = [r.geometry for r in plan.regulations if r.typ == USE and r.is_area]
    covered = shapely.union_all(uses) if uses else shapely.Polygon()
    gap = plan.geometry.difference(covered.buffer(COVERAGE_TOLERANCE_M))
    if gap.area > 0:
        point = gap.representative_point()
        raise PlanError(
            f"the användningsbestämmelser do not cover the plan area: {gap.area:.2f} m² uncovered "
            f"near ({point.x:.1f}, {point.y:.1f}) beyond the {COVERAGE_TOLERANCE_M * 100:.0f} cm "
            "tolerance",
            file=plan.source,
        )


def _height(props: dict, key: str, where: str, file: str) -> float | None:
    raw = props.get(key)
    if raw in (None, ""):
        return None
    try:
        value = parse_decimal(raw)
    except (ValueError, TypeError):
        raise PlanError(
            f"{where}: {key} {raw!r} is not a number of metres (e.g. 8,5)", file=file
        ) from None
    if value < 0:
        raise PlanError(
            f"{where}: {key} {raw!r} is negative; expected metres above ground", file=file
        )
    return value


def read_proposals(source: Source, *, crs: str | None = None) -> Proposals:
    """Read and validate building proposals (a GeoJSON FeatureCollection, see the module docs).

    ``source`` is a path, bytes or parsed JSON. When ``crs`` (the plan's) is given, the file's
    coordinate system must be the same; otherwise it is only checked to be known and metric.
    """
    data, file = _load(source, "proposals")
    file_crs = normalise_crs(data.get("crs"), file=file) or DEFAULT_CRS
    if crs is not None and normalise_crs(crs, file=file) != file_crs:
        raise PlanError(
            f"coordinate system {file_crs} differs from the plan's {crs}; "
            "reproject the proposals to the plan's system",
            file=file,
        )
    order: list[str] = []
    properties: dict[str, list] = {}
    buildings: dict[str, list[Building]] = {}
    for i, feature in enumerate(data["features"]):
        if not isinstance(feature, dict):
            raise PlanError(f"feature {i}: expected a GeoJSON Feature object", file=file)
        props = feature.get("properties") or {}
        pid = props.get("proposal_id")
        if pid is None or str(pid).strip() == "":
            raise PlanError(
                f"{_where(i, feature.get('id'))}: missing properties.proposal_id", file=file
            )
        pid = str(pid).strip()
        fid = props.get("id") or feature.get("id")
        where = f"{_where(i, fid)} of proposal {pid!r}"
        role = str(props.get("role") or "").strip().casefold()
        if role not in _ROLES:
            raise PlanError(
                f"{where}: role {props.get('role')!r}; expected 'fastighet' or 'byggnad'", file=file
            )
        geometry = _to_shape(_geometry_dicts(feature.get("geometry")), where, file)
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise PlanError(
                f"{where}: {role} must be a polygon, not {geometry.geom_type}", file=file
            )
        if pid not in properties:
            order.append(pid)
            properties[pid] = []
            buildings[pid] = []
        if role == "fastighet":
            properties[pid].append(geometry)
            continue
        use = props.get("anvandning")
        use = (str(use).strip().upper() or None) if use is not None else None
        buildings[pid].append(
            Building(
                id=str(fid or f"{pid}-{len(buildings[pid]) + 1}"),
                geometry=geometry,
                anvandning=use,
                nockhojd=_height(props, "nockhojd", where, file),
                totalhojd=_height(props, "totalhojd", where, file),
                index=i,
            )
        )
    items = []
    for pid in order:
        if not properties[pid]:
            raise PlanError(f"proposal {pid!r} has no feature with role 'fastighet'", file=file)
        prop = (
            properties[pid][0] if len(properties[pid]) == 1 else shapely.union_all(properties[pid])
        )
        items.append(Proposal(pid, prop, buildings[pid]))
    if not items:
        raise PlanError("no proposals (the FeatureCollection is empty)", file=file)
    return Proposals(items, crs=file_crs, source=file)
