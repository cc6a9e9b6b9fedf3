"""Digital testlab kit for the Swedish plan and building-permit process.

Public API, grouped (imported lazily so ``import kit`` and the CLI start fast):

Data        load_events, load_cases, load_log, load_sample, validate_file, synthesise,
            datasets_dir
Privacy     pseudonymise
Lead times  case_metrics, summarise
Process     variants, directly_follows, bottlenecks, monthly_trend, work_in_progress,
            process_map_svg
Plans       read_plan, read_proposals, check_proposals
Survey      read_questionnaire, read_answers, analyse_survey, cronbach_alpha
Maps        offline_map, add_case_points, to_wgs84, map_html
Charts      lead_time_histogram, monthly_trend_chart
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
    "load_events": "kit.data.loaders",
    "load_cases": "kit.data.loaders",
    "load_log": "kit.data.loaders",
    "load_sample": "kit.data.loaders",
    "validate_file": "kit.data.loaders",
    "pseudonymise": "kit.data.privacy",
    "synthesise": "kit.samples.permits",
    "datasets_dir": "kit.config",
    # lead times and process analytics
    "case_metrics": "kit.process.leadtime",
    "summarise": "kit.process.leadtime",
    "variants": "kit.process.mining",
    "directly_follows": "kit.process.mining",
    "bottlenecks": "kit.process.mining",
    "monthly_trend": "kit.process.trends",
    "work_in_progress": "kit.process.trends",
    "process_map_svg": "kit.process.processmap",
    # plans
    "read_plan": "kit.plans.reader",
    "read_proposals": "kit.plans.reader",
    "check_proposals": "kit.plans.check",
    # survey (innovation capability)
    "read_questionnaire": "kit.survey.questionnaire",
    "read_answers": "kit.survey.answers",
    "analyse_survey": "kit.survey.analysis",
    "cronbach_alpha": "kit.survey.analysis",
    # maps
    "offline_map": "kit.present.maps",
    "to_wgs84": "kit.present.maps",
    "add_case_points": "kit.present.maps",
    "map_html": "kit.present.maps",
    # charts (the dashboards' own, for exploration notebooks)
    "lead_time_histogram": "kit.present.charts",
    "monthly_trend_chart": "kit.present.charts",
    # runs and labels
    "record": "kit.labs.kpi",
    "open_journal": "kit.journal.store",
    # simulation (future-process lab)
    "discover": "kit.process.simulation.discovery",
    "load_scenarios": "kit.process.simulation.scenarios",
    "study": "kit.process.simulation",
    "read_action_plan": "kit.journal.actionplan",
    "goal_status": "kit.journal.actionplan",
    "kpi_catalogue": "kit.present.views.actionplan",
    "sample_journal": "kit.samples.journal",
    "discover_labs": "kit.labs.folders",
    "run_labs": "kit.labs.runner",
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
