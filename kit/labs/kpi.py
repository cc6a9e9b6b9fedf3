"""KPI recording: a notebook states its key figures, the runner puts them in the manifest.

``kit.record("median_days", 41.0, unit="dagar")`` inside a lab notebook. When the notebook runs
under ``testlab run``, the runner sets ``TESTLAB_KPI_FILE`` and each call appends one JSON line
there; in JupyterLab or Voilà the call only keeps the value in :data:`RECORDED` and returns it.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

KPI_FILE_ENV = "TESTLAB_KPI_FILE"
BATCH_ENV = "TESTLAB_BATCH"  # "1" while a notebook runs under `testlab run`: render statically

RECORDED: dict[str, dict[str, Any]] = {}


def _plain(value: Any) -> Any:
    """JSON-friendly scalar: numpy numbers to Python, NaN to None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def record(
    name: str,
    value: Any,
    *,
    unit: str | None = None,
    target: float | None = None,
    direction: str | None = None,
) -> Any:
    """Record KPI ``name`` = ``value`` (a number, string or None) and return ``value``.

    ``direction`` is ``"higher"`` or ``"lower"`` (which way is better), ``target`` the goal.
    """
    if direction not in (None, "higher", "lower"):
        raise ValueError("direction must be 'higher', 'lower' or None")
    entry = {
        "name": name,
        "value": _plain(value),
        "unit": unit,
        "target": _plain(target),
        "direction": direction,
    }
    RECORDED[name] = entry
    path = os.environ.get(KPI_FILE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return value


def read_kpi_file(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """KPIs from a file written by :func:`record`; the last value of a name wins."""
    out: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    entry = json.loads(line)
                    out[entry["name"]] = entry
    except FileNotFoundError:
        pass
    return out
