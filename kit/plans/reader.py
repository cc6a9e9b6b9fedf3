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

**Proposals** (förslag) are a GeoJSON FeatureCollection. Their coordinate system is the
legacy ``crs`` member: SWEREF 99 TM, another SWEREF 99 zone (EPSG:3007–3018) or any metric
system pyproj knows, or WGS 84 (``urn:ogc:def:crs:OGC:1.3:CRS84``, EPSG:4326; x = longitude);
proposals in a system other than the plan's are reprojected to it with pyproj. Without a
``crs`` member they are SWEREF 99 TM, unless every coordinate lies outside SWEREF 99 TM's
bounds for Sweden and inside Sweden's longitude/latitude box: then they are WGS 84 (what
RFC 7946 GeoJSON, which has no ``crs`` member, always is) and are reprojected, with a
:class:`PlanWarning` saying so. Each feature has ``properties.proposal_id`` and ``properties.role``:
``fastighet`` (the property polygon) or ``byggnad`` (a building footprint with ``anvandning``,
a land-use letter such as ``B``, and optional ``nockhojd`` and ``totalhojd`` in metres). A
proposal may have several buildings; several fastighet polygons are joined.

Every problem raises :class:`kit.errors.PlanError` naming the file and the feature (its index
in ``features``, 0-based, and its id): invalid or self-intersecting geometry, an unknown or
non-metric CRS, a missing ``proposal_id``, a plan whose användningsbestämmelser leave part of the
plan area uncovered (national validation rule, 10 cm tolerance).

Files must be UTF-8 (JSON is, RFC 8259; a byte-order mark is allowed, and UTF-16 with one):
another encoding is refused with the line of the first byte that is not UTF-8, rather than
guessed, since a wrong guess (Latin-1 and Windows-1252 decode any bytes) would silently change
the wordings regulations are recognised by. JSON nested deeper than Python's recursion limit
(about 1,000 levels; GeoJSON needs fewer than 20) is refused with one line too.
"""

from __future__ import annotations

import codecs
import json
import re
import warnings
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from kit.config import DEFAULT_CRS
from kit.errors import PlanError
from kit.plans.catalogue import PROPERTY, USE, Catalogue, Entry, Rule, load_catalogue, parse_decimal

MEDIA_TYPE = "application/vnd.lm.detaljplan.v4+json"
WGS84 = "OGC:CRS84"  # WGS 84 longitude, latitude: what RFC 7946 GeoJSON without a crs member is
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

    def to_crs(self, crs: str) -> Proposals:
        """The proposals reprojected to ``crs`` (themselves when already in it)."""
        crs = normalise_crs(crs, file=self.source) or DEFAULT_CRS
        if crs == self.crs:
            return self
        return Proposals(_reproject(self.items, self.crs, crs, self.source), crs, self.source)


class PlanWarning(UserWarning):
    """Issued when a plan or proposals file is read on an assumption the user should know of
    (the CLI prints it as one line)."""


# --- reading helpers --------------------------------------------------------------------------


def _load(source: Source, what: str) -> tuple[dict, str]:
    """JSON object and a display name from a path, raw bytes or an already-parsed dict."""
    if isinstance(source, dict):
        data, name = source, "<data>"
    else:
        if isinstance(source, bytes | bytearray):
            name, raw = "<upload>", bytes(source)
        else:
            name = str(source)
            try:
                raw = Path(source).read_bytes()
            except FileNotFoundError:
                raise PlanError(f"{what} file not found", file=name) from None
            except OSError as exc:
                raise PlanError(f"cannot read {what}: {exc.strerror}", file=name) from None
        data = _parse_json(_decode(raw, name), name)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise PlanError(f"expected a GeoJSON FeatureCollection as {what}", file=name)
    if not isinstance(data.get("features"), list):
        raise PlanError("FeatureCollection has no 'features' list", file=name)
    return data, name


def _decode(raw: bytes, name: str) -> str:
    """The text of a JSON file: UTF-8 (a byte-order mark is allowed), or UTF-16 with a BOM.

    Any other encoding is refused rather than guessed (JSON is UTF-8, RFC 8259): a Latin-1
    file decodes without error as Windows-1252 or as Latin-1, but wrongly if it is neither,
    and a wrong guess would silently change wordings the catalogue matches on."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass  # reported below as not UTF-8
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start]
        try:
            char = bytes([byte]).decode("cp1252")
            guess = f" ({char!r} in Latin-1/Windows-1252: the file looks Latin-1 encoded)"
        except UnicodeDecodeError:
            guess = ""
        raise PlanError(
            f"not UTF-8: byte 0x{byte:02X} cannot be decoded{guess}; "
            "GeoJSON must be UTF-8 (RFC 8259): save the file as UTF-8",
            file=name,
            row=line,
        ) from None


