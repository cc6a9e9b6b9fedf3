"""``testlab new NAME``: a new lab folder from ``templates/lab``.

The new lab has a lab.yml, a notebook with a typed ``parameters`` cell, a Swedish intro and
KPI recording, and runs at once with ``testlab run NAME``. It also gets stubs of its learning
pieces (``lar-dig.md``, ``learn.md``: headings to fill in to 500–900 words) and, with
``explore=True``, ``utforska.ipynb``: an exploration notebook that loads, validates, computes
and charts the sample data step by step, for the team to rewrite for their lab.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from kit.config import labs_dir, templates_dir
from kit.errors import UsageError

#: A lab id becomes a folder, a URL and a notebook name: short lower-case ASCII words.
NAME_PATTERN = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
MAX_NAME = 40
MAX_TITLE = 120
_NAME = re.compile(rf"^{NAME_PATTERN}$")


def check_name(name: str) -> None:
    """Raise :class:`UsageError` unless ``name`` is a usable lab id."""
    if len(name) > MAX_NAME or not _NAME.match(name):
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise UsageError(
            f"lab name {shown!r} must be lower-case letters and digits joined by hyphens, "
            f"at most {MAX_NAME} characters (pattern {NAME_PATTERN}), e.g. 'e-tjanst'"
        )


def _clean_title(title: str) -> str:
    text = " ".join(str(title).split())  # one line: no newline can break the Markdown title
    if not text:
        raise UsageError("the title is empty; give a few words, e.g. --title 'E-tjänst'")
    if len(text) > MAX_TITLE:
        raise UsageError(f"the title has {len(text)} characters; at most {MAX_TITLE}")
    return text


def _fill(value, names: dict[str, str]):
    """Replace the placeholders in every string inside ``value`` (lists, dicts, strings)."""
    if isinstance(value, str):
        for key, text in names.items():
            value = value.replace(key, text)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def render(path: Path, names: dict[str, str]) -> str:
    """A template file with its placeholders filled, written by the format's own library.

    YAML and notebooks are parsed, filled value by value and dumped again, so a title with
    quotes, colons or backslashes stays one valid string; the leading comment of a YAML
    template is kept (only the lab id, a safe name, goes into it).
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return json.dumps(_fill(json.loads(text), names), ensure_ascii=False, indent=1) + "\n"
    if path.suffix in (".yml", ".yaml"):
        lines = text.splitlines()
        comment = []
        while lines and lines[0].startswith("#"):
            comment.append(lines.pop(0).replace("__LAB_ID__", names["__LAB_ID__"]))
        data = _fill(yaml.safe_load(text), names)
        body = yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
        )
        return "\n".join([*comment, body])
    return _fill(text, names)


#: the template's lab notebook (renamed to ``<name>.ipynb``) and its exploration notebook
NOTEBOOK, EXPLORE = "notebook.ipynb", "utforska.ipynb"


def new_lab(
    name: str, *, title: str | None = None, root: Path | None = None, explore: bool = False
) -> Path:
    """Create ``labs/<name>/`` and return its path.

    ``name`` is lower-case ASCII words joined by hyphens (it becomes a folder, a URL and a
    notebook name). The folder is built aside and moved into place, so a failure leaves nothing.
    """
    check_name(name)
    root = root or labs_dir()
    target = root / name
    if target.exists():
        raise UsageError(f"{target} already exists")
    source = templates_dir() / "lab"
    if not source.is_dir():
        raise UsageError(f"lab template not found at {source}")
    title = _clean_title(title if title is not None else name.replace("-", " ").capitalize())
    names = {"__LAB_ID__": name, "__LAB_TITLE__": title}
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=f".{name}.") as tmp:
        staged = Path(tmp) / name
        staged.mkdir()
        for path in sorted(source.iterdir()):
            if path.name == EXPLORE and not explore:
                continue
            dest = staged / (f"{name}.ipynb" if path.name == NOTEBOOK else path.name)
            dest.write_text(render(path, names), encoding="utf-8")
        shutil.move(str(staged), target)
    return target
