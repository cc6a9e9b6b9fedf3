"""`testlab new` makes a lab that runs at once."""

from __future__ import annotations

import json

import pytest

from kit.cli import main
from kit.labs.folders import discover_labs


@pytest.mark.labs
def test_new_lab_in_an_empty_project_runs_at_once(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "labs").mkdir()
    monkeypatch.delenv("TESTLAB_ROOT", raising=False)
    assert main(["new", "e-tjanst", "--title", "E-tjänst för bygglov"]) == 0
    assert "testlab run e-tjanst" in capsys.readouterr().out
    [lab] = discover_labs(tmp_path / "labs")
    assert lab.id == "e-tjanst" and lab.title() == "E-tjänst för bygglov"
    assert {"municipality", "lang"} <= set(lab.parameters)
    assert main(["run", "e-tjanst", "-m", "alingsas", "-q"]) == 0
    manifest = json.loads((tmp_path / "build/runs/manifest.json").read_text(encoding="utf-8"))
    [run] = manifest["runs"]
    assert run["status"] == "ok"
    assert run["kpis"]["n_cases"]["value"] > 0
    assert run["kpis"]["median_days"]["value"] > 0
    html = (tmp_path / "build/runs/e-tjanst/alingsas/e-tjanst.html").read_text(encoding="utf-8")
    assert "Median handläggningstid" in html


@pytest.mark.parametrize("name", ["Bad Name", "1lab", "lab_x", "x--y", "x-", "å"])
def test_new_refuses_bad_names(tmp_path, monkeypatch, capsys, name):
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", name]) == 2
    assert "must be lower-case letters and digits joined by hyphens" in capsys.readouterr().err
    assert not (tmp_path / "labs").exists() or not any((tmp_path / "labs").iterdir())


def test_new_refuses_an_existing_lab(toy_project, capsys):
    assert main(["new", "toy"]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    "title",
    ['Bygglov "snabb"', "Tid: 10 veckor # mål", "C:\\temp\\lab", "it's {x}: [a] & <b>"],
)
def test_new_writes_valid_yaml_and_notebook_whatever_the_title(tmp_path, monkeypatch, title):
    import nbformat
    import yaml

    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", "x", "--title", title]) == 0
    data = yaml.safe_load((tmp_path / "labs/x/lab.yml").read_text(encoding="utf-8"))
    assert data["id"] == "x" and data["title"] == {"sv": title, "en": title}
    assert data["kpis"][0]["name"] == "n_cases"  # the rest of the template survives
    nb = nbformat.read(tmp_path / "labs/x/x.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].source.splitlines()[0] == f"# {title}"
    [lab] = discover_labs(tmp_path / "labs")  # what `testlab list` and `run` read
    assert lab.title() == title and {"municipality", "lang"} <= set(lab.parameters)
    assert main(["list"]) == 0


def test_new_title_on_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", "x", "--title", "Rad ett\n# Rad två"]) == 0
    [lab] = discover_labs(tmp_path / "labs")
    assert lab.title() == "Rad ett # Rad två"


@pytest.mark.parametrize("name", ["a" * 300, "a" * 41, "a/b", "../x", "a b"])
def test_new_refuses_long_or_unsafe_names_and_writes_nothing(tmp_path, monkeypatch, capsys, name):
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", name]) == 2
    err = capsys.readouterr().err
    assert "pattern [a-z][a-z0-9]*(-[a-z0-9]+)*" in err and err.count("\n") == 1
    assert not (tmp_path / "labs").exists()


def test_new_accepts_a_name_of_40_characters(tmp_path, monkeypatch):
    monkeypatch.setenv("TESTLAB_ROOT", str(tmp_path))
    assert main(["new", "a" * 40]) == 0
