"""The questionnaire as data (enkäten): dimensions, items in Swedish and English, scale, reverse coding.

A questionnaire is a YAML file a team can replace with its own::

    id: innovationsformaga-1
    title: {sv: "Innovationsförmåga", en: "Innovation capability"}
    scale:
      min: 1
      max: 5                      # Likert 1–5 or 1–7
      labels:                     # optional: one text per scale point
        sv: [Instämmer inte alls, ..., Instämmer helt]
        en: [Strongly disagree, ..., Strongly agree]
    dimensions:
      - id: strategy
        name: {sv: "Strategi och ledarskap", en: "Strategy and leadership"}
        items:
          - {id: LED1, sv: "...", en: "..."}
          - {id: LED4, reverse: true, sv: "...", en: "..."}   # agreeing means LESS capability
    free_text:                    # optional open questions: counted, never shown raw
      - {id: KOMMENTAR, sv: "...", en: "..."}

Item ids are the column names of the answer file (matched without regard to case). A
reverse-coded item's answer ``x`` counts as ``min + max - x``. Every dimension needs at least
two items (Cronbach's alpha needs them; good practice is three to five).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.errors import DataError

LAB_ID = "innovation-capability"
DEFAULT_FILE = "questionnaire.yml"
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


@dataclass(frozen=True)
class Scale:
    """A Likert scale ``min``..``max`` (whole numbers), with optional texts per point."""

    min: int
    max: int
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return self.max - self.min + 1

    def reverse(self, value: Any) -> Any:
        """The reverse-coded value: ``min + max - value`` (works on arrays)."""
        return self.min + self.max - value

    def describe(self, lang: str = "sv") -> str:
        """``1–5 (1 = Instämmer inte alls, 5 = Instämmer helt)``."""
        texts = self.labels.get(lang) or self.labels.get("sv")
        if not texts:
            return f"{self.min}–{self.max}"
        return f"{self.min}–{self.max} ({self.min} = {texts[0]}, {self.max} = {texts[-1]})"


@dataclass(frozen=True)
class Item:
    """One statement the respondent rates on the scale."""

    id: str
    dimension: str
    text: dict[str, str]
    reverse: bool = False

    def label(self, lang: str = "sv") -> str:
        return self.text.get(lang) or self.text["sv"]


@dataclass(frozen=True)
class Dimension:
    """A group of items measuring one side of innovation capability."""

    id: str
    name: dict[str, str]
    items: tuple[Item, ...]

    def label(self, lang: str = "sv") -> str:
        return self.name.get(lang) or self.name["sv"]


@dataclass(frozen=True)
class Questionnaire:
    """A checked questionnaire; see the module docstring for the file format."""

    id: str
    title: dict[str, str]
    scale: Scale
    dimensions: tuple[Dimension, ...]
    free_text: tuple[Item, ...] = ()
    source: str = ""

    @property
    def items(self) -> list[Item]:
        return [item for d in self.dimensions for item in d.items]

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    def item(self, item_id: str) -> Item:
        return next(i for i in (*self.items, *self.free_text) if i.id == item_id)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def dimension_label(self, dimension_id: str, lang: str = "sv") -> str:
        """The dimension's name; ``overall`` is the mean of all dimensions."""
        if dimension_id == "overall":
            from kit.labels import t

            return t("innovation.overall", lang)
        return self.dimension(dimension_id).label(lang)

    def title_text(self, lang: str = "sv") -> str:
        return self.title.get(lang) or self.title.get("sv") or self.id


def default_path() -> Path:
    """``labs/innovation-capability/questionnaire.yml`` of this project (else of the kit)."""
    from kit.config import REPO_ROOT, labs_dir

    local = labs_dir() / LAB_ID / DEFAULT_FILE
    return local if local.is_file() else REPO_ROOT / "labs" / LAB_ID / DEFAULT_FILE


