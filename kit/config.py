"""Where things are: repository, labs, datasets, build output; and the bundled municipalities.

Paths come from here only. Environment variables override the defaults so tests, schedulers
and other checkouts can point the kit elsewhere:

``TESTLAB_ROOT``      project root holding ``labs/`` (default: the nearest ancestor of the
                      working directory that has ``labs/``, else this repository)
``TESTLAB_DATASETS``  datasets folder (default: ``<repository>/datasets``)
``TESTLAB_BUILD``     generated output (default: ``<project root>/build``)
``TESTLAB_TILES``     basemap of the dashboards' maps, loaded by the viewer's browser: an
                      ``{z}/{x}/{y}`` tile URL template, or ``none`` (default: OpenStreetMap,
                      see :func:`tiles`); ``TESTLAB_TILES_ATTRIBUTION`` its attribution text
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = "testlab"
DEFAULT_CRS = "EPSG:3006"  # SWEREF 99 TM
LOCAL_TZ = "Europe/Stockholm"


def project_root() -> Path:
    """Folder holding ``labs/`` and ``templates/`` for this invocation."""
    env = os.environ.get("TESTLAB_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "labs").is_dir():
            return folder
    return REPO_ROOT


def labs_dir() -> Path:
    return project_root() / "labs"


def templates_dir() -> Path:
    local = project_root() / "templates"
    return local if local.is_dir() else REPO_ROOT / "templates"


def datasets_dir() -> Path:
    env = os.environ.get("TESTLAB_DATASETS")
    return Path(env).resolve() if env else REPO_ROOT / "datasets"


def build_dir() -> Path:
    env = os.environ.get("TESTLAB_BUILD")
    return Path(env).resolve() if env else project_root() / "build"


TILES_ENV = "TESTLAB_TILES"
TILES_ATTRIBUTION_ENV = "TESTLAB_TILES_ATTRIBUTION"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: Lantmäteriet's open topographic web map (Topografisk webbkarta Visning, CC BY 4.0), the
#: documented alternative to OpenStreetMap: needs a free key from Lantmäteriet's API portal
#: in place of ``<key>`` (``testlab serve --tiles URL`` or ``TESTLAB_TILES=URL``), with
#: ``TESTLAB_TILES_ATTRIBUTION="© Lantmäteriet"``.
LANTMATERIET_TILES = (
    "https://api.lantmateriet.se/open/topowebb-ccby/v1/wmts/token/<key>/1.0.0/"
    "topowebb/default/3857/{z}/{y}/{x}.png"
)


def tiles() -> tuple[str, str | None]:
    """(tile URL template or ``"none"``, attribution or None) the maps use by default."""
    url = os.environ.get(TILES_ENV, "").strip() or OSM_TILES
    return url, os.environ.get(TILES_ATTRIBUTION_ENV) or None


@dataclass(frozen=True)
class Municipality:
    """A bundled pilot municipality (kommun)."""

    id: str  # folder name under datasets/, ASCII
    name: str  # Swedish name
    code: str  # kommunkod (SCB)
    population: int
    cases_per_year: int  # permit cases a year, sample-data scale
    centre_wgs84: tuple[float, float]  # (lat, lon) of the main town
    bbox_wgs84: tuple[
        float, float, float, float
    ]  # (min_lon, min_lat, max_lon, max_lat), approximate


MUNICIPALITIES: dict[str, Municipality] = {
    m.id: m
    for m in (
        Municipality(
            "alingsas",
            "Alingsås",
            "1489",
            42_000,
            600,
            (57.930, 12.533),
            (12.25, 57.80, 12.80, 58.10),
        ),
        Municipality(
            "linkoping",
            "Linköping",
            "0580",
            168_000,
            2_200,
            (58.411, 15.621),
            (15.20, 58.15, 16.05, 58.62),
        ),
        Municipality(
            "umea", "Umeå", "2480", 134_000, 1_500, (63.826, 20.263), (19.55, 63.55, 20.85, 64.15)
        ),
    )
}


def municipality(mid: str) -> Municipality:
    from kit.errors import UsageError

    try:
        return MUNICIPALITIES[mid]
    except KeyError:
        known = ", ".join(MUNICIPALITIES)
        raise UsageError(f"unknown municipality {mid!r}; expected one of: {known}") from None
