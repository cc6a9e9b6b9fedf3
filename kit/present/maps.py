"""Folium maps that work on a closed network, and SWEREF 99 → WGS 84 reprojection.

folium loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so its maps are blank
inside a municipality's network without internet. The maps made here instead carry Leaflet
and Leaflet.markercluster *inline*, read from the Python packages ``xstatic-leaflet`` and
``xstatic-leaflet-markercluster``; the other CDN assets are dropped (our maps do not use
them). The map is shown in a notebook or Voilà as an ``<iframe srcdoc=…>``, so inlining is
the only way that needs no file server.

The one remaining network address is the basemap's tile URL template. Without network the
basemap cannot load: the map then drops the tile attribution, shows a light paper
background, and the vector layers (case points, district areas, plan areas) still show, so
it is never a grey void. The default basemap is OpenStreetMap; the setting
``kit.config.tiles()`` (environment variable ``TESTLAB_TILES``, or ``testlab serve --tiles``)
points the kit at another tile server (an ``{z}/{x}/{y}`` URL template, or ``none`` for no
basemap), e.g. Lantmäteriet's open topographic web map (``kit.config.LANTMATERIET_TILES``),
with ``TESTLAB_TILES_ATTRIBUTION`` for its attribution text.

Coordinates in the kit's tables are SWEREF 99 TM (EPSG:3006) or a local SWEREF 99 zone
(EPSG:3007–3018); web maps need WGS 84 longitude/latitude, see :func:`to_wgs84`.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import folium
import numpy as np
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from kit.config import DEFAULT_CRS, OSM_TILES, TILES_ATTRIBUTION_ENV, TILES_ENV  # noqa: F401
from kit.errors import DataError
from kit.labels import DEFAULT_LANG, number, t

OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bidragsgivare'
)

# Lead time colour bins in days: within 4 weeks, within the 10-week limit, within an extended
# limit (10 + 10 weeks), beyond. Colour-blind safe sequence (viridis-like ends, red for late).
LEAD_TIME_BINS: tuple[tuple[float, str], ...] = (
    (28.0, "#1a9850"),
    (70.0, "#91cf60"),
    (140.0, "#fc8d59"),
    (math.inf, "#d73027"),
)
MISSING_COLOUR = "#8c8c8c"
MAX_ZOOM = 19  # street level; OpenStreetMap's and Lantmäteriet's tiles go this far

# --- offline assets ---------------------------------------------------------------------

# folium asset names (Map/MarkerCluster default_js/default_css) -> (xstatic package, file)
_INLINE_ASSETS: dict[str, tuple[str, str]] = {
    "leaflet": ("leaflet", "leaflet.js"),
    "leaflet_css": ("leaflet", "leaflet.css"),
    "markerclusterjs": ("leaflet_markercluster", "leaflet.markercluster.js"),
    "markerclustercss": ("leaflet_markercluster", "MarkerCluster.css"),
    "markerclusterdefaultcss": ("leaflet_markercluster", "MarkerCluster.Default.css"),
}
# folium's defaults that only serve Bootstrap/Awesome markers, which our maps do not use
_DROPPED_ASSETS = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
# id attribute on inlined vendor blocks, so tests and tools can tell vendor code from ours
VENDOR_ATTR = "data-testlab-vendor"


def _package_dir(package: str) -> Path:
    if package == "leaflet":
        import xstatic.pkg.leaflet as pkg
    else:
        import xstatic.pkg.leaflet_markercluster as pkg
    return Path(pkg.BASE_DIR)


@functools.cache
def _asset_text(name: str) -> str:
    package, filename = _INLINE_ASSETS[name]
    text = (_package_dir(package) / filename).read_text(encoding="utf-8")
    if filename == "leaflet.css":
        # relative image URLs would resolve against the notebook server; embed them instead
        images = _package_dir("leaflet") / "images"

        def data_uri(match: re.Match[str]) -> str:
            png = (images / match.group(1)).read_bytes()
            return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

        text = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, text)
    # a literal "</script" or "</style" would end the inline block early
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


@functools.cache
def _default_icon_script() -> str:
    """Point Leaflet's default marker icon at embedded images (it would look for files)."""
    images = _package_dir("leaflet") / "images"

    def uri(name: str) -> str:
        return "data:image/png;base64," + base64.b64encode((images / name).read_bytes()).decode()

    options = {
        "iconUrl": uri("marker-icon.png"),
        "iconRetinaUrl": uri("marker-icon-2x.png"),
        "shadowUrl": uri("marker-shadow.png"),
    }
    return f"L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({json.dumps(options)});"


