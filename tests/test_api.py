"""The public API named in kit/__init__ resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kit


@pytest.mark.parametrize("name", kit.__all__)
def test_every_public_name_resolves(name):
    assert callable(getattr(kit, name))


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kit.nope  # noqa: B018


def test_import_kit_and_cli_help_stay_light():
    # the CLI must start without pandas, folium or papermill: they load when a command runs
    code = "import sys, kit.cli; kit.cli.build_parser(); print(','.join(m for m in ('pandas','folium','papermill','matplotlib') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
