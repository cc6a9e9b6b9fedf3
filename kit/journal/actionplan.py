"""Action plans (handlingsplaner) as data, validated, and each goal's status from the journal.

One YAML file per municipality, ``datasets/<municipality>/handlingsplan.yml``::

    municipality: umea
    title: Handlingsplan för en digital bygglovsprocess 2025–2027
    synthetic: true                 # sample plans say so
    adopted: 2025-01-20             # the plan's start: baselines are measured here
    review_dates: [2025-06-16, 2025-12-15, 2026-06-15]
    success_factors: [Ledningens stöd, ...]           # critical success factors of the plan
    goals:
      - id: G1
        text: Minst 95 % av besluten inom tidsfristen
        lab: lead-times             # measured by this lab's KPI ...
        kpi: share_within_limit     # ... as kit.record names it
        baseline: 88.5
        target: 95
        due: 2026-12-31
        success_factors: [...]      # critical success factors of this goal
        actions:
          - {text: Daglig bevakningslista, owner: bygglovschef, due: 2025-09-30, status: done}

Dates are ``YYYY-MM-DD`` (or ``YYYY-MM``: the last day of that month). Action ``status`` is
``planned``, ``in_progress``, ``done`` or ``cancelled`` (Swedish ``planerad``, ``pågår``,
``klar``, ``avbruten`` are read as those).

**Status rule** (:func:`goal_status`), from the newest journal value *v* of the goal's KPI,
its baseline *b* and target *t*: progress *p* = (v − b) / (t − b), the share of the way from
baseline to target (whichever way is better for the KPI); expected progress *e* = the share of
the time from ``adopted`` to the goal's ``due`` date that has passed on the date of the value
(0–1). Then: **on track** when p ≥ 1 (target reached) or p ≥ e − 0.10; **off track** when
p < 0 (worse than the baseline) or the due date has passed without reaching the target;
**at risk** otherwise (better than the baseline but more than 10 points behind the straight
line from baseline to target). No value in the journal: **no data**.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from kit.errors import DataError

PLAN_FILE = "handlingsplan.yml"
ACTION_STATUSES = ("planned", "in_progress", "done", "cancelled")
_STATUS_SYNONYMS = {
    "planerad": "planned",
    "ej påbörjad": "planned",
    "pågår": "in_progress",
    "pågående": "in_progress",
    "klar": "done",
    "avbruten": "cancelled",
}
TOLERANCE = 0.10  # how far (share of the way) a goal may lag the straight line and stay on track
STATUSES = ("on_track", "at_risk", "off_track", "no_data")


@dataclass(frozen=True)
class Action:
    text: str
    owner: str
    due: date
    status: str  # one of ACTION_STATUSES

    def overdue(self, today: date) -> bool:
        return self.due < today and self.status not in ("done", "cancelled")


@dataclass(frozen=True)
class Goal:
    id: str
    text: str
    lab: str
    kpi: str
    baseline: float
    target: float
    due: date
    direction: str  # "higher" or "lower": which way is better for the KPI
    unit: str = ""
    success_factors: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class ActionPlan:
    municipality: str
    title: str
    adopted: date
    review_dates: tuple[date, ...]
    goals: tuple[Goal, ...]
    success_factors: tuple[str, ...] = ()
    synthetic: bool = False
    path: str = ""

    def actions(self) -> list[tuple[Goal, Action]]:
        return [(g, a) for g in self.goals for a in g.actions]

    def overdue_actions(self, today: date) -> list[tuple[Goal, Action]]:
        """Actions past their due date that are neither done nor cancelled, oldest first."""
        late = [(g, a) for g, a in self.actions() if a.overdue(today)]
        return sorted(late, key=lambda ga: (ga[1].due, ga[0].id))

    def last_review(self, today: date) -> date | None:
        """The latest review date on or before ``today`` (None before the first review)."""
        past = [d for d in self.review_dates if d <= today]
        return past[-1] if past else None

    def next_review(self, today: date) -> date | None:
        future = [d for d in self.review_dates if d > today]
        return future[0] if future else None


@dataclass(frozen=True)
class GoalStatus:
    """A goal's status on a date: see the module docstring for the rule."""

    goal: Goal
    status: str  # one of STATUSES
    value: float | None = None
    value_date: date | None = None
    progress: float | None = None  # share of the way from baseline to target (1 = reached)
    expected: float | None = None  # share of the time from adoption to due date passed
    source: str | None = None  # where the value came from: run, manifest, sample

    @property
    def reached(self) -> bool:
        return self.progress is not None and self.progress >= 1