def read_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Read and check a questionnaire YAML file (default: the lab's open questionnaire).

    Raises :class:`kit.errors.DataError` naming the file and the place in it
    (``dimensions[2].items[1].en``) of the first problem.
    """
    from kit.data.readers import read_yaml

    p = Path(path) if path is not None else default_path()
    file = str(p)
    data = read_yaml(p, "questionnaire file")
    return parse_questionnaire(data, file)


def parse_questionnaire(data: Any, file: str = "<questionnaire>") -> Questionnaire:
    """Build a :class:`Questionnaire` from parsed YAML, checking every field."""

    def fail(where: str, message: str) -> DataError:
        return DataError(message, file=file, column=where)

    if not isinstance(data, dict):
        raise fail("(top)", "expected a mapping with scale and dimensions")
    scale = _scale(data.get("scale"), fail)
    dims_raw = data.get("dimensions")
    if not isinstance(dims_raw, list) or not dims_raw:
        raise fail("dimensions", "expected a list of dimensions, each with id, name and items")
    seen_items: set[str] = set()
    dimensions = []
    for d_i, d in enumerate(dims_raw):
        where = f"dimensions[{d_i}]"
        if not isinstance(d, dict):
            raise fail(where, "expected a mapping with id, name and items")
        d_id = _identifier(d.get("id"), f"{where}.id", fail)
        if d_id == "overall" or d_id in {x.id for x in dimensions}:
            raise fail(f"{where}.id", f"dimension id {d_id!r} is reserved or used twice")
        name = _texts(d.get("name"), f"{where}.name", fail)
        items_raw = d.get("items")
        if not isinstance(items_raw, list) or len(items_raw) < 2:
            raise fail(
                f"{where}.items",
                f"dimension {d_id!r} needs at least two items (Cronbach's alpha needs them)",
            )
        items = []
        for i_i, it in enumerate(items_raw):
            items.append(_item(it, f"{where}.items[{i_i}]", d_id, seen_items, fail))
        dimensions.append(Dimension(d_id, name, tuple(items)))
    free = []
    for f_i, it in enumerate(data.get("free_text") or []):
        free.append(_item(it, f"free_text[{f_i}]", "", seen_items, fail))
    title = data.get("title") or {"sv": "Enkät", "en": "Questionnaire"}
    title = _texts(title, "title", fail)
    return Questionnaire(
        id=str(data.get("id") or Path(file).stem),
        title=title,
        scale=scale,
        dimensions=tuple(dimensions),
        free_text=tuple(free),
        source=file,
    )


def _scale(raw: Any, fail) -> Scale:
    if not isinstance(raw, dict):
        raise fail("scale", "expected scale: {min: 1, max: 5} (or max: 7)")
    lo, hi = raw.get("min"), raw.get("max")
    if not (isinstance(lo, int) and isinstance(hi, int)) or isinstance(lo, bool):
        raise fail("scale", f"min and max must be whole numbers, got {lo!r} and {hi!r}")
    if hi - lo < 2:
        raise fail("scale", f"a scale needs at least three points, got {lo}–{hi}")
    labels: dict[str, tuple[str, ...]] = {}
    for lang, texts in (raw.get("labels") or {}).items():
        if not isinstance(texts, list) or len(texts) != hi - lo + 1:
            raise fail(
                f"scale.labels.{lang}",
                f"expected {hi - lo + 1} texts, one per scale point {lo}–{hi}",
            )
        labels[str(lang)] = tuple(str(x) for x in texts)
    return Scale(lo, hi, labels)


def _identifier(value: Any, where: str, fail) -> str:
    text = str(value).strip() if value is not None else ""
    if not _ID.match(text):
        raise fail(
            where,
            f"expected an id of letters, digits, _ or - (starting with a letter), got {value!r}",
        )
    return text


def _texts(raw: Any, where: str, fail) -> dict[str, str]:
    if isinstance(raw, str):
        raw = {"sv": raw}
    if not isinstance(raw, dict) or not str(raw.get("sv") or "").strip():
        raise fail(where, "expected a text in Swedish (sv), and preferably English (en)")
    return {str(k): str(v).strip() for k, v in raw.items() if v is not None}


def _item(raw: Any, where: str, dimension: str, seen: set[str], fail) -> Item:
    if not isinstance(raw, dict):
        raise fail(where, "expected a mapping with id, sv, en (and reverse: true if reversed)")
    item_id = _identifier(raw.get("id"), f"{where}.id", fail)
    if item_id.casefold() in seen:
        raise fail(f"{where}.id", f"item id {item_id!r} is used twice (ids ignore case)")
    seen.add(item_id.casefold())
    texts = _texts({k: raw.get(k) for k in ("sv", "en") if raw.get(k)}, where, fail)
    reverse = raw.get("reverse", False)
    if not isinstance(reverse, bool):
        raise fail(f"{where}.reverse", f"expected true or false, got {reverse!r}")
    return Item(item_id, dimension, texts, reverse)


META_COLUMNS = ("respondent_id", "municipality", "wave", "role")


def write_template(questionnaire: Questionnaire, path: str | Path, lang: str = "sv") -> Path:
    """Write the questionnaire as an answer template (``.xlsx``).

    First sheet: the answer columns (``respondent_id``, ``municipality``, ``wave``, ``role``,
    the item ids, the free-text ids) with one example row, and Excel's data validation
    allowing only whole numbers on the scale in the item columns. Second sheet: each column's
    statement in Swedish and English, its dimension, whether it is reverse-coded, and the
    scale. Written to a temporary name and renamed, so a failure leaves no half file.
    """
    import os

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from kit.labels import t

    q = questionnaire
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise DataError(
            "the template is an Excel workbook: give a name ending in .xlsx", file=str(out)
        )
    wb = Workbook()
    ws = wb.active
    ws.title = t("innovation.sheet.answers", lang)
    header = [*META_COLUMNS, *q.item_ids, *(f.id for f in q.free_text)]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "E2"
    first, last = 5, 4 + len(q.item_ids)
    from openpyxl.utils import get_column_letter

    rule = DataValidation(
        type="whole",
        operator="between",
        formula1=str(q.scale.min),
        formula2=str(q.scale.max),
        allow_blank=True,
        showErrorMessage=True,
        error=q.scale.describe(lang),
        errorTitle=t("innovation.template.scale", lang),
    )
    rule.add(f"{get_column_letter(first)}2:{get_column_letter(last)}10000")
    ws.add_data_validation(rule)

    info = wb.create_sheet(t("innovation.sheet.items", lang))
    info.append(
        [
            t("innovation.template.id", lang),
            t("innovation.col.dimension", lang),
            f"{t('innovation.template.text', lang)} (sv)",
            f"{t('innovation.template.text', lang)} (en)",
            t("innovation.template.reverse", lang),
            t("innovation.template.scale", lang),
        ]
    )
    meta_texts = t("innovation.template.meta", lang).split("|")
    for name, text in zip(META_COLUMNS, meta_texts, strict=True):
        info.append([name, "", text, "", "", ""])
    for d in q.dimensions:
        for item in d.items:
            info.append(
                [
                    item.id,
                    d.label(lang),
                    item.text.get("sv", ""),
                    item.text.get("en", ""),
                    t("innovation.yes", lang) if item.reverse else "",
                    q.scale.describe(lang),
                ]
            )
    for item in q.free_text:
        info.append(
            [
                item.id,
                t("innovation.template.free_text", lang),
                item.text.get("sv", ""),
                item.text.get("en", ""),
                "",
                "",
            ]
        )
    info.append([])
    info.append([t("innovation.template.instructions", lang, scale=q.scale.describe(lang))])
    for cell in info[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (16, 28, 70, 70, 12, 40), strict=True):
        info.column_dimensions[col].width = width
    for row in info.iter_rows(min_row=2):
        for cell in row[2:4]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        tmp.replace(out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
