"""Lab folders: lab.yml, typed parameters, coercion of command-line values."""

from __future__ import annotations

import re

import pytest
from conftest import make_notebook

from kit.errors import LabError, UsageError
from kit.labs.folders import Parameter, discover_labs, get_labs, notebook_parameters


def test_parameters_are_read_with_types_defaults_and_comments(tmp_path):
    nb = make_notebook(
        tmp_path / "x.ipynb",
        'municipality: str = "umea"  # kommun\nweeks: int = 10  # veckor\nshare: float = 0.95\n'
        'colour: str = "#ff0000"  # färg # med brädgård\nkinds: list[str] = ["bygglov"]  # typer',
    )
    params = notebook_parameters(nb)
    assert list(params) == ["municipality", "weeks", "share", "colour", "kinds"]
    assert params["weeks"] == Parameter("weeks", "int", 10, "veckor")
    assert params["share"].help == ""
    assert params["colour"].default == "#ff0000"
    assert params["colour"].help == "färg # med brädgård"
    assert params["kinds"].type == "list[str]"


@pytest.mark.parametrize(
    "source, message",
    [
        ("x = 1", "expected `name: type = default"),
        ("x: int", "expected `name: type = default"),
        ("x: int = len('a')", "must be a literal"),
        ("x: int = = 1", "parameters cell line 1"),
    ],
)
def test_malformed_parameters_cell_is_refused(tmp_path, source, message):
    nb = make_notebook(tmp_path / "x.ipynb", source)
    with pytest.raises(LabError, match=message):
        notebook_parameters(nb)


@pytest.mark.parametrize(
    "ptype, raw, expected",
    [
        ("int", "7", 7),
        ("float", "7", 7.0),
        ("float", "0.25", 0.25),
        ("bool", "true", True),
        ("bool", "false", False),
        ("str", "123", "123"),
        ("list[str]", "[a, b]", ["a", "b"]),
    ],
)
def test_coerce_accepts_values_of_the_declared_type(ptype, raw, expected):
    value = Parameter("p", ptype, None).coerce(raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "ptype, raw",
    [
        ("int", "x"),
        ("int", "1.5"),
        ("int", "true"),
        ("bool", "1"),
        ("float", "abc"),
        ("list[str]", "a"),
    ],
)
def test_coerce_refuses_values_of_another_type(ptype, raw):
    with pytest.raises(UsageError, match=re.escape(f"expects {ptype}, got {raw!r}")):
        Parameter("p", ptype, None).coerce(raw)


def test_discover_and_select_labs(toy_project):
    labs = discover_labs()
    assert [lab.id for lab in labs] == ["toy"]
    assert labs[0].title("en") == "Toy lab" and labs[0].title() == "Leksakslabb"
    assert labs[0].per_municipality
    with pytest.raises(UsageError, match="unknown lab 'nope'; known labs: toy"):
        get_labs(["nope"])


def test_lab_yml_problems_name_the_file(toy_project):
    yml = toy_project / "labs" / "toy" / "lab.yml"
    yml.write_text("id: toy\ntitle: x\n", encoding="utf-8")
    with pytest.raises(LabError, match=r"lab\.yml: missing key\(s\) summary, question"):
        discover_labs()
    yml.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(LabError, match=r"lab\.yml:\d+: lab\.yml is not valid YAML"):
        discover_labs()
