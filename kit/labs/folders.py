"""Labs as folders: ``labs/<id>/lab.yml`` plus one notebook ``<id>.ipynb``.

``lab.yml`` holds the title and summary in Swedish and English, the question the lab answers,
its hypothesis, KPIs (name, label, unit, direction, target) and the datasets it uses. The
notebook's first code cell is tagged ``parameters`` and holds typed, commented defaults, which
:func:`notebook_parameters` reads the way ``papermill --help-notebook`` does.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from kit.config import labs_dir
from kit.errors import LabError, UsageError
from kit.labels import DEFAULT_LANG

REQUIRED_KEYS = ("id", "title", "summary", "question", "hypothesis", "kpis", "datasets")


@dataclass(frozen=True)
class Parameter:
    """A notebook parameter: name, declared type (as written), default value, comment."""

    name: str
    type: str
    default: Any
    help: str = ""

    def coerce(self, raw: str) -> Any:
        """Turn a command-line string into this parameter's type, or raise UsageError."""
        kind = self.type.replace(" ", "").lower()
        if kind in ("str", "none", ""):
            return raw
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
        }.get(kind)
        if ok is None:  # list[...], dict[...] and friends
            base = kind.split("[", 1)[0]
            ok = isinstance(value, {"list": list, "dict": dict, "tuple": list}.get(base, object))
        if not ok:
            raise UsageError(f"parameter {self.name} expects {self.type}, got {raw!r}")
        return float(value) if kind == "float" else value


@dataclass(frozen=True)
class Lab:
    """One lab folder."""

    path: Path
    meta: dict[str, Any] = field(compare=False)

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def notebook(self) -> Path:
        return self.path / f"{self.id}.ipynb"

    def text(self, key: str, lang: str = DEFAULT_LANG) -> str:
        """A translated field of lab.yml (title, summary, question, hypothesis)."""
        value = self.meta.get(key, "")
        if isinstance(value, dict):
            return str(value.get(lang) or value.get(DEFAULT_LANG) or "")
        return str(value)

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("title", lang)

    @cached_property
    def parameters(self) -> dict[str, Parameter]:
        return notebook_parameters(self.notebook)

    @property
    def per_municipality(self) -> bool:
        return "municipality" in self.parameters


def dashboard_name(lab_id: str, lang: str) -> str:
    """A lab's published dashboard in ``lang``, without ``.ipynb``: ``lead-times`` (Swedish,
    the default) or ``lead-times.en`` (as ``testlab serve`` publishes and ``--pool`` names it)."""
    return lab_id if lang == DEFAULT_LANG else f"{lab_id}.{lang}"


def _read_meta(folder: Path) -> dict[str, Any]:
    path = folder / "lab.yml"
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabError(f"{path}: missing lab.yml") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise LabError(f"{where}: lab.yml is not valid YAML") from None
    if not isinstance(meta, dict):
        raise LabError(f"{path}: expected a mapping with keys {', '.join(REQUIRED_KEYS)}")
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise LabError(f"{path}: missing key(s) {', '.join(missing)}")
    if meta["id"] != folder.name:
        raise LabError(f"{path}: id {meta['id']!r} differs from the folder name {folder.name!r}")
    if not (folder / f"{folder.name}.ipynb").is_file():
        raise LabError(f"{folder}: missing notebook {folder.name}.ipynb")
    return meta


def discover_labs(root: Path | None = None) -> list[Lab]:
    """Every lab under ``root`` (default: the project's ``labs/``), sorted by id."""
    root = root or labs_dir()
    if not root.is_dir():
        return []
    return [
        Lab(folder, _read_meta(folder))
        for folder in sorted(root.iterdir())
        if folder.is_dir() and (folder / "lab.yml").exists()
    ]


def get_labs(ids: list[str] | None = None, root: Path | None = None) -> list[Lab]:
    """The labs named by ``ids`` (all when empty); an unknown id raises UsageError."""
    labs = discover_labs(root)
    if not ids:
        return labs
    by_id = {lab.id: lab for lab in labs}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        known = ", ".join(by_id) or "none"
        raise UsageError(f"unknown lab {unknown[0]!r}; known labs: {known}")
    return [by_id[i] for i in dict.fromkeys(ids)]


def notebook_parameters(path: Path) -> dict[str, Parameter]:
    """Typed parameters of the cell tagged ``parameters`` (``name: type = default  # help``).

    Parsed with :mod:`ast` (no kernel, no code run). Raises LabError when the notebook has no
    such cell or a line in it is not a typed assignment with a literal default.
    """
    # plain JSON rather than nbformat: importing nbformat (jsonschema) costs about a second,
    # which `testlab list` and the planning of every run would pay
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LabError(f"{path}: not a readable notebook ({exc})") from None
    cell = next(
        (
            c
            for c in nb.get("cells", [])
            if c.get("cell_type") == "code"
            and "parameters" in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if cell is None:
        raise LabError(f"{path}: no code cell tagged 'parameters'")
    source = cell["source"]
    source = "".join(source) if isinstance(source, list) else source
    lines = source.splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise LabError(f"{path}: parameters cell line {exc.lineno}: {exc.msg}") from None
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if not (
            isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value
        ):
            raise LabError(
                f"{path}: parameters cell line {node.lineno}: expected `name: type = default  # comment`"
            )
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise LabError(
                f"{path}: parameters cell line {node.lineno}: default of {node.target.id} must be a literal"
            ) from None
        rest = lines[node.lineno - 1][node.end_col_offset :]
        comment = rest.split("#", 1)[1].strip() if "#" in rest else ""
        params[node.target.id] = Parameter(
            node.target.id, ast.unparse(node.annotation), default, comment
        )
    return params
