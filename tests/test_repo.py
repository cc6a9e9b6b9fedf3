"""Repository rules: thin output-free notebooks, typed parameters, lab.yml, deps in step, no CDN."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

from kit.labs.folders import discover_labs, notebook_parameters

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*REPO.glob("labs/*/*.ipynb"), *REPO.glob("templates/**/*.ipynb")])
# the dashboard notebooks (labs/<id>/<id>.ipynb and the template), not exploration notebooks
LABS = discover_labs(REPO / "labs")
# the lab notebooks themselves (labs/<id>/<id>.ipynb and the template's), not the exploration
# notebooks beside them (utforska.ipynb: long by design, see tests/test_learning.py)
LAB_NOTEBOOKS = [p for p in NOTEBOOKS if p.stem == p.parent.name or p.name == "notebook.ipynb"]


def test_there_are_labs():
    assert {"lead-times", "plan-check"} <= {lab.id for lab in LABS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path}: cell has outputs"
            assert cell.execution_count is None, f"{path}: cell has an execution count"


@pytest.mark.parametrize("path", LAB_NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_typed_commented_parameters(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    params = notebook_parameters(path)
    assert {"municipality", "lang"} <= set(params)
    for p in params.values():
        assert p.help, f"{path}: parameter {p.name} has no comment"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize(
    "path", [p for p in LAB_NOTEBOOKS if "labs" in p.parts], ids=lambda p: p.name
)
def test_lab_notebooks_stay_thin(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    body = "\n".join(code[1:])
    assert len(body.splitlines()) <= 25, f"{path}: move logic into kit/"
    assert not re.search(r"^\s*(def|class) ", body, re.M), f"{path}: functions belong in kit/"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_lab_yml_is_complete_in_both_languages(lab):
    for key in ("title", "summary", "question", "hypothesis"):
        assert lab.text(key, "sv") and lab.text(key, "en")
        assert lab.text(key, "sv") != lab.text(key, "en") or key == "title"
    assert lab.meta["kpis"], "a lab states its KPIs"
    for kpi in lab.meta["kpis"]:
        assert kpi["name"] and kpi["direction"] in ("higher", "lower")
        assert "unit" in kpi and "target" in kpi
        assert kpi["label"]["sv"] and kpi["label"]["en"]


def _names(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
        out[m.group(1).lower().replace("_", "-")] = m.group(2).replace(" ", "")
    return out


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_deps = _names(project["dependencies"])
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda += dep["pip"]
        elif not dep.startswith(("python", "pip")):
            conda.append(dep)
        elif dep.startswith("python"):
            assert dep.replace(" ", "") == "python" + project["requires-python"]
    assert _names(conda) == pip_deps


def test_no_cdn_in_shipped_code():
    tracked = subprocess.run(
        ["git", "ls-files", "kit", "labs", "templates"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    pattern = re.compile(r"cdn\.jsdelivr|cdnjs\.|unpkg\.com|code\.jquery|bootstrapcdn", re.I)
    offenders = [
        p
        for p in tracked
        if (REPO / p).is_file() and pattern.search((REPO / p).read_text(errors="ignore"))
    ]
    assert offenders == []


def test_ignored_outputs_and_key():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert "build/" in ignored and ".testlab-key" in ignored


def test_ruff_lint_and_format_are_clean():
    import shutil
    import sys

    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    paths = ["kit", "tests", "benchmarks"]
    check = subprocess.run([ruff, "check", *paths], cwd=REPO, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]
    fmt = subprocess.run(
        [ruff, "format", "--check", *paths], cwd=REPO, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout[-3000:]