# -- KPI catalogue -------------------------------------------------------------------------


def _catalogue_text(catalogue: Mapping[str, Mapping[str, Any]]) -> str:
    return "; ".join(f"{lab} ({', '.join(kpis) or 'none'})" for lab, kpis in catalogue.items())


def _direction(info: Any) -> str | None:
    if isinstance(info, Mapping):
        return info.get("direction")
    return getattr(info, "direction", None)


def _unit(info: Any) -> str:
    if isinstance(info, Mapping):
        return str(info.get("unit") or "")
    return str(getattr(info, "unit", "") or "")


# -- reading -------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML that remembers on which line each mapping and each key stood."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    out: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        lines[str(key)] = key_node.start_mark.line + 1
    out["__line__"] = node.start_mark.line + 1
    out["__lines__"] = lines
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[tuple[int, str]] = []

    def add(self, where: Mapping[str, Any] | int, key: str | None, message: str) -> None:
        if isinstance(where, int):
            line = where
        else:
            line = (
                where.get("__lines__", {}).get(key, where.get("__line__", 0))
                if key
                else where.get("__line__", 0)
            )
        self.items.append((line, message))


_YEAR = re.compile(r"\b\d{4}\b")


def _date(
    value: Any, problems: _Problems, where: Mapping[str, Any], key: str, label: str
) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or value == "":
        problems.add(where, key, f"{label}: missing date; write it as YYYY-MM-DD (e.g. 2026-06-30)")
        return None
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        try:
            day = int(m.group(3)) if m.group(3) else calendar.monthrange(y, mo)[1]
            return date(y, mo, day)
        except (ValueError, calendar.IllegalMonthError):
            pass
    if not _YEAR.search(text):
        problems.add(
            where,
            key,
            f"{label}: the date {text!r} has no year; write it as YYYY-MM-DD (e.g. 2026-06-30)",
        )
    else:
        problems.add(where, key, f"{label}: {text!r} is not a date; write it as YYYY-MM-DD")
    return None


