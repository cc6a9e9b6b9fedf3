"""Synthetic detailed plans and building proposals: the bundled samples and benchmark data.

The builders write the national Detaljplan 4.1 form (see :mod:`kit.plans.reader`) with real catalogue
UUIDs and wordings from Boverket's Planbestämmelsekatalogen, so tests, samples and the benchmark
go through the same reader as a real delivery. Everything is deterministic: the samples are the
same on every run, and the benchmark data depend only on the seed.

``python -m kit.samples.plans`` rewrites ``datasets/<kommun>/plan/`` for every bundled municipality.

The sample plan (local metres east/north of an origin in the town, SWEREF 99 TM)::

    y=100 +---------------------+---------------------+
          | B  e1 25 %          | B   ö (korsmark)    |
          |    h1 nock 8,5 m    |                     |
          |    d1 min 800 m²    +---------------------+ y=60
          |                     | C K  e2 600 m²      |
          |                     |      h2 total 16 m  |
    y=6   |.....prickmark.......|.....prickmark.......|
    y=0   +---------------------+---------------------+
          x=0                 x=100                 x=200
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from kit.config import DEFAULT_CRS, MUNICIPALITIES, datasets_dir
from kit.plans.catalogue import USE, Catalogue, load_catalogue

Polygon = list[list[list[float]]]


def rect(x0: float, y0: float, x1: float, y1: float, origin: tuple[float, float] = (0, 0)) -> dict:
    """GeoJSON Polygon of the rectangle (x0, y0)–(x1, y1), shifted by ``origin``, anticlockwise."""
    ox, oy = origin
    ring = [
        [ox + x0, oy + y0],
        [ox + x1, oy + y0],
        [ox + x1, oy + y1],
        [ox + x0, oy + y1],
        [ox + x0, oy + y0],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _swedish(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fill_wording(formulering: str, value: float | None = None, text: str = "") -> str:
    """A catalogue wording with its number variable set to ``value`` (decimal comma) and its
    text variables to ``text``."""

    def sub(m: re.Match) -> str:
        if m.group(2) in ("decimaltal", "heltal"):
            if value is None:
                raise ValueError(f"{formulering!r} needs a value")
            return _swedish(value)
        return text

    return re.sub(r"\[([^\[\]:]+):([^\[\]]+)\]", sub, formulering)


def regulation_feature(
    kod: str,
    geometry: dict,
    *,
    value: float | None = None,
    label: str = "",
    reference: bool = True,
    with_value: bool = True,
    wording: str | None = None,
    catalogue: Catalogue | None = None,
    seq: int = 0,
) -> dict:
    """A Detaljplan 4.1 planbestämmelse feature for catalogue entry ``kod``.

    ``reference=False`` leaves out the catalogue UUID (recognition by wording);
    ``with_value=False`` leaves out ``bestammelsevarde`` (value read from the wording);
    ``wording`` overrides the filled-in catalogue wording."""
    catalogue = catalogue or load_catalogue()
    entry = catalogue.by_kod(kod)
    if entry is None:
        raise KeyError(f"{kod} is not in the catalogue subset")
    props: dict[str, Any] = {
        "objektidentitet": str(uuid.uuid5(uuid.NAMESPACE_URL, f"testlab/{kod}/{seq}")),
        "bestammelseformulering": wording or fill_wording(entry.formulering, value),
        "bestammelsegeometri": [{"geometri": {"position": geometry}}],
    }
    if reference:
        props["planbestammelsekatalogreferens"] = entry.id
    if label:
        props["beteckning"] = label
    if value is not None and with_value:
        props["bestammelsevarde"] = [
            {
                "datatyp": "decimaltal",
                "variabelvarde": value,
                "vardetyp": entry.numeric_variables[0] if entry.numeric_variables else "",
                "enhet": _unit(entry.formulering),
            }
        ]
    typ = "användningsbestämmelse" if entry.typ == USE else "egenskapsbestämmelse"
    return {"type": "Feature", "feature:typ": typ, "geometry": None, "properties": props}


def _unit(formulering: str) -> str:
    if "%" in formulering:
        return "procent"
    if "m²" in formulering:
        return "kvadratmeter"
    return "meter"


def plan_collection(
    area: dict,
    regulations: list[dict],
    *,
    crs: str = DEFAULT_CRS,
    name: str = "Syntetisk exempelplan",
    designation: str = "",
    municipality: str = "",
) -> dict:
    """A Detaljplan 4.1 delivery: the detaljplan feature with ``area`` plus ``regulations``."""
    plan = {
        "type": "Feature",
        "feature:typ": "detaljplan",
        "geometry": None,
        "properties": {
            "objektidentitet": str(uuid.uuid5(uuid.NAMESPACE_URL, f"testlab/plan/{name}")),
            "kommun": municipality,
            "beteckning": designation,
            "namn": name,
            "syfte": "Syntetisk exempelplan för testlabbet – ingen verklig plan.",
            "status": "laga kraft",
            "plangeometri": [{"geometri": {"position": area}}],
        },
    }
    return {
        "type": "FeatureCollection",
        "mediatyp": "application/vnd.lm.detaljplan.v4+json",
        "koordinatsystemPlan": crs,
        "features": [plan, *regulations],
    }


def proposal_features(
    proposal_id: str, property_geometry: dict, buildings: list[dict], *, note: str = ""
) -> list[dict]:
    """GeoJSON features of one proposal: the fastighet and its byggnader.

    Each building dict has ``geometry`` and optional ``id``, ``anvandning``, ``nockhojd``,
    ``totalhojd``."""
    props = {"proposal_id": proposal_id, "role": "fastighet"}
    if note:
        props["beskrivning"] = note
    features = [{"type": "Feature", "geometry": property_geometry, "properties": props}]
    for n, b in enumerate(buildings, start=1):
        bprops: dict[str, Any] = {
            "proposal_id": proposal_id,
            "role": "byggnad",
            "id": b.get("id", f"{proposal_id}-{n}"),
        }
        for key in ("anvandning", "nockhojd", "totalhojd"):
            if b.get(key) is not None:
                bprops[key] = b[key]
        features.append({"type": "Feature", "geometry": b["geometry"], "properties": bprops})
    return features


def proposal_collection(features: list[dict], crs: str = DEFAULT_CRS) -> dict:
    """A FeatureCollection of proposal features with the legacy ``crs`` member."""
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs}},
        "features": features,
    }


# --- the bundled samples -----------------------------------------------------------------------

# What each sample proposal shows, and the verdict the plan check must give (tests read this).
SAMPLE_EXPECTED: dict[str, tuple[str, str]] = {
    "P01": ("pass", "Byggnadsarea och nockhöjd exakt vid gränsen (25 %, 8,5 m)"),
    "P02": ("fail", "Byggnad 1 m in på prickmark"),
    "P03": ("pass", "Byggnad 5 cm in på prickmark – inom toleransen 10 cm"),
    "P04": ("fail", "Två byggnader som var för sig ryms men tillsammans ger 25,4 %"),
    "P05": ("manual", "Nockhöjd och användning saknas i förslaget"),
    "P06": ("manual", "Byggnaden ligger delvis utanför planområdet"),
    "P07": ("fail", "Fastigheten är 700 m², minsta fastighetsstorlek 800 m²"),
    "P08": ("manual", "Korsmark: bestämmelse som inte tolkas automatiskt"),
    "P09": ("pass", "Centrum, byggnadsarea 600 m² och totalhöjd 16 m exakt vid gränsen"),
    "P10": ("fail", "Bostäder på C/K-mark, 625 m² > 600 m², totalhöjd 17,2 m > 16 m"),
}


def sample_origin(municipality: str) -> tuple[float, float]:
    """SWEREF 99 TM (E, N) of the sample plan's south-west corner, near the town centre."""
    from pyproj import Transformer

    lat, lon = MUNICIPALITIES[municipality].centre_wgs84
    e, n = Transformer.from_crs("EPSG:4326", DEFAULT_CRS, always_xy=True).transform(lon, lat)
    return float(round(e - 100)), float(round(n - 50))