@functools.cache
def _inline_block(name: str) -> str:
    text = _asset_text(name)
    if name == "leaflet":
        text += "\n" + _default_icon_script()
    tag = "script" if _INLINE_ASSETS[name][1].endswith(".js") else "style"
    return f'<{tag} {VENDOR_ATTR}="{name}">\n{text}\n</{tag}>'


class _Raw(Element):
    """Text that goes into the page as it is.

    branca wraps every rendered piece in ``Element(text)``, which compiles the text as a
    Jinja template: slow for inline Leaflet (150 kB) and case data, and a ``{{`` in a data
    value (a district or property name) would be evaluated as template code.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _RawMacro(MacroElement):
    """A :class:`MacroElement` whose rendered header/html/script are put in as :class:`_Raw`
    (see there); as a base after a folium class (``class X(folium.GeoJson, _RawMacro)``) it
    takes the place of ``MacroElement.render`` for that class."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("a map element can only be rendered inside a map")
        macros = self._template.module.__dict__
        for part, parent in (
            ("header", figure.header),
            ("html", figure.html),
            ("script", figure.script),
        ):
            macro = macros.get(part)
            if macro is not None:
                parent.add_child(_Raw(str(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def _inline_element(name: str) -> Element:
    return _Raw(_inline_block(name))


def _make_offline(figure: Figure) -> None:
    """Replace CDN links in ``figure``'s header by inline assets; drop the unused ones.

    Raises :class:`kit.errors.KitError` when an element asks for a remote asset the kit does
    not bundle: the map would silently be broken on a closed network otherwise.
    """
    from kit.errors import KitError

    header = figure.header
    for name, child in list(header._children.items()):
        if not isinstance(child, JavascriptLink | CssLink):
            continue
        if name in _INLINE_ASSETS:
            element = _inline_element(name)
            element._parent = header
            header._children[name] = element  # same key keeps the load order
        elif name in _DROPPED_ASSETS:
            del header._children[name]
        elif re.match(r"(?i)^(https?:)?//", str(child.url)):
            raise KitError(
                f"the map needs {name!r} from {child.url}, which is not bundled for offline use; "
                "use kit.present.maps layers or add the asset to kit.present.maps._INLINE_ASSETS"
            )


class OfflineMap(folium.Map):
    """A :class:`folium.Map` whose rendered HTML loads nothing from the network but tiles.

    Works with ``display(m)``, ``m._repr_html_()``, ``m.get_root().render()`` and
    ``m.save(path)``: the CDN links folium and its plugins add are swapped for inline
    Leaflet/MarkerCluster code at render time.
    """

    def render(self, **kwargs: Any) -> None:
        super().render(**kwargs)
        # children (plugins) have added their links by now; the header renders after us
        _make_offline(self.get_root())

    def _repr_html_(self, **kwargs: Any) -> str:
        # branca puts "Make this Notebook Trusted to load map" above the frame (in English,
        # on Swedish pages too); the frame covers it only once drawn, and prints show it
        return _TRUST_NOTE.sub("", super()._repr_html_(**kwargs))


_TRUST_NOTE = re.compile(r"<span[^>]*>Make this Notebook Trusted[^<]*</span>")


class _TileFallback(_RawMacro):
    """When the basemap's tiles cannot load (closed network) and none has loaded: remove the
    tile attribution (it would credit a map nobody sees) and give the map a paper background,
    so the vector layers stand on something rather than on grey."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this.map_name }}, layer = {{ this.layer_name }}, loaded = 0, gone = false;
            layer.on("tileload", function() { loaded++; });
            layer.on("tileerror", function() {
                if (loaded || gone) { return; }
                gone = true;
                if (map.attributionControl) {
                    map.attributionControl.removeAttribution(layer.getAttribution());
                }
                map.getContainer().classList.add("testlab-no-tiles");
                map.getContainer().style.background = "#f4f1ea";
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, m: folium.Map, layer: folium.TileLayer) -> None:
        super().__init__()
        self._name = "TileFallback"
        self.map_name = m.get_name()
        self.layer_name = layer.get_name()


# --- tiles -----------------------------------------------------------------------------------


def _tile_layer(tiles: str | None, lang: str) -> folium.TileLayer | None:
    attribution: str | None = None
    if tiles == "default":
        from kit.config import tiles as configured

        tiles, attribution = configured()
    if tiles is None or str(tiles).strip().lower() in ("", "none"):
        return None
    if tiles == OSM_TILES and attribution is None:
        attribution = OSM_ATTRIBUTION
        if lang == "en":
            attribution = attribution.replace("-bidragsgivare", " contributors")
    if not re.search(r"\{z\}.*\{x\}.*\{y\}", tiles) and not re.search(
        r"\{z\}.*\{y\}.*\{x\}", tiles
    ):
        from kit.errors import UsageError

        raise UsageError(
            f"tile URL {tiles!r} must be a template with {{z}}, {{x}} and {{y}}, "
            "e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (or 'none' for no basemap)"
        )
    return folium.TileLayer(
        tiles=tiles,
        attr=attribution or tiles.split("/{z}")[0],
        name=t("map.basemap", lang),
        max_zoom=MAX_ZOOM,
    )


def offline_map(
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    location: Sequence[float] | None = None,
    zoom_start: int = 12,
    tiles: str | None = "default",
    lang: str = DEFAULT_LANG,
    ratio: str = "60%",
) -> OfflineMap:
    """An empty map with inline Leaflet and a configurable basemap.

    ``bounds``: ``((south, west), (north, east))`` in WGS 84 degrees; the map fits them.
    ``location``: ``(lat, lon)`` centre when no bounds are given (default: Sweden).
    ``tiles``: ``"default"`` (``$TESTLAB_TILES`` or OpenStreetMap), a tile URL template with
    ``{z}``, ``{x}``, ``{y}``, or ``None`` for no basemap (bakgrundskarta).
    ``ratio``: height as a share of the width when shown in a notebook.
    """
    if location is None:
        if bounds is not None:
            (s, w), (n, e) = bounds
            location = ((s + n) / 2, (w + e) / 2)
        else:
            location, zoom_start = (62.0, 15.0), 5
    # the map's own zoom range: without a tile layer (tiles=None) nothing else sets it, and
    # Leaflet.markercluster refuses to cluster ("Map has no maxZoom specified")
    # (folium's max_zoom only reaches its default tile layer, not the map's options)
    m = OfflineMap(location=list(location), zoom_start=zoom_start, tiles=None, prefer_canvas=False)
    m.options["max_zoom"] = MAX_ZOOM
    m.get_root().ratio = ratio
    layer = _tile_layer(tiles, lang)
    if layer is not None:
        layer.add_to(m)
        _TileFallback(m, layer).add_to(m)
    if bounds is not None:
        (s, w), (n, e) = bounds
        if s == n and w == e:  # a single point: fit_bounds would zoom in without end
            pad = 0.01
            s, w, n, e = s - pad, w - pad, n + pad, e + pad
        m.fit_bounds([[s, w], [n, e]])
    return m


def map_html(m: folium.Map) -> str:
    """The map as one standalone HTML document (inline Leaflet; only tiles come from afar)."""
    if not isinstance(m, OfflineMap):
        raise TypeError("map_html expects a map made by kit.present.maps.offline_map")
    return m.get_root().render()


# --- reprojection ----------------------------------------------------------------------------


def _normalise_crs(crs: object) -> str:
    text = str(crs).strip()
    if re.fullmatch(r"\d{4,5}", text):
        return f"EPSG:{text}"
    return text


@functools.lru_cache(maxsize=32)
def _transformer(crs: str):
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError:
        raise DataError(
            f"unknown coordinate reference system {crs!r}; expected an EPSG code such as "
            "EPSG:3006 (SWEREF 99 TM) or EPSG:3007–3018 (local SWEREF 99 zones)",
            column="crs",
        ) from None
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def to_wgs84(x: Any, y: Any, crs: str = DEFAULT_CRS) -> tuple[np.ndarray, np.ndarray]:
    """``(lon, lat)`` arrays in WGS 84 degrees for coordinates ``x`` (east), ``y`` (north).

    ``x``, ``y``: numbers or array-likes in metres of ``crs``: SWEREF 99 TM ``EPSG:3006``
    (the default), a local SWEREF 99 zone ``EPSG:3007``–``EPSG:3018``, a bare code such as
    ``"3006"``, or anything else pyproj knows. Raises :class:`kit.errors.DataError` for an
    unknown CRS.
    """
    lon, lat = _transformer(_normalise_crs(crs)).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    )
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def geometry_to_wgs84(geom: Any, crs: str = DEFAULT_CRS) -> Any:
    """A shapely geometry in ``crs`` (e.g. a plan area in SWEREF 99) as WGS 84 lon/lat."""
    import shapely

    transformer = _transformer(_normalise_crs(crs))

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, project)


# --- case points -----------------------------------------------------------------------------


_CLUSTER_CSS = (
    "<style>.testlab-cluster{background:rgba(255,255,255,.65)}"
    ".testlab-cluster div{margin:4px;text-align:center;font:600 12px system-ui,sans-serif;"
    "color:#1f2328;box-shadow:0 0 0 1px #333}"
    ".testlab-cluster span{background:rgba(255,255,255,.8);padding:0 3px;border-radius:3px}</style>"
)


class _CasePoints(JSCSSMixin, _RawMacro):
    """Circle markers built by one JS loop from a compact payload (folium's per-marker
    templates take seconds and megabytes for thousands of cases).

    The payload (``var cases = {...}``) is columnar, because the map travels inside an
    ``<iframe srcdoc="…">`` where every ``"`` of the document becomes ``&quot;``: a JSON array
    of per-case popup HTML strings grew to about 300 bytes a case that way.

    * ``lat0`` + ``lat`` / ``lon0`` + ``lon``: WGS 84 degrees in whole 1e-5 degrees (about a
      metre): the minimum, then each case's offset from it;
    * ``colours``: the palette, and ``colour``: one palette index per case (a digit string
      when the palette has at most 10 entries, else a list);
    * ``heads``: the popup field labels; ``cols``: per field either ``{"v": values joined by
      TAB}`` or, when values repeat, ``{"d": distinct values joined by TAB, "i": indices}``
      (one decimal digit each, or ``"w"`` base-36 digits each for more than 10 values).

    Popups are built on click with ``textContent``, so values need no HTML escaping and cannot
    inject markup; ``<`` is written as ``\\u003c`` so no value can end the ``<script>`` early.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.header_css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var d = {{ this.payload_json }};
            var heads = d.heads, cols = d.cols.map(function(col) {
                return col.v !== undefined ? {v: col.v.split("\\t")}
                                           : {d: col.d.split("\\t"), i: col.i, w: col.w};
            });
            function value(c, k) {
                var col = cols[c];
                if (col.v) { return col.v[k]; }
                if (col.w) { return col.d[parseInt(col.i.substr(k * col.w, col.w), 36)]; }
                return col.d[+col.i[k]];
            }
            function popup(layer) {
                var k = layer.options.caseIndex, box = document.createElement("div");
                for (var c = 0; c < heads.length; c++) {
                    if (c) { box.appendChild(document.createElement("br")); }
                    var b = document.createElement("b");
                    b.textContent = heads[c];
                    box.appendChild(b);
                    box.appendChild(document.createTextNode(": " + value(c, k)));
                }
                return box;
            }
            // a cluster takes the colour of the MEDIAN value of the cases it holds, on the
            // legend's bins (value <= upper); its label stays the number of cases
            function clusterIcon(cluster) {
                var ms = cluster.getAllChildMarkers(), vals = [];
                for (var i = 0; i < ms.length; i++) {
                    var v = ms[i].options.value;
                    if (v !== null && v !== undefined) { vals.push(v); }
                }
                vals.sort(function(a, b) { return a - b; });
                var h = vals.length >> 1, fill = d.missing;
                if (vals.length && d.bins) {
                    var med = vals.length % 2 ? vals[h] : (vals[h - 1] + vals[h]) / 2;
                    fill = d.bins.colours[d.bins.colours.length - 1];
                    for (var b = 0; b < d.bins.uppers.length; b++) {
                        if (d.bins.uppers[b] === null || med <= d.bins.uppers[b]) {
                            fill = d.bins.colours[b]; break;
                        }
                    }
                }
                var n = ms.length, size = n < 100 ? 36 : n < 1000 ? 42 : 50;
                return L.divIcon({
                    html: '<div style="background:' + fill + ';width:' + (size - 8) + 'px;height:'
                        + (size - 8) + 'px;border-radius:' + size + 'px;line-height:' + (size - 8)
                        + 'px"><span>' + n.toLocaleString(d.locale) + '</span></div>',
                    className: "marker-cluster testlab-cluster",
                    iconSize: L.point(size, size)});
            }
            var options = {{ this.cluster_options }};
            if (d.bins) { options.iconCreateFunction = clusterIcon; }
            var group = {% if this.cluster %}L.markerClusterGroup(options)
                        {% else %}L.featureGroup(){% endif %};
            // coordinates come as whole 1e-5 degrees above the smallest (about a metre)
            var lat = d.lat.map(function(v) { return (d.lat0 + v) / 1e5; });
            var lon = d.lon.map(function(v) { return (d.lon0 + v) / 1e5; });
            var colour = d.colour, colours = d.colours;
            var values = d.value || [];
            var markers = new Array(lat.length);
            for (var k = 0; k < lat.length; k++) {
                var mk = L.circleMarker([lat[k], lon[k]], {radius: {{ this.radius }},
                    color: "#333", weight: 1, fillColor: colours[+colour[k]],
                    fillOpacity: 0.85, className: "testlab-case", caseIndex: k,
                    value: values[k] === undefined ? null : values[k]});
                markers[k] = mk;
            }
            // one popup for the group, filled for the clicked case: a popup bound to each
            // marker took most of the time to build a map of 20,000 cases
            if (heads.length) { group.bindPopup(popup); }
            group.addLayers ? group.addLayers(markers) : markers.forEach(function(m) { group.addLayer(m); });
            group.addTo({{ this._parent.get_name() }});
            window.{{ this.get_name() }} = group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict[str, Any], *, cluster: bool, radius: int = 6) -> None:
        super().__init__()
        self._name = "CasePoints"
        self.payload_json = _script_json(payload)
        self.cluster = cluster
        self.radius = radius
        self.header_css = _CLUSTER_CSS if cluster else ""
        self.cluster_options = json.dumps(
            {"disableClusteringAtZoom": 15, "maxClusterRadius": 50, "chunkedLoading": True}
        )
        self.default_js = (
            [("markerclusterjs", "inline:leaflet.markercluster.js")] if cluster else []
        )
        self.default_css = (
            [
                ("markerclustercss", "inline:MarkerCluster.css"),
                ("markerclusterdefaultcss", "inline:MarkerCluster.Default.css"),
            ]
            if cluster
            else []
        )


def _script_json(value: Any) -> str:
    """JSON safe inside an inline ``<script>``: no ``<`` at all, so no ``</script>`` or
    ``<!--`` can appear (JSON only has ``<`` inside strings, where ``\\u003c`` means the same)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(i: int, width: int) -> str:
    out = ""
    for _ in range(width):
        i, r = divmod(i, 36)
        out = _DIGITS36[r] + out
    return out


def _popup_column(values: Sequence[str]) -> dict[str, Any]:
    """One popup field, TAB-joined; as distinct values plus indices when that is shorter.

    Up to 10 distinct values: one decimal digit per row (``i``). More (e.g. the received
    dates of 20,000 cases, about 1,800 distinct days): ``w`` base-36 digits per row.
    """
    cleaned = [str(v).replace("\t", " ").replace("\n", " ") for v in values]
    distinct = list(dict.fromkeys(cleaned))
    plain = {"v": "\t".join(cleaned)}
    if len(distinct) * 4 >= len(cleaned):
        return plain
    if len(distinct) <= 10:
        index = {v: str(i) for i, v in enumerate(distinct)}
        return {"d": "\t".join(distinct), "i": "".join(index[v] for v in cleaned)}
    width = 1
    while 36**width < len(distinct):
        width += 1
    index = {v: _base36(i, width) for i, v in enumerate(distinct)}
    packed = {"d": "\t".join(distinct), "i": "".join(index[v] for v in cleaned), "w": width}
    return packed if len(packed["d"]) + len(packed["i"]) < len(plain["v"]) else plain


def _compact_degrees(name: str, degrees: Any) -> dict[str, Any]:
    """Degrees as whole 1e-5 degrees (about a metre, the 5 decimals the map used to carry)
    above their minimum, ``{name + "0": minimum, name: [offsets]}``: "52034," instead of
    "58.41234," per case, a fifth less of a 20,000-case map. The page computes
    ``(name0 + offset) / 1e5``."""
    units = np.rint(np.asarray(degrees, dtype=float) * 1e5).astype(np.int64)
    base = int(units.min()) if len(units) else 0
    return {f"{name}0": base, name: (units - base).tolist()}


def case_points_payload(
    lat: np.ndarray,
    lon: np.ndarray,
    colours: Sequence[str],
    popups: dict[str, Sequence[str]],
    *,
    values: Sequence[float] | None = None,
    bins: Sequence[tuple[float, str]] | None = None,
    lang: str = DEFAULT_LANG,
) -> dict[str, Any]:
    """The compact case-point payload :class:`_CasePoints` draws (see its docstring).

    ``lat``, ``lon``: WGS 84 degrees; ``colours``: one ``"#rrggbb"`` per point; ``popups``:
    field label → one text per point (shown as plain text, in insertion order).
    ``values`` (one number per point, NaN = missing) and ``bins`` (the legend's colour bins)
    let a cluster take the colour of the median value of its cases.
    """
    palette = list(dict.fromkeys(colours))
    code = {c: i for i, c in enumerate(palette)}
    idx = [code[c] for c in colours]
    return {
        **_compact_degrees("lat", lat),
        **_compact_degrees("lon", lon),
        "colours": palette,
        "colour": "".join(map(str, idx)) if len(palette) <= 10 else idx,
        "heads": list(popups),
        "cols": [_popup_column(v) for v in popups.values()],
        "value": None
        if values is None
        else [None if v != v else round(float(v), 2) for v in np.asarray(values, dtype=float)],
        "bins": None
        if bins is None
        else {
            "uppers": [None if math.isinf(u) else float(u) for u, _ in bins],
            "colours": [c for _, c in bins],
        },
        "missing": MISSING_COLOUR,
        "locale": "sv-SE" if lang == "sv" else "en-GB",
    }


class _Legend(_RawMacro):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "testlab-legend");
                div.innerHTML = {{ this.html_json }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, entries: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        rows = "".join(
            f'<div><span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
            f'background:{colour};border:1px solid #333;margin-right:6px"></span>'
            f"{html.escape(label)}</div>"
            for colour, label in entries
        )
        box = (
            '<div style="background:rgba(255,255,255,.9);padding:6px 8px;border-radius:4px;'
            'font:12px/1.5 system-ui,sans-serif;box-shadow:0 0 4px rgba(0,0,0,.3)">'
            f"<b>{html.escape(title)}</b>{rows}</div>"
        )
        self.html_json = json.dumps(box).replace("</", "<\\/")


def _number(value: float, lang: str = DEFAULT_LANG) -> str:
    return number(value, lang, 0 if float(value).is_integer() else 1)


def _bin_legend(bins: Sequence[tuple[float, str]], unit: str, lang: str) -> list[tuple[str, str]]:
    entries = []
    lower: float | None = None
    for upper, colour in bins:
        if math.isinf(upper):
            label = f"> {_number(lower, lang)} {unit}" if lower is not None else t("map.all", lang)
        elif lower is None:
            label = f"≤ {_number(upper, lang)} {unit}"
        else:
            label = f"{_number(lower, lang)}–{_number(upper, lang)} {unit}"
        entries.append((colour, label.strip()))
        lower = upper
    return entries


def _colour_for(values: np.ndarray, bins: Sequence[tuple[float, str]]) -> list[str]:
    uppers = np.array([u for u, _ in bins], dtype=float)
    colours = [c for _, c in bins]
    idx = np.searchsorted(uppers, values, side="left")  # value <= upper falls in that bin
    out = []
    for v, i in zip(values, idx, strict=True):
        if np.isnan(v):
            out.append(MISSING_COLOUR)
        else:
            out.append(colours[min(int(i), len(colours) - 1)])
    return out


def add_case_points(
    m: folium.Map,
    df: Any,
    *,
    value_col: str,
    x_col: str = "x",
    y_col: str = "y",
    crs_col: str = "crs",
    popup_cols: Sequence[str] = (),
    colormap: Sequence[tuple[float, str]] | Callable[[float], str] | None = LEAD_TIME_BINS,
    legend_title: str | None = None,
    unit: str | None = None,
    cluster_threshold: int = 1000,
    fit: bool = False,
    lang: str = DEFAULT_LANG,
) -> int:
    """Add one circle marker per case row of ``df`` to map ``m``; return the number drawn.

    ``df``: a pandas frame with coordinates ``x_col``/``y_col`` in metres of the CRS named in
    ``crs_col`` (per row; default SWEREF 99 TM when the column is missing or empty), and a
    numeric ``value_col`` (e.g. ``lead_time_days``) that sets the colour. Rows without
    coordinates are skipped; a missing value is drawn grey ("saknas").
    ``colormap``: bins ``((upper, "#rrggbb"), ...)`` in ascending order where a value
    ``<= upper`` takes that colour (the last upper may be ``math.inf``; default: lead time
    bins 4 / 10 / 20 weeks), or a callable value → colour (no legend then).
    ``popup_cols``: columns shown in each marker's popup (as plain text, built on click).
    More than ``cluster_threshold`` points are grouped with Leaflet.markercluster.
    ``fit``: zoom the map to the points.
    """
    import pandas as pd

    if df is None or len(df) == 0:
        return 0
    frame = df.loc[df[x_col].notna() & df[y_col].notna()]
    if frame.empty:
        return 0
    lon, lat = _frame_lonlat(frame, x_col, y_col, crs_col)
    ok = np.isfinite(lon) & np.isfinite(lat)

    values = pd.to_numeric(frame[value_col], errors="coerce").to_numpy(dtype=float)
    if callable(colormap):
        colours = [MISSING_COLOUR if np.isnan(v) else colormap(v) for v in values]
    else:
        bins = colormap or LEAD_TIME_BINS
        colours = _colour_for(values, bins)

    keep = np.flatnonzero(ok)
    if len(keep) == 0:
        return 0
    popups: dict[str, list[str]] = {}
    for c in popup_cols:
        if c in frame.columns:
            texts = frame[c].astype("string").fillna("–").to_numpy()
            popups[_popup_label(c, lang)] = [str(texts[i]) for i in keep]
    lat, lon = lat[keep], lon[keep]
    payload = case_points_payload(
        lat,
        lon,
        [colours[i] for i in keep],
        popups,
        values=values[keep],
        bins=None if callable(colormap) else (colormap or LEAD_TIME_BINS),
        lang=lang,
    )
    _CasePoints(payload, cluster=len(keep) > cluster_threshold).add_to(m)
    if not callable(colormap):
        unit_text = t("common.days", lang) if unit is None else unit
        entries = _bin_legend(colormap or LEAD_TIME_BINS, unit_text, lang)
        if np.isnan(values).any():
            entries.append((MISSING_COLOUR, t("map.missing", lang)))
        _Legend(legend_title or t("map.legend_lead_time", lang), entries).add_to(m)
    if fit:
        m.fit_bounds([[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]])
    return len(keep)


def _frame_lonlat(
    frame: Any, x_col: str, y_col: str, crs_col: str
) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 lon/lat arrays for the rows of ``frame``, each row in the CRS of its ``crs_col``."""
    import pandas as pd

    if crs_col in frame.columns:
        crs = frame[crs_col].astype("string").fillna(DEFAULT_CRS).replace("", DEFAULT_CRS)
    else:
        crs = pd.Series(DEFAULT_CRS, index=frame.index, dtype="string")
    lon = np.empty(len(frame))
    lat = np.empty(len(frame))
    xs = frame[x_col].to_numpy(dtype=float)
    ys = frame[y_col].to_numpy(dtype=float)
    crs_values = crs.to_numpy()
    for code in pd.unique(crs_values):
        sel = crs_values == code
        lon[sel], lat[sel] = to_wgs84(xs[sel], ys[sel], str(code))
    return lon, lat


def add_area_summary(
    m: folium.Map,
    df: Any,
    *,
    group_col: str,
    value_col: str,
    x_col: str = "x",
    y_col: str = "y",
    crs_col: str = "crs",
    colormap: Sequence[tuple[float, str]] = LEAD_TIME_BINS,
    min_cases: int = 3,
    lang: str = DEFAULT_LANG,
) -> int:
    """Shade the area each group's cases cover (e.g. a district) by the group's median value.

    One polygon per value of ``group_col`` with at least ``min_cases`` located cases: the
    convex hull of its case points, coloured with ``colormap`` bins by the median of
    ``value_col``, with a tooltip giving the group, its number of cases and the median. These
    are vector layers, so they show even when the points are clustered. Returns the number of
    areas drawn.
    """
    import shapely

    if df is None or len(df) == 0 or group_col not in df.columns:
        return 0
    frame = df.loc[df[x_col].notna() & df[y_col].notna() & df[group_col].notna()]
    if frame.empty:
        return 0
    lon, lat = _frame_lonlat(frame, x_col, y_col, crs_col)
    frame = frame.assign(_lon=lon, _lat=lat)
    features = []
    for group, part in frame.groupby(group_col, sort=True):
        if len(part) < min_cases:
            continue
        hull = shapely.convex_hull(
            shapely.multipoints(np.column_stack([part["_lon"], part["_lat"]]))
        )
        if hull.geom_type != "Polygon":
            hull = hull.buffer(0.002)
        median = float(np.nanmedian(part[value_col].to_numpy(dtype=float)))
        [colour] = _colour_for(np.array([median]), colormap)
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(hull),
                "properties": {
                    "name": str(group),
                    "n": len(part),
                    "median": "–" if math.isnan(median) else _number(round(median), lang),
                    "colour": colour,
                },
            }
        )
    if not features:
        return 0
    _AreaLayer(
        {"type": "FeatureCollection", "features": features},
        name=t("map.areas", lang),
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "color": f["properties"]["colour"],
            "weight": 1.5,
            "fillOpacity": 0.18,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "n", "median"],
            aliases=[t("map.area", lang), t("map.area_cases", lang), t("map.area_median", lang)],
        ),
    ).add_to(m)
    return len(features)


class _AreaLayer(folium.GeoJson, _RawMacro):
    """folium's GeoJSON layer, its script put in as it is (area names are data, see _Raw)."""


def _popup_label(column: str, lang: str) -> str:
    key = f"map.col.{column}"
    from kit.labels import LABELS

    return t(key, lang) if key in LABELS else column


def municipality_bounds(mid: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((south, west), (north, east))`` of a bundled municipality (kit.config)."""
    from kit.config import municipality

    min_lon, min_lat, max_lon, max_lat = municipality(mid).bbox_wgs84
    return (min_lat, min_lon), (max_lat, max_lon)