def _parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"not JSON: {exc.msg} (line {exc.lineno})", file=name) from None
    except RecursionError:
        raise PlanError(_TOO_DEEP, file=name) from None


_TOO_DEEP = (
    "JSON nested too deeply to read (more than about 1,000 levels of arrays or objects; "
    "a GeoJSON file needs fewer than 20)"
)


def _where(index: int, feature_id: object) -> str:
    return f"feature {index}" + (f" (id {feature_id!r})" if feature_id not in (None, "") else "")


@cache
def _checked_crs(code: str, geographic: bool = False) -> str | None:
    """Error text when ``code`` is unknown or not in metres (nor, with ``geographic``, in
    degrees of longitude and latitude), else None."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(code)
    except CRSError:
        return f"unknown coordinate system {code!r}"
    units = {a.unit_name for a in crs.axis_info}
    if geographic and crs.is_geographic and units <= {"degree", "metre"}:
        return None
    if not crs.is_projected or units - {"metre"}:
        return (
            f"coordinate system {code!r} is not projected in metres; "
            "expected SWEREF 99 TM (EPSG:3006) or a SWEREF 99 zone"
            + (", or WGS 84 (EPSG:4326, OGC:CRS84) to be reprojected" if geographic else "")
        )
    return None


def normalise_crs(value: object, *, file: str = "<data>", geographic: bool = False) -> str | None:
    """``"EPSG:3006"`` from ``EPSG:3006``, ``urn:ogc:def:crs:EPSG::3006``,
    ``http://www.opengis.net/def/crs/EPSG/0/3006``, a legacy GeoJSON ``crs`` member, or None;
    ``"OGC:CRS84"`` from ``urn:ogc:def:crs:OGC:1.3:CRS84``.

    Raises PlanError for a CRS that is unknown or not projected in metres (with
    ``geographic``, one in longitude/latitude degrees such as WGS 84 is accepted too)."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = (value.get("properties") or {}).get("name") or value.get("name")
        if value is None:
            raise PlanError("crs member has no properties.name", file=file)
    text = str(value).strip()
    m = re.search(r"EPSG(?:/\d+/|::?|:)(\d+)\s*$", text, re.IGNORECASE)
    code = f"EPSG:{m.group(1)}" if m else text
    if re.search(r"OGC(?:/[\d.]+/|:[\d.]*:|:)CRS84$", code, re.IGNORECASE):
        code = WGS84
    problem = _checked_crs(code, geographic)
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
        except RecursionError:
            raise  # reported as too deeply nested by the caller
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
    try:
        plan = _plan_from(data, file, catalogue or load_catalogue())
    except RecursionError:
        raise PlanError(_TOO_DEEP, file=file) from None
    if check_coverage:
        _check_coverage(plan)
    return plan


