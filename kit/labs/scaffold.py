"""``testlab new NAME``: a new lab folder from ``templates/lab``.

The new lab has a lab.yml, a notebook with a typed ``parameters`` cell, a Swedish intro and
KPI recording, and runs at once with ``testlab run NAME``. It also gets stubs of its learning
pieces (``lar-dig.md``, ``learn.md``: headings to fill in to 500–900 words) and, with
``explore=True``, ``utforska.ipynb``: an exploration notebook that loads, validates, computes
and charts the sample data step by step, for the team to rewrite for their lab.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from kit.config import labs_dir, templates_dir
from kit.errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


#: the template's lab notebook (renamed to ``<name>.ipynb``) and its exploration notebook
NOTEBOOK, EXPLORE = "notebook.ipynb", "utforska.ipynb"


def new_lab(
    name: str, *, title: str | None = None, root: Path | None = None, explore: bool = False
) -> Path:
    """Create ``labs/<name>/`` and return its path.

    ``name`` is lower-case ASCII words joined by hyphens (it becomes a folder, a URL and a
    notebook name). The folder is built aside and moved into place, so a failure leaves nothing.
    """
    if not _NAME.match(name):
        raise UsageError(
            f"lab name {name!r} must be lower-case letters and digits joined by hyphens, e.g. 'e-tjanst'"
        )
    root = root or labs_dir()
    target = root / name
    if target.exists():
        raise UsageError(f"{target} already exists")
    source = templates_dir() / "lab"
    if not source.is_dir():
        raise UsageError(f"lab template not found at {source}")
    title = title or name.replace("-", " ").capitalize()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=f".{name}.") as tmp:
        staged = Path(tmp) / name
        staged.mkdir()
        for path in sorted(source.iterdir()):
            if path.name == EXPLORE and not explore:
                continue
            text = path.read_text(encoding="utf-8")
            text = text.replace("__LAB_ID__", name).replace("__LAB_TITLE__", title)
            dest = staged / (f"{name}.ipynb" if path.name == NOTEBOOK else path.name)
            dest.write_text(text, encoding="utf-8")
        shutil.move(str(staged), target)
    return target