def sample_plan(municipality: str) -> dict:
    """The bundled sample plan of ``municipality`` (see the module docstring for the layout)."""
    o = sample_origin(municipality)
    m = MUNICIPALITIES[municipality]
    west, east, north = (
        rect(0, 0, 100, 100, o),
        rect(100, 0, 200, 60, o),
        rect(100, 60, 200, 100, o),
    )
    regs = [
        regulation_feature("DP_KM_B2", west, label="B", seq=1),
        regulation_feature("DP_KM_C2", east, label="C", seq=2),
        regulation_feature("DP_KM_K2", east, label="K", seq=3),
        regulation_feature("DP_KM_B2", north, label="B", seq=4),
        regulation_feature(
            "DP_KM_Eg_Utnytt_StorstaAreaProc_ByggnadsEgen", west, value=25, label="e1", seq=5
        ),
        # recognised by its wording only: no catalogue reference, no bestammelsevarde
        regulation_feature(
            "DP_KM_Eg_Hojd_HogstaHojd_Nockhojd",
            west,
            value=8.5,
            label="h1",
            reference=False,
            with_value=False,
            seq=6,
        ),
        regulation_feature(
            "DP_KM_Eg_Fastighetsstorlek_Minsta_Minsta", west, value=800, label="d1", seq=7
        ),
        regulation_feature(
            "DP_KM_Eg_Utnytt_StorstaAreaKvm_Byggnadsarea", east, value=600, label="e2", seq=8
        ),
        regulation_feature(
            "DP_KM_Eg_Hojd_HogstaHojd_Totalhojd", east, value=16.0, label="h2", seq=9
        ),
        regulation_feature(
            "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_Prickmark",
            rect(0, 0, 200, 6, o),
            seq=10,
        ),
        regulation_feature(
            "DP_KM_Eg_BegransningAvMarkensUtnyttjande_TypByggnadsverk_Korsmark_KomplementOchAndra",
            north,
            seq=11,
        ),
    ]
    return plan_collection(
        rect(0, 0, 200, 100, o),
        regs,
        name=f"Syntetisk exempelplan {m.name}",
        designation=f"{m.code}-P-TEST1",
        municipality=m.code,
    )