def _plan_from(data: dict, file: str, catalogue: Catalogue) -> Plan:
    """The plan of a parsed Detaljplan 4.1 (or plain GeoJSON) FeatureCollection."""
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
    return Plan(
        geometry=area,
        crs=crs,
        regulations=regulations,
        source=file,
        name=str(pprops.get("namn") or ""),
        designation=str(pprops.get("beteckning") or ""),
        municipality=str(pprops.get("kommun") or ""),
        skipped=skipped,
    )


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

    ``source`` is a path, bytes or parsed JSON. ``crs`` is the coordinate system wanted (the
    plan's): proposals in another one are reprojected to it with pyproj. Without ``crs`` they
    stay in the file's system, except that longitude/latitude go to SWEREF 99 TM (the checks
    measure in metres). The file's system is its ``crs`` member (any metric system pyproj
    knows, or WGS 84); without one, see :func:`_undeclared_crs`.
    """
    data, file = _load(source, "proposals")
    try:
        declared = normalise_crs(data.get("crs"), file=file, geographic=True)
        wanted = normalise_crs(crs, file=file) if crs is not None else None
        items = _proposal_items(data["features"], file)
        file_crs = declared or _undeclared_crs(items, file, wanted or DEFAULT_CRS)
        target = wanted or (DEFAULT_CRS if _is_geographic(file_crs) else file_crs)
        if file_crs != target:
            items = _reproject(items, file_crs, target, file)
    except RecursionError:
        raise PlanError(_TOO_DEEP, file=file) from None
    return Proposals(items, crs=target, source=file)


def _proposal_items(features: list, file: str) -> list[Proposal]:
    """The proposals of a file, in order of first appearance: each its fastighet polygons
    joined and its buildings."""
    order: list[str] = []
    properties: dict[str, list] = {}
    buildings: dict[str, list[Building]] = {}
    for i, feature in enumerate(features):
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
    return items


# SWEREF 99 TM's area of use (Sweden, onshore and offshore) in its own metres, and in WGS 84
# longitude/latitude; from pyproj's EPSG database.
SWEDEN_SWEREF99TM = (181_896.0, 6_090_353.0, 1_086_313.0, 7_689_479.0)
SWEDEN_LONLAT = (10.03, 54.96, 24.17, 69.07)


def _undeclared_crs(items: list[Proposal], file: str, target: str) -> str:
    """The coordinate system of a file without a ``crs`` member: SWEREF 99 TM (EPSG:3006),
    the kit's default, unless the coordinates cannot be SWEREF 99 TM in Sweden.

    Coordinates that all lie outside SWEREF 99 TM's bounds for Sweden but inside Sweden's
    longitude/latitude box are WGS 84 (as RFC 7946 GeoJSON, which has no ``crs`` member,
    always is): they are read as such, reprojected to ``target`` and a :class:`PlanWarning`
    says so. Coordinates that fit neither stay SWEREF 99 TM, with a warning that they lie
    outside Sweden."""
    x0, y0, x1, y1 = shapely.total_bounds(_geometries(items))
    if _within((x0, y0, x1, y1), SWEDEN_SWEREF99TM):
        return DEFAULT_CRS
    if _within((x0, y0, x1, y1), SWEDEN_LONLAT):
        warnings.warn(
            f"{file}: the file has no crs member and its coordinates (x {x0:g} to {x1:g}, "
            f"y {y0:g} to {y1:g}) cannot be SWEREF 99 TM metres in Sweden but are longitude "
            f"and latitude in Sweden: read as WGS 84 (as RFC 7946 GeoJSON is) and reprojected "
            f"to {target}; add "
            '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}} '
            "to the file to say so",
            PlanWarning,
            stacklevel=3,
        )
        return WGS84
    warnings.warn(
        f"{file}: the file has no crs member, so SWEREF 99 TM (EPSG:3006) is assumed, but its "
        f"coordinates (x {x0:g} to {x1:g}, y {y0:g} to {y1:g}) lie outside Sweden in it; "
        "give the file's coordinate system in a crs member",
        PlanWarning,
        stacklevel=3,
    )
    return DEFAULT_CRS


def _within(bounds: tuple, box: tuple) -> bool:
    x0, y0, x1, y1 = bounds
    return box[0] <= x0 and x1 <= box[2] and box[1] <= y0 and y1 <= box[3]


def _geometries(items: list[Proposal]) -> list:
    """Every geometry of the proposals: each property, then each building, in order."""
    return [p.property for p in items] + [b.geometry for p in items for b in p.buildings]


@cache
def _is_geographic(code: str) -> bool:
    from pyproj import CRS

    return CRS.from_user_input(code).is_geographic


@cache
def _transformer(source: str, target: str):
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)  # GeoJSON is x, y: E N / lon lat


def _reproject(items: list[Proposal], source: str, target: str, file: str) -> list[Proposal]:
    """Copies of the proposals with every geometry reprojected from ``source`` to ``target``
    (pyproj, GeoJSON's x/y axis order); PlanError when a geometry cannot be (outside the
    systems' area, or no longer valid)."""
    import numpy as np

    transformer = _transformer(source, target)

    def move(xy):
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    geoms = np.array(_geometries(items), dtype=object)
    moved = shapely.transform(geoms, move)
    ok = np.isfinite(shapely.bounds(moved)).all(axis=1) & shapely.is_valid(moved)
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        what = _describe(items, k)
        raise PlanError(
            f"{what} cannot be reprojected from {source} to {target} (outside the area of "
            "the coordinate systems, or invalid after reprojection)",
            file=file,
        )
    out, k = [], len(items)
    for i, p in enumerate(items):
        buildings = []
        for b in p.buildings:
            buildings.append(replace(b, geometry=moved[k]))
            k += 1
        out.append(Proposal(p.proposal_id, moved[i], buildings))
    return out


def _describe(items: list[Proposal], k: int) -> str:
    """Names the ``k``-th geometry of :func:`_geometries`."""
    if k < len(items):
        return f"the fastighet of proposal {items[k].proposal_id!r}"
    k -= len(items)
    for p in items:
        if k < len(p.buildings):
            b = p.buildings[k]
            return f"{_where(b.index, b.id)} of proposal {p.proposal_id!r}"
        k -= len(p.buildings)
    return "a geometry"  # pragma: no cover
