"""Digital testlab kit for the Swedish plan and building-permit process.

Public API, grouped (imported lazily so ``import kit`` and the CLI start fast):

Data        load_events, load_cases, load_log, load_sample, validate_file, synthesise
Privacy     pseudonymise
Lead times  case_metrics, summarise
Process     variants, directly_follows, bottlenecks, monthly_trend, work_in_progress,
            process_map_svg
Plans       read_plan, read_proposals, check_proposals
Maps        offline_map, add_case_points, to_wgs84, map_html
Runs        record, discover_labs, run_labs
Labels      t
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_API: dict[str, str] = {
    # data
    "load_events": "kit.data",
    "load_cases": "kit.data",
    "load_log": "kit.data",
    "load_sample": "kit.data",
    "validate_file": "kit.data",
    "pseudonymise": "kit.privacy",
    "synthesise": "kit.synth",
    # lead times and process analytics
    "case_metrics": "kit.leadtime",
    "summarise": "kit.leadtime",
    "variants": "kit.process",
    "directly_follows": "kit.process",
    "bottlenecks": "kit.process",
    "monthly_trend": "kit.process",
    "work_in_progress": "kit.process",
    "process_map_svg": "kit.processmap",
    # plans
    "read_plan": "kit.plan",
    "read_proposals": "kit.plan",
    "check_proposals": "kit.plancheck",
    # maps
    "offline_map": "kit.maps",
    "to_wgs84": "kit.maps",
    "add_case_points": "kit.maps",
    "map_html": "kit.maps",
    # runs and labels
    "record": "kit.kpi",
    "discover_labs": "kit.labs",
    "run_labs": "kit.runner",
    "t": "kit.labels",
}


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__all__ = sorted(_API)