def sample_proposals(municipality: str) -> dict:
    """The bundled sample proposals of ``municipality``; verdicts in :data:`SAMPLE_EXPECTED`."""
    o = sample_origin(municipality)

    def r(*xy: float) -> dict:
        return rect(*xy, origin=o)

    notes = {pid: note for pid, (_, note) in SAMPLE_EXPECTED.items()}
    features: list[dict] = []
    add = features.extend
    add(
        proposal_features(
            "P01",
            r(0, 0, 25, 40),
            [{"geometry": r(5, 10, 15, 35), "anvandning": "B", "nockhojd": 8.5}],
            note=notes["P01"],
        )
    )
    add(
        proposal_features(
            "P02",
            r(25, 0, 50, 40),
            [{"geometry": r(30, 5, 40, 20), "anvandning": "B", "nockhojd": 6.5}],
            note=notes["P02"],
        )
    )
    add(
        proposal_features(
            "P03",
            r(50, 0, 75, 40),
            [{"geometry": r(55, 5.95, 65, 20), "anvandning": "B", "nockhojd": 8.0}],
            note=notes["P03"],
        )
    )
    add(
        proposal_features(
            "P04",
            r(0, 40, 25, 80),
            [
                {"geometry": r(3, 45, 13, 60), "anvandning": "B", "nockhojd": 6.0},
                {"geometry": r(15, 62, 23, 75), "anvandning": "B", "nockhojd": 3.5},
            ],
            note=notes["P04"],
        )
    )
    add(
        proposal_features(
            "P05", r(25, 40, 50, 80), [{"geometry": r(30, 50, 40, 62)}], note=notes["P05"]
        )
    )
    add(
        proposal_features(
            "P06",
            r(50, 70, 75, 110),
            [{"geometry": r(55, 90, 65, 105), "anvandning": "B", "nockhojd": 7.0}],
            note=notes["P06"],
        )
    )
    add(
        proposal_features(
            "P07",
            r(75, 40, 95, 75),
            [{"geometry": r(80, 50, 88, 60), "anvandning": "B", "nockhojd": 5.0}],
            note=notes["P07"],
        )
    )
    add(
        proposal_features(
            "P08",
            r(120, 65, 150, 95),
            [{"geometry": r(125, 70, 135, 80), "anvandning": "B"}],
            note=notes["P08"],
        )
    )
    add(
        proposal_features(
            "P09",
            r(100, 0, 160, 60),
            [{"geometry": r(110, 15, 130, 45), "anvandning": "C", "totalhojd": 16.0}],
            note=notes["P09"],
        )
    )
    add(
        proposal_features(
            "P10",
            r(160, 0, 200, 60),
            [
                {"geometry": r(165, 10, 185, 30), "anvandning": "B", "totalhojd": 17.2},
                {"geometry": r(170, 35, 185, 50), "anvandning": "B", "totalhojd": 12.0},
            ],
            note=notes["P10"],
        )
    )
    return proposal_collection(features)


_README = """# Syntetisk exempelplan – {name}

Syntetisk exempelplan och syntetiska bygglovsförslag för labbet *Digital detaljplan*
(`labs/plan-check`) – ingen verklig plan, fastighet eller person. Genererad av
`python -m kit.samples.plans` (samma resultat varje gång).

- `detaljplan.json` – Lantmäteriets nationella specifikation Detaljplan 4.1
  (`application/vnd.lm.detaljplan.v4+json`), SWEREF 99 TM (EPSG:3006), med verkliga UUID:n och
  formuleringar ur Boverkets Planbestämmelsekatalogen.
- `forslag.geojson` – tio förslag (fastighet + byggnader), vart och ett med en `beskrivning`
  av vad det prövar.

{attribution}
"""