def _number(
    value: Any, problems: _Problems, where: Mapping[str, Any], key: str, label: str
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(where, key, f"{label}: expected a number, got {value!r}")
        return None
    return float(value)


def _text(value: Any, problems: _Problems, where: Mapping[str, Any], key: str, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.add(where, key, f"{label}: missing {key} (a text)")
        return ""
    return value.strip()


def _texts(
    value: Any, problems: _Problems, where: Mapping[str, Any], key: str, label: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, key, f"{label}: {key} must be a list of texts")
        return ()
    return tuple(v.strip() for v in value)


def read_plan(
    path: str | Path,
    catalogue: Mapping[str, Mapping[str, Any]],
    *,
    municipality: str | None = None,
) -> ActionPlan:
    """Read and validate an action plan; raise :class:`DataError` naming file and line.

    ``catalogue``: the labs and the KPIs each records, ``{lab: {kpi: info}}`` where ``info``
    has ``direction`` (``higher``/``lower``) and ``unit`` (a mapping or an object). The caller
    builds it from ``labs/*/lab.yml``. ``municipality``: the id the plan must be for.
    Every problem is found; the error shows the first and how many more there are
    (:func:`check_plan` lists them all).
    """
    plan, problems = _parse(Path(path), catalogue, municipality)
    if problems:
        line, message = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise DataError(message + more, file=str(path), row=line or None)
    assert plan is not None
    return plan


def check_plan(
    path: str | Path, catalogue: Mapping[str, Mapping[str, Any]], *, municipality: str | None = None
) -> list[str]:
    """Every problem of a plan as ``file:line: message`` (empty when the plan is valid)."""
    _, problems = _parse(Path(path), catalogue, municipality)
    return [f"{path}:{line}: {message}" for line, message in problems]


def _parse(
    path: Path, catalogue: Mapping[str, Mapping[str, Any]], municipality: str | None
) -> tuple[ActionPlan | None, list[tuple[int, str]]]:
    from kit.data.readers import read_yaml

    doc = read_yaml(path, "action plan (handlingsplan.yml)", loader=_Loader)
    p = _Problems(str(path))
    if not isinstance(doc, dict):
        p.add(1, None, "expected a mapping with municipality, title, adopted, review_dates, goals")
        return None, p.items
    mid = _text(doc.get("municipality"), p, doc, "municipality", "plan")
    if municipality and mid and mid != municipality:
        p.add(
            doc,
            "municipality",
            f"plan: municipality {mid!r} but the file belongs to {municipality!r}",
        )
    title = _text(doc.get("title"), p, doc, "title", "plan")
    adopted = _date(doc.get("adopted"), p, doc, "adopted", "plan adopted")
    reviews = []
    raw_reviews = doc.get("review_dates") or []
    if not isinstance(raw_reviews, list):
        p.add(doc, "review_dates", "review_dates must be a list of dates")
        raw_reviews = []
    for i, r in enumerate(raw_reviews):
        d = _date(r, p, doc, "review_dates", f"review date {i + 1}")
        if d is not None:
            if reviews and d <= reviews[-1]:
                p.add(
                    doc,
                    "review_dates",
                    f"review dates in the wrong order: {d} comes after {reviews[-1]}",
                )
            if adopted and d < adopted:
                p.add(
                    doc,
                    "review_dates",
                    f"review date {d} is before the plan was adopted ({adopted})",
                )
            reviews.append(d)
    plan_factors = _texts(doc.get("success_factors"), p, doc, "success_factors", "plan")
    goals = []
    raw_goals = doc.get("goals")
    if not isinstance(raw_goals, list) or not raw_goals:
        p.add(doc, "goals", "plan: goals must be a non-empty list")
        raw_goals = []
    seen: set[str] = set()
    for i, g in enumerate(raw_goals):
        if not isinstance(g, dict):
            p.add(doc, "goals", f"goal {i + 1}: expected a mapping (id, text, lab, kpi, ...)")
            continue
        gid = str(g.get("id") or f"{i + 1}")
        label = f"goal {gid}"
        if gid in seen:
            p.add(g, "id", f"{label}: the id is used twice")
        seen.add(gid)
        goal = _goal(g, gid, label, catalogue, adopted, p)
        if goal is not None:
            goals.append(goal)
    if p.items:
        p.items.sort(key=lambda x: x[0])
        return None, p.items
    plan = ActionPlan(
        municipality=mid,
        title=title,
        adopted=adopted,  # type: ignore[arg-type]
        review_dates=tuple(reviews),
        goals=tuple(goals),
        success_factors=plan_factors,
        synthetic=bool(doc.get("synthetic", False)),
        path=str(path),
    )
    return plan, []


def _goal(
    g: dict[str, Any],
    gid: str,
    label: str,
    catalogue: Mapping[str, Mapping[str, Any]],
    adopted: date | None,
    p: _Problems,
) -> Goal | None:
    n_before = len(p.items)
    text = _text(g.get("text"), p, g, "text", label)
    lab, kpi = g.get("lab"), g.get("kpi")
    info = None
    if lab not in catalogue:
        p.add(
            g,
            "lab",
            f"{label}: unknown lab {lab!r}; labs and their KPIs: {_catalogue_text(catalogue)}",
        )
    elif kpi not in catalogue[lab]:
        p.add(
            g,
            "kpi",
            f"{label}: lab {lab} records no KPI {kpi!r}; its KPIs: {', '.join(catalogue[lab])} "
            f"(all labs: {_catalogue_text(catalogue)})",
        )
    else:
        info = catalogue[lab][kpi]
    baseline = _number(g.get("baseline"), p, g, "baseline", f"{label} baseline")
    target = _number(g.get("target"), p, g, "target", f"{label} target")
    due = _date(g.get("due"), p, g, "due", f"{label} due")
    direction = _direction(info) if info is not None else None
    if info is not None and direction not in ("higher", "lower"):
        p.add(
            g,
            "kpi",
            f"{label}: KPI {kpi} of {lab} has no direction (higher/lower) to measure progress by",
        )
    if baseline is not None and target is not None and direction in ("higher", "lower"):
        if target == baseline:
            p.add(
                g,
                "target",
                f"{label}: the target equals the baseline ({baseline:g}); nothing to reach",
            )
        elif (target < baseline) == (direction == "higher"):
            side = "below" if target < baseline else "above"
            better = "higher" if direction == "higher" else "lower"
            p.add(
                g,
                "target",
                f"{label}: the target {target:g} is {side} the baseline {baseline:g}, but "
                f"{kpi} ({lab}) is better when {better}; the target points the wrong way",
            )
    if due is not None and adopted is not None and due <= adopted:
        p.add(
            g,
            "due",
            f"{label}: due {due} is not after the plan was adopted ({adopted}): dates in the wrong order",
        )
    actions = []
    raw = g.get("actions") or []
    if not isinstance(raw, list):
        p.add(g, "actions", f"{label}: actions must be a list")
        raw = []
    for j, a in enumerate(raw):
        alabel = f"{label} action {j + 1}"
        if not isinstance(a, dict):
            p.add(g, "actions", f"{alabel}: expected a mapping (text, owner, due, status)")
            continue
        atext = _text(a.get("text"), p, a, "text", alabel)
        owner = _text(a.get("owner"), p, a, "owner", alabel)
        adue = _date(a.get("due"), p, a, "due", f"{alabel} due")
        status = str(a.get("status") or "").strip().lower()
        status = _STATUS_SYNONYMS.get(status, status)
        if status not in ACTION_STATUSES:
            p.add(
                a,
                "status",
                f"{alabel}: status {a.get('status')!r}; expected one of: {', '.join(ACTION_STATUSES)}",
            )
        if adue is not None and due is not None and adue > due:
            p.add(
                a,
                "due",
                f"{alabel}: due {adue} is after its goal's due date {due}: dates in the wrong order",
            )
        if adue is not None and adopted is not None and adue < adopted:
            p.add(a, "due", f"{alabel}: due {adue} is before the plan was adopted ({adopted})")
        if atext and owner and adue and status in ACTION_STATUSES:
            actions.append(Action(atext, owner, adue, status))
    factors = _texts(g.get("success_factors"), p, g, "success_factors", label)
    if len(p.items) > n_before:
        return None
    return Goal(
        id=gid,
        text=text,
        lab=str(lab),
        kpi=str(kpi),
        baseline=baseline,  # type: ignore[arg-type]
        target=target,  # type: ignore[arg-type]
        due=due,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        unit=_unit(info),
        success_factors=factors,
        actions=tuple(actions),
    )


# -- status ----------------------------------------------------------------------------------


def goal_status(
    goal: Goal,
    adopted: date,
    value: float | None,
    value_date: date | None,
    today: date,
    source: str | None = None,
) -> GoalStatus:
    """The goal's status from its newest value (see the rule in the module docstring)."""
    if value is None or value_date is None or not isinstance(value, int | float):
        return GoalStatus(goal, "no_data")
    progress = (float(value) - goal.baseline) / (goal.target - goal.baseline)
    span = (goal.due - adopted).days
    expected = min(1.0, max(0.0, (value_date - adopted).days / span)) if span > 0 else 1.0
    if progress >= 1:
        status = "on_track"
    elif progress < 0 or today > goal.due:
        status = "off_track"
    elif progress >= expected - TOLERANCE:
        status = "on_track"
    else:
        status = "at_risk"
    return GoalStatus(goal, status, float(value), value_date, progress, expected, source)


def plan_path(datasets: Path, municipality: str) -> Path:
    return datasets / municipality / PLAN_FILE


def read_action_plan(
    municipality: str,
    catalogue: Mapping[str, Mapping[str, Any]],
    datasets: str | Path | None = None,
) -> ActionPlan:
    """The action plan of ``municipality`` (``<datasets>/<municipality>/handlingsplan.yml``;
    ``datasets`` defaults to the bundled folder), read and validated with :func:`read_plan`."""
    if datasets is None:
        from kit.config import datasets_dir

        datasets = datasets_dir()
    return read_plan(plan_path(Path(datasets), municipality), catalogue, municipality=municipality)
