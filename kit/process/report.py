"""One call for reports and the CLI: per-case metrics, summary, bottlenecks and variants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.process import mining
from kit.process.eventlog import EventLog, has_permit_activities, prepare
from kit.process.leadtime import _plain, case_metrics, local_days, summarise, to_dates

# --- one call for reports and the CLI -----------------------------------------------------------

PER_CASE_EXPORT = (
    "case_id",
    "case_type",
    "lead_time_days",
    "clock_start",
    "deadline",
    "decided",
    "within_limit",
    "days_late",
    "weeks_late_started",
    "fee_reduction_share",
    "fee_reduction_sek",
)


@dataclass
class LeadTimeReport:
    """Everything ``testlab leadtime`` shows: summary, per-case table, bottlenecks, variants.

    ``permit`` is False for a log without the permit vocabulary: its lead time is then the case
    duration from the first to the last event and the PBL figures are None/NA.
    """

    summary: dict[str, Any]
    per_case: pd.DataFrame
    bottlenecks: pd.DataFrame
    variants: pd.DataFrame
    permit: bool

    def to_dict(self, top: int = 10) -> dict[str, Any]:
        """JSON-ready: ``{"summary": {...}, "bottlenecks": [...], "variants": [...]}``."""
        return {
            "summary": dict(self.summary),
            "bottlenecks": _records(self.bottlenecks.head(top)),
            "variants": _records(self.variants.head(top)),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        rec = {}
        for k, v in row.items():
            v = _plain(v)
            rec[str(k)] = round(v, 6) if isinstance(v, float) else v
        out.append(rec)
    return out


def _generic_per_case(events: pd.DataFrame | EventLog) -> pd.DataFrame:
    """Per-case table of a log without permit activities: first → last event, no PBL figures."""
    from kit.process.mining import case_durations

    cd = case_durations(events)
    n = len(cd)
    nan = np.full(n, np.nan)
    nat = to_dates(nan)
    return pd.DataFrame(
        {
            "case_id": cd["case_id"],
            "case_type": pd.Series([None] * n, dtype=object),
            "received": to_dates(local_days(cd["start"])),
            "decided": to_dates(local_days(cd["end"])),
            "lead_time_days": cd["duration_days"].to_numpy(dtype=np.float64),
            "clock_start": nat,
            "deadline": nat,
            "within_limit": pd.array([pd.NA] * n, dtype="boolean"),
            "days_late": nan,
            "weeks_late_started": nan,
            "fee_reduction_share": nan,
            "fee_reduction_sek": nan,
        }
    )


def lead_time_report(
    events: pd.DataFrame | EventLog,
    cases: pd.DataFrame | None = None,
    *,
    holiday_shift: bool = False,
    as_of: Any = None,
) -> LeadTimeReport:
    """Per-case metrics, summary, bottlenecks and variants of one event log.

    A permit log (``received`` and ``decision``/``start_clearance`` present) gets the PBL
    figures of :func:`case_metrics`; any other log (e.g. an XES log with ``Submit``, ``Review``,
    ``Approve``) gets the case duration as lead time and None for the PBL figures.
    """
    log = prepare(events)  # factorised and ordered once for all four figures
    permit = has_permit_activities(log)
    if permit:
        per_case = case_metrics(log, cases, holiday_shift=holiday_shift, as_of=as_of)
    else:
        per_case = _generic_per_case(log)
    summary = summarise(per_case)
    return LeadTimeReport(
        summary=summary,
        per_case=per_case,
        bottlenecks=mining.bottlenecks(log, top=None),
        variants=mining.variants(log),
        permit=permit,
    )