def write_samples(root: Path | None = None) -> list[Path]:
    """Write ``<root>/<kommun>/plan/{detaljplan.json, forslag.geojson, README.md}``."""
    from kit.plans.catalogue import ATTRIBUTION

    root = Path(root) if root else datasets_dir()
    written = []
    for mid, m in MUNICIPALITIES.items():
        folder = root / mid / "plan"
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in (
            ("detaljplan.json", sample_plan(mid)),
            ("forslag.geojson", sample_proposals(mid)),
        ):
            path = folder / name
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written.append(path)
        readme = folder / "README.md"
        readme.write_text(_README.format(name=m.name, attribution=ATTRIBUTION), encoding="utf-8")
        written.append(readme)
    return written


# --- benchmark data ----------------------------------------------------------------------------


def synthetic_plan(n_areas: int = 500, *, seed: int = 1, origin=(500_000.0, 6_400_000.0)) -> dict:
    """A plan of ``n_areas`` regulation areas: a grid of 40 × 40 m blocks, each with one
    användningsbestämmelse (B, C or K), one egenskapsbestämmelse (byggnadsarea %, nockhöjd,
    totalhöjd or m²) and, in every fourth block, a 4 m prickmark strip (areas counted together)."""
    import random

    rnd = random.Random(seed)
    uses = ["DP_KM_B2", "DP_KM_C2", "DP_KM_K2"]
    props = [
        ("DP_KM_Eg_Utnytt_StorstaAreaProc_ByggnadsEgen", (20, 40)),
        ("DP_KM_Eg_Hojd_HogstaHojd_Nockhojd", (6, 12)),
        ("DP_KM_Eg_Hojd_HogstaHojd_Totalhojd", (8, 20)),
        ("DP_KM_Eg_Utnytt_StorstaAreaKvm_Byggnadsarea", (200, 600)),
    ]
    n_blocks = max(1, round(n_areas / 2.25))
    cols = int(n_blocks**0.5) + 1
    regs: list[dict] = []
    seq = 0
    for b in range(n_blocks):
        x, y = (b % cols) * 40.0, (b // cols) * 40.0
        block = rect(x, y, x + 40, y + 40, origin)
        seq += 1
        regs.append(regulation_feature(rnd.choice(uses), block, seq=seq))
        kod, (lo, hi) = rnd.choice(props)
        seq += 1
        regs.append(regulation_feature(kod, block, value=float(rnd.randint(lo, hi)), seq=seq))
        if b % 4 == 0:
            seq += 1
            regs.append(
                regulation_feature(
                    "DP_KM_Eg_BegransningAvMarkensUtnyttjande_EjByggnadsverk_Prickmark",
                    rect(x, y, x + 40, y + 4, origin),
                    seq=seq,
                )
            )
    # the plan area is the union of the blocks (the last grid row may be partial)
    from shapely import union_all
    from shapely.geometry import mapping, shape

    blocks = [
        shape(r["properties"]["bestammelsegeometri"][0]["geometri"]["position"]) for r in regs
    ]
    area = union_all(blocks)
    return plan_collection(mapping(area), regs, name="Syntetisk prestandaplan")


def synthetic_proposals(
    n: int = 1000, *, n_areas: int = 500, seed: int = 2, origin=(500_000.0, 6_400_000.0)
) -> dict:
    """``n`` proposals on the blocks of :func:`synthetic_plan`: a 20 × 20 m property with one
    to three buildings of random size, use and height (some crossing a block edge)."""
    import random

    rnd = random.Random(seed)
    n_blocks = max(1, round(n_areas / 2.25))
    cols = int(n_blocks**0.5) + 1
    features: list[dict] = []
    for i in range(n):
        b = rnd.randrange(n_blocks)
        bx, by = (b % cols) * 40.0, (b // cols) * 40.0
        px, py = bx + rnd.choice((0.0, 20.0)), by + rnd.choice((0.0, 20.0))
        buildings = []
        for _k in range(rnd.randint(1, 3)):
            w, h = rnd.uniform(4, 9), rnd.uniform(4, 9)
            x0, y0 = px + rnd.uniform(0.5, 19.5 - w), py + rnd.uniform(0.5, 19.5 - h)
            buildings.append(
                {
                    "geometry": rect(x0, y0, x0 + w, y0 + h, origin),
                    "anvandning": rnd.choice("BBCK"),
                    "nockhojd": round(rnd.uniform(4, 12), 1),
                    "totalhojd": round(rnd.uniform(5, 16), 1) if rnd.random() < 0.7 else None,
                }
            )
        features.extend(
            proposal_features(f"S{i:04d}", rect(px, py, px + 20, py + 20, origin), buildings)
        )
    return proposal_collection(features)


if __name__ == "__main__":  # pragma: no cover
    for p in write_samples():
        print(p)
