"""Seeded synthetic sample data: permit cases and their event logs (syntetiska exempeldata).

The kit ships invented building-permit cases for its pilot municipalities (Alingsås, Linköping,
Umeå) so every lab runs out of the box without personal data. They are generated here, written
to ``datasets/<municipality>/`` by ``testlab synth`` and committed; the same seed always gives
byte-identical files.

The model, per case (vectorised over all cases with NumPy, no per-case Python):

* **Arrival** (ansökan inkommer): a day in the given years, weighted by season (spring peak,
  July dip) and weekday; case type from a fixed mix (about 70 % bygglov, 18 % anmälan, then
  förhandsbesked, rivningslov, marklov).
* **Completion** (komplettering): a share is complete on arrival; the rest get a completion
  order (``completion_requested``, föreläggande) — almost always within the 3 weeks of
  9 kap. 22 § PBL, a few later — then one to three ``supplement_received`` and ``complete``.
* **Handling** (handläggning): complete → decision (for anmälan: → ``start_clearance``,
  startbesked) drawn from a gamma distribution per case type and handler, lengthened by
  ``neighbour_consultation`` (grannehörande) and ``referral`` (remiss), and by the summer
  vacation (decisions that would fall in July are often moved to August).
* **Time limit** (tidsfrist): a case that would overrun its 10 (lov) or 4 (anmälan) weeks
  usually gets a ``deadline_extended`` (förlängd tidsfrist) before the deadline; the others are
  late.
* **Outcome**: mostly bifall; some avslag, avvisning (the completion order was not met) and
  ``withdrawn`` cases written off (avskrivning).
* **After the decision** for granted lov: ``announced`` in PoIT, ``legal_force`` 4 weeks later,
  ``technical_consultation``, ``start_clearance`` (simple cases get it with the lov),
  ``site_visit``, ``final_consultation``, ``final_clearance`` months later.
* **Cut-off**: nothing after the cut-off (default 31 March after the last year) is included,
  so a few cases are still open.

Municipal actions fall on working days (no weekends, Swedish public holidays, midsommarafton,
julafton, nyårsafton); applicants also act at weekends. The behaviour of each municipality is a
:class:`Profile`; Umeå's is calibrated to its published 2023 figures (``DOMAIN.md``), Linköping is
a little slower and Alingsås a little faster.

Public API: :func:`synthesise` (one municipality, frames in memory), :func:`generate_samples`
(write files, as ``testlab synth`` does), :func:`write_sample`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from kit.config import DEFAULT_CRS, LOCAL_TZ, MUNICIPALITIES, Municipality, datasets_dir
from kit.config import municipality as get_municipality
from kit.data.privacy import luhn_digit as _luhn_digit
from kit.data.schemas import ACTIVITIES, CASE_TYPES
from kit.errors import UsageError

DEFAULT_SEED = 1849  # the committed samples; IEEE 1849 is the XES standard
DEFAULT_YEARS: tuple[int, ...] = (2023, 2024)
FORMATS = ("csv", "xes")
EVENT_COLUMNS = ("case_id", "activity", "timestamp", "resource", "extension_weeks")
CASE_COLUMNS = (
    "case_id",
    "case_type",
    "received",
    "municipality",
    "fee_sek",
    "property",
    "district",
    "x",
    "y",
    "crs",
    "decision_outcome",
    "applicant_name",
)
PERSONAL_COLUMNS = ("applicant_id", "note")

# --- profiles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    """A part of the municipality where cases cluster (tätort or stadsdel)."""

    name: str
    lat: float  # centre, WGS 84
    lon: float
    spread_km: float  # standard deviation of the scatter around the centre
    weight: float  # relative share of the municipality's cases
    trakts: tuple[str, ...]  # trakt names for designations like "Umeå Ön 2:14"
    kvarter: tuple[str, ...] = ()  # block names for designations like "Umeå Renen 12"


@dataclass(frozen=True)
class Profile:
    """How one municipality's permit unit behaves in the synthetic data.

    Scales multiply the shared base durations; shares are probabilities per case.
    """

    case_prefix: str  # diarienummer prefix: "<prefix> 2023-000123"
    number_width: int  # zero padding of the running number (0: none, "BN 2023-123")
    handlers: int  # handläggare at the sample scale
    complete_on_arrival: float  # share of lov applications complete when submitted
    completion_scale: float  # applicants' response times to a completion order
    handling_scale: float  # complete -> decision
    extension_share: float  # share of overrunning cases that get a timely extension
    districts: tuple[District, ...]


_D = District
PROFILES: dict[str, Profile] = {
    "umea": Profile(
        case_prefix="BN",
        number_width=0,
        handlers=14,
        complete_on_arrival=0.236,
        completion_scale=1.0,
        handling_scale=1.0,
        extension_share=0.36,
        districts=(
            _D(
                "Centrum",
                63.8258,
                20.2630,
                0.8,
                14,
                ("Haga", "Ön", "Öbacka"),
                ("Renen", "Hjorten", "Kronan", "Vinkeln", "Bävern", "Lodjuret"),
            ),
            _D("Teg", 63.8150, 20.2720, 0.9, 10, ("Teg", "Sandåkern")),
            _D("Ersboda", 63.8560, 20.3050, 0.9, 8, ("Ersboda", "Ersmark")),
            _D("Ålidhem", 63.8180, 20.3050, 0.6, 6, ("Ålidhem", "Berghem")),
            _D("Mariehem", 63.8350, 20.3150, 0.7, 8, ("Mariehem", "Sofiehem")),
            _D("Västerslätt", 63.8370, 20.2150, 0.9, 7, ("Grubbe", "Västerslätt")),
            _D("Tomtebo", 63.8180, 20.3450, 0.8, 7, ("Tomtebo", "Carlslid")),
            _D("Röbäck", 63.8000, 20.2200, 0.7, 4, ("Röbäck",)),
            _D("Holmsund", 63.7060, 20.3650, 1.1, 9, ("Holmsund", "Västerbacken")),
            _D("Obbola", 63.6970, 20.3150, 0.7, 5, ("Obbola",)),
            _D("Sävar", 63.9000, 20.5500, 1.0, 8, ("Sävar", "Sävarbyn")),
            _D("Täfteå", 63.8360, 20.4650, 0.8, 4, ("Täfteå", "Innertavle")),
            _D("Hörnefors", 63.6270, 19.9080, 0.9, 5, ("Hörnefors", "Sund")),
        ),
    ),
    "linkoping": Profile(
        case_prefix="BYGG",
        number_width=6,
        handlers=20,
        complete_on_arrival=0.20,
        completion_scale=1.08,
        handling_scale=1.12,
        extension_share=0.36,
        districts=(
            _D(
                "Innerstaden",
                58.4108,
                15.6214,
                0.7,
                12,
                (),
                ("Druvan", "Ugglan", "Gripen", "Hunden", "Lärkan", "Jupiter", "Svanen"),
            ),
            _D("Gottfridsberg", 58.4050, 15.5980, 0.5, 6, ("Gottfridsberg",)),
            _D("Ryd", 58.4090, 15.5650, 0.6, 6, ("Ryd",)),
            _D("Skäggetorp", 58.4310, 15.5900, 0.6, 5, ("Skäggetorp",)),
            _D("Berga", 58.3920, 15.6520, 0.7, 7, ("Berga", "Hjulsbro")),
            _D("Lambohov", 58.3810, 15.5720, 0.6, 6, ("Lambohov", "Slaka")),
            _D("Vallastaden", 58.3970, 15.5770, 0.4, 5, ("Valla",)),
            _D("Tannefors", 58.4070, 15.6500, 0.5, 5, ("Tannefors",)),
            _D("Ekholmen", 58.3890, 15.6060, 0.5, 5, ("Ekholmen",)),
            _D("Malmslätt", 58.4170, 15.5100, 0.8, 8, ("Malmslätt", "Kärna")),
            _D("Ljungsbro", 58.5110, 15.5020, 0.8, 8, ("Ljungsbro", "Vreta")),
            _D("Sturefors", 58.3360, 15.7290, 0.7, 6, ("Sturefors", "Bankekind")),
            _D("Linghem", 58.4360, 15.7890, 0.6, 5, ("Linghem", "Törnevalla")),
            _D("Vikingstad", 58.3840, 15.4320, 0.6, 5, ("Vikingstad",)),
        ),
    ),
    "alingsas": Profile(
        case_prefix="SBN",
        number_width=6,
        handlers=6,
        complete_on_arrival=0.27,
        completion_scale=0.92,
        handling_scale=0.88,
        extension_share=0.50,
        districts=(
            _D(
                "Centrum",
                57.9300,
                12.5330,
                0.5,
                16,
                (),
                ("Hyttan", "Tornet", "Lejonet", "Kaplanen", "Plantaget"),
            ),
            _D("Nolhaga", 57.9250, 12.5150, 0.5, 8, ("Nolhaga",)),
            _D("Noltorp", 57.9350, 12.5600, 0.6, 10, ("Noltorp",)),
            _D("Brogården", 57.9180, 12.5400, 0.4, 7, ("Brogården",)),
            _D("Östlyckan", 57.9430, 12.5640, 0.5, 8, ("Östlyckan", "Bjärke")),
            _D("Lövekulle", 57.9050, 12.5450, 0.5, 6, ("Lövekulle",)),
            _D("Ingared", 57.8670, 12.4520, 0.7, 10, ("Ingared", "Ödenäs")),
            _D("Västra Bodarna", 57.8860, 12.3540, 0.6, 7, ("Bodarne",)),
            _D("Stora Mellby", 58.0300, 12.5400, 0.7, 6, ("Mellby", "Magra")),
            _D("Gräfsnäs", 58.0800, 12.4900, 0.4, 3, ("Gräfsnäs",)),
        ),
    ),
}
del _D

# Case-type mix of a year's cases, in kit.data.schemas.CASE_TYPES order.
_TYPE_MIX = np.array([0.70, 0.04, 0.03, 0.05, 0.18])
BL, RL, MARK, FORF, ANM = range(5)

# Relative intake per month (January..December): spring peak, July dip (semester).
_MONTH_WEIGHT = np.array([0.80, 0.90, 1.10, 1.25, 1.30, 1.15, 0.50, 0.95, 1.10, 1.05, 0.95, 0.75])

# Mean working handling time complete -> decision (days) per case type, before scaling.
_HANDLING_MEAN = np.array([26.5, 17.0, 23.0, 29.0, 10.0])
_NEIGHBOUR_SHARE = np.array([0.20, 0.05, 0.20, 0.65, 0.0])
_REFERRAL_SHARE = np.array([0.12, 0.15, 0.25, 0.50, 0.0])
_AVSLAG_SHARE = np.array([0.05, 0.02, 0.05, 0.15, 0.0])
_WITHDRAWN_SHARE = np.array([0.03, 0.03, 0.03, 0.03, 0.02])
_AVVISNING_SHARE = np.array([0.015, 0.01, 0.015, 0.015, 0.0])
_LIMIT_DAYS = np.array([70, 70, 70, 70, 28])
_MAX_EXTENSION_WEEKS = np.array([10, 10, 10, 10, 4])

# Fee (bygglovsavgift) per case type: median SEK, log-normal sigma, lower and upper bound.
_FEE = np.array(
    [
        [16_000, 0.40, 6_000, 250_000],
        [6_500, 0.35, 2_500, 40_000],
        [8_500, 0.40, 3_000, 60_000],
        [13_000, 0.25, 6_000, 30_000],
        [5_000, 0.20, 3_000, 8_000],
    ]
)

_FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kristina", "Emma", "Johanna", "Åsa",
    "Lars", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Mikael", "Jan", "Fredrik",
    "Hans", "Björn", "Mats", "Jörgen", "Sofia", "Elin", "Ida", "Linnéa", "Gustav", "Oskar",
)  # fmt: skip
_LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Lindström", "Lindqvist", "Berg", "Lundberg",
    "Sjöberg", "Forsberg", "Åberg", "Holm", "Nyström", "Lundqvist", "Öberg",
)  # fmt: skip
_COMPANY_SUFFIXES = ("Bygg AB", "Fastigheter AB", "Entreprenad AB", "Bostäder AB", "Hus AB")

# Event order within one day; it follows the process (legal force is a date, so it comes first
# among the post-decision steps that can share its day).
_RANK = {
    a: i
    for i, a in enumerate(
        (
            "received",
            "completion_requested",
            "supplement_received",
            "complete",
            "neighbour_consultation",
            "referral",
            "deadline_extended",
            "withdrawn",
            "decision",
            "announced",
            "legal_force",
            "technical_consultation",
            "start_clearance",
            "site_visit",
            "final_consultation",
            "final_clearance",
        )
    )
}
assert set(_RANK) == set(ACTIVITIES)
_ACTIVITY_NAMES = np.array(sorted(_RANK, key=_RANK.get), dtype=object)

# Who acts: the case's handler, the applicant (any day, any hour) or nobody (a date only).
_HANDLER, _APPLICANT, _DATE_ONLY = range(3)


# --- calendar ---------------------------------------------------------------------------------


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


class _Calendar:
    """Working days (arbetsdagar) as a lookup table over day numbers since 1970-01-01."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        import holidays

        self.lo = _day(first)
        self.n = (last - first).days + 1
        days = np.arange(self.lo, self.lo + self.n)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        years = range(first.year, last.year + 1)
        off = {_day(d) for d in holidays.country_holidays("SE", years=years, include_sundays=False)}
        for y in years:  # de facto days off that lag 1930:173 names too
            off |= {_day(dt.date(y, 12, 24)), _day(dt.date(y, 12, 31))}
            off |= {
                _day(dt.date(y, 6, 19) + dt.timedelta(days=(4 - dt.date(y, 6, 19).weekday()) % 7))
            }
        self.working = (weekday < 5) & ~np.isin(days, np.fromiter(off, dtype=np.int64))
        idx = np.where(self.working, np.arange(self.n), self.n - 1)
        self._next = self.lo + np.minimum.accumulate(idx[::-1])[::-1]

    def _index(self, d: np.ndarray) -> np.ndarray:
        return np.clip(np.nan_to_num(d, nan=self.lo) - self.lo, 0, self.n - 1).astype(np.int64)

    def work(self, d: np.ndarray) -> np.ndarray:
        """The first working day on or after each (fractional) day; NaN stays NaN."""
        d = np.ceil(d)
        return np.where(np.isnan(d), np.nan, self._next[self._index(d)].astype(float))

    def applicant(self, d: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Applicants' days: mostly working days, a weekend day when ``u`` < 0.12."""
        d = np.ceil(d)
        return np.where(u < 0.12, d, self.work(d))


# --- the model --------------------------------------------------------------------------------


def _gamma(rng: np.random.Generator, shape: float, mean: Any, n: int) -> np.ndarray:
    return rng.gamma(shape, 1.0, n) * (np.asarray(mean, dtype=float) / shape)


def _arrivals(
    rng: np.random.Generator, cal: _Calendar, years: Sequence[int], per_year: Sequence[int]
) -> np.ndarray:
    out = []
    for year, n in zip(years, per_year, strict=True):
        first, last = _day(dt.date(year, 1, 1)), _day(dt.date(year, 12, 31))
        days = np.arange(first, last + 1)
        months = days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12
        w = _MONTH_WEIGHT[months] * np.where(cal.working[days - cal.lo], 1.0, 0.15)
        out.append(rng.choice(days, size=n, p=w / w.sum()))
    return np.sort(np.concatenate(out)).astype(float)


class _Log:
    """Event slots collected column-wise: one array per slot, NaN where a case lacks it."""

    def __init__(self) -> None:
        self.slots: list[tuple[str, np.ndarray, int, np.ndarray | None]] = []

    def add(self, activity: str, day: np.ndarray, actor: int, weeks: np.ndarray | None = None):
        self.slots.append((activity, day, actor, weeks))


def _simulate(
    profile: Profile,
    rng: np.random.Generator,
    cal: _Calendar,
    received: np.ndarray,
    cutoff: int,
    handlers: int,
) -> tuple[dict[str, np.ndarray], _Log]:
    """Draw every step of every case; returns per-case arrays and the event slots.

    The steps draw from ``rng`` in this order (changing it changes every sample file):
    case type and handler, outcome, completion, unmet orders (avvisning), handling, the summer
    break, withdrawal, extension, then the steps after the decision."""
    n = len(received)
    c = _draw_cases(rng, n, handlers)
    _draw_outcomes(rng, c)
    steps = _completion(profile, rng, cal, received, c)
    _unmet_orders(rng, c, steps)
    decided = _handling(profile, rng, cal, c, steps)
    decision = cal.work(_summer_break(rng, decided))
    steps.sup1 = np.where(c.avvisning & (steps.sup1 >= decision), np.nan, steps.sup1)  # too late
    w_day, decision = _withdrawal(rng, cal, received, c, steps, decision)
    ext_day, weeks = _extension(profile, rng, cal, received, c, steps, decision)
    log = _event_log(rng, cal, received, c, steps, decision, w_day, ext_day, weeks)
    outcome = np.where(decision <= cutoff, _outcome_labels(c), None)
    cases = {"ctype": c.ctype, "handler": c.handler, "outcome": outcome, "received": received}
    return cases, log


@dataclass
class _Draws:
    """What is drawn for each case up front: type, handler and outcome."""

    ctype: np.ndarray  # index into CASE_TYPES
    handler: np.ndarray  # index of the case's handler
    speed: np.ndarray  # the handler's relative speed (mean 1 over handlers)
    withdrawn: np.ndarray = None  # återkallad, written off (avskrivning)
    avvisning: np.ndarray = None  # dismissed: the completion order was not met
    avslag: np.ndarray = None  # refused

    @property
    def is_anm(self) -> np.ndarray:
        return self.ctype == ANM

    @property
    def normal(self) -> np.ndarray:
        """Cases decided on their merits (neither withdrawn nor dismissed)."""
        return ~self.withdrawn & ~self.avvisning


@dataclass
class _Steps:
    """Day numbers of each case's steps before the decision (NaN where a case lacks one)."""

    req1: np.ndarray  # first completion order
    sup1: np.ndarray  # first supplement
    req2: np.ndarray  # second completion order
    sup2: np.ndarray
    sup3: np.ndarray  # an extra supplement nobody asked for
    complete: np.ndarray
    nb_day: np.ndarray = None  # neighbour consultation
    ref_day: np.ndarray = None  # referral
    tc_anm: np.ndarray = None  # technical consultation before an anmälan's startbesked


def _draw_cases(rng: np.random.Generator, n: int, handlers: int) -> _Draws:
    """Case type from the fixed mix; a handler each, handlers differing in speed (log-normal)."""
    ctype = rng.choice(len(CASE_TYPES), size=n, p=_TYPE_MIX)
    handler = rng.integers(0, handlers, n)
    speed = rng.lognormal(0.0, 0.15, handlers)
    return _Draws(ctype, handler, (speed / speed.mean())[handler])


def _draw_outcomes(rng: np.random.Generator, c: _Draws) -> None:
    """Withdrawn, avvisning and avslag by their shares per case type; exclusive, in that order."""
    n = len(c.ctype)
    u = rng.random(n)
    c.withdrawn = u < _WITHDRAWN_SHARE[c.ctype]
    c.avvisning = ~c.withdrawn & (u < _WITHDRAWN_SHARE[c.ctype] + _AVVISNING_SHARE[c.ctype])
    c.avslag = (rng.random(n) < _AVSLAG_SHARE[c.ctype]) & ~c.withdrawn & ~c.avvisning


def _completion(
    profile: Profile, rng: np.random.Generator, cal: _Calendar, received: np.ndarray, c: _Draws
) -> _Steps:
    """Completion (komplettering): a share complete on arrival (more for anmälan); the rest get
    an order on a working day, within 21 days except 3 % later (only those restart the clock,
    9 kap. 22 § PBL), then one or two rounds of order and supplement, sometimes an extra
    supplement, and ``complete`` after a short review. 5 % of applicants stall for months."""
    n = len(received)
    is_anm = c.is_anm
    coa_share = profile.complete_on_arrival + np.where(is_anm, 0.15, 0.0)
    coa = (rng.random(n) < coa_share) & ~c.avvisning
    late_order = rng.random(n) < 0.03
    r1 = np.where(late_order, rng.integers(22, 50, n), np.minimum(1 + _gamma(rng, 2.0, 6.5, n), 17))
    cs = profile.completion_scale * np.where(is_anm, 0.7, 1.0)
    req1 = np.where(coa, np.nan, cal.work(received + r1))
    # A few applicants take months to answer (a long tail that keeps some cases open).
    stalled = np.where(rng.random(n) < 0.05, np.minimum(45 + _gamma(rng, 1.3, 80.0, n), 200), 0.0)
    sup1 = cal.applicant(req1 + 1 + _gamma(rng, 1.6, 14.5 * cs, n) + stalled, rng.random(n))
    two_rounds = rng.random(n) < 0.30
    req2 = np.where(two_rounds, cal.work(sup1 + 1 + _gamma(rng, 1.5, 4.5, n)), np.nan)
    sup2 = cal.applicant(req2 + 1 + _gamma(rng, 1.6, 12.0 * cs, n), rng.random(n))
    last = np.where(two_rounds, sup2, sup1)
    extra = rng.random(n) < 0.15
    sup3 = np.where(
        extra, cal.applicant(last + 1 + _gamma(rng, 1.2, 6.0, n), rng.random(n)), np.nan
    )
    last = np.where(extra, sup3, last)
    review = np.where(rng.random(n) < 0.5, 0.0, 1 + _gamma(rng, 1.3, 3.0, n))
    complete = np.where(coa, received, cal.work(last + review))
    return _Steps(req1, sup1, req2, sup2, sup3, complete)


def _unmet_orders(rng: np.random.Generator, c: _Draws, s: _Steps) -> None:
    """Avvisning: the order was not met (40 % of those applicants sent something, not enough);
    no second round, no complete application."""
    n = len(c.ctype)
    av = c.avvisning
    s.sup1 = np.where(av & (rng.random(n) < 0.6), np.nan, s.sup1)
    s.sup2 = np.where(av, np.nan, s.sup2)
    s.sup3 = np.where(av, np.nan, s.sup3)
    s.req2 = np.where(av, np.nan, s.req2)
    s.complete = np.where(av, np.nan, s.complete)


def _handling(
    profile: Profile, rng: np.random.Generator, cal: _Calendar, c: _Draws, s: _Steps
) -> np.ndarray:
    """Handling (handläggning): the (fractional) decision day, complete → decision (for anmälan
    → startbesked) from a gamma distribution per case type scaled by the handler's speed, but
    not before the answers to grannehörande and remiss (3 weeks and a little) are in; avslag
    takes a little longer, an anmälan's tekniskt samråd must come first, and an avvisning
    follows about a month after the unmet order. Sets the consultation days on ``s``."""
    n = len(c.ctype)
    ctype, complete = c.ctype, s.complete
    base = (
        complete + 1 + _gamma(rng, 2.2, _HANDLING_MEAN[ctype] * profile.handling_scale * c.speed, n)
    )
    neighbour = rng.random(n) < _NEIGHBOUR_SHARE[ctype]
    s.nb_day = np.where(neighbour, cal.work(complete + 2 + _gamma(rng, 1.5, 4.0, n)), np.nan)
    referral = rng.random(n) < _REFERRAL_SHARE[ctype]
    s.ref_day = np.where(referral, cal.work(complete + 2 + _gamma(rng, 1.5, 5.0, n)), np.nan)
    answers = np.fmax(
        s.nb_day + 21 + _gamma(rng, 1.5, 4.0, n), s.ref_day + 21 + _gamma(rng, 1.5, 6.0, n)
    )
    decided = np.fmax(base, answers) + np.where(c.avslag, 5 + _gamma(rng, 2.0, 8.0, n), 0.0)
    anm_tc = c.is_anm & (rng.random(n) < 0.25)  # anmälan with tekniskt samråd before startbesked
    s.tc_anm = np.where(anm_tc, cal.work(complete + 3 + _gamma(rng, 2.0, 8.0, n)), np.nan)
    decided = np.where(anm_tc, np.fmax(decided, s.tc_anm), decided)
    return np.where(c.avvisning, s.req1 + 30 + _gamma(rng, 2.0, 14.0, n), decided)


def _summer_break(rng: np.random.Generator, decided: np.ndarray) -> np.ndarray:
    """Summer vacation: 55 % of the decisions that would fall in July wait until after
    4 August."""
    n = len(decided)
    month, year = _month_year(decided)
    postpone = (month == 7) & (rng.random(n) < 0.55)
    aug = ((year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 7).astype(
        "datetime64[D]"
    )
    aug = aug.astype(np.int64) + 3  # 4 August
    return np.where(postpone, np.fmax(decided, aug + _gamma(rng, 1.5, 6.0, n)), decided)


def _withdrawal(
    rng: np.random.Generator,
    cal: _Calendar,
    received: np.ndarray,
    c: _Draws,
    s: _Steps,
    decision: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Withdrawal (återkallelse) ends the case before its decision; the board writes it off
    (avskrivning) a few days later, and no step on or after the withdrawal happens. Returns
    (withdrawal day, decision day) and blanks the later steps on ``s``."""
    n = len(received)
    withdrawn = c.withdrawn
    w_day = cal.applicant(received + 3 + _gamma(rng, 1.3, 30.0, n), rng.random(n))
    w_day = np.where(withdrawn, np.fmin(w_day, decision - 1), np.nan)
    w_decision = cal.work(w_day + 1 + _gamma(rng, 1.5, 4.0, n))

    def after_w(d: np.ndarray) -> np.ndarray:
        return np.where(withdrawn & (d >= w_day), np.nan, d)

    for name in ("req1", "sup1", "req2", "sup2", "sup3", "complete", "nb_day", "ref_day", "tc_anm"):
        setattr(s, name, after_w(getattr(s, name)))
    return w_day, np.where(withdrawn, w_decision, decision)


def _extension(
    profile: Profile,
    rng: np.random.Generator,
    cal: _Calendar,
    received: np.ndarray,
    c: _Draws,
    s: _Steps,
    decision: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Time limit (tidsfrist) and extension (förlängning, once, at most the limit): a case
    decided on its merits after its deadline gets an extension with the profile's share, 93 %
    of them before the deadline; boards extend by round numbers of weeks, usually enough to
    cover the expected delay. Returns (extension day, NaN for none; weeks)."""
    n = len(received)
    timely = ~np.isnan(s.req1) & (s.req1 - received <= 21)
    start = np.where(
        timely, np.fmin(np.fmax(s.sup1, np.fmax(s.sup2, s.sup3)), s.complete), received
    )
    start = np.where(timely & np.isnan(start), s.complete, start)
    deadline = start + _LIMIT_DAYS[c.ctype]
    overrun = c.normal & (decision > deadline)
    extend = overrun & (rng.random(n) < profile.extension_share)
    in_time = rng.random(n) < 0.93
    ext_day = np.where(
        in_time,
        cal.work(np.fmax(deadline - rng.integers(3, 25, n), s.complete + 1)),
        cal.work(deadline + rng.integers(1, 10, n)),
    )
    extend &= ext_day < decision
    needed = np.ceil((decision - deadline) / 7) + rng.choice([0, 0, 1, 2], n)
    weeks = np.clip(
        np.fmax(needed, rng.choice([2, 4, 6, 8, 10], n)), 1, _MAX_EXTENSION_WEEKS[c.ctype]
    )
    return np.where(extend, ext_day, np.nan), weeks


def _outcome_labels(c: _Draws) -> np.ndarray:
    """bifall, avslag, avvisning or avskrivning (withdrawn) per case."""
    outcome = np.full(len(c.ctype), "bifall", dtype=object)
    outcome[c.avslag] = "avslag"
    outcome[c.avvisning] = "avvisning"
    outcome[c.withdrawn] = "avskrivning"
    return outcome


def _event_log(
    rng: np.random.Generator,
    cal: _Calendar,
    received: np.ndarray,
    c: _Draws,
    s: _Steps,
    decision: np.ndarray,
    w_day: np.ndarray,
    ext_day: np.ndarray,
    weeks: np.ndarray,
) -> _Log:
    """The event slots up to the decision (for anmälan the startbesked), then the steps after
    a granted lov or startbesked (:func:`_after_decision`)."""
    log = _Log()
    log.add("received", received, _APPLICANT)
    log.add("completion_requested", s.req1, _HANDLER)
    log.add("supplement_received", s.sup1, _APPLICANT)
    log.add("completion_requested", s.req2, _HANDLER)
    log.add("supplement_received", s.sup2, _APPLICANT)
    log.add("supplement_received", s.sup3, _APPLICANT)
    log.add("complete", s.complete, _HANDLER)
    log.add("neighbour_consultation", s.nb_day, _HANDLER)
    log.add("referral", s.ref_day, _HANDLER)
    log.add("deadline_extended", ext_day, _HANDLER, weeks)
    log.add("withdrawn", w_day, _APPLICANT)
    log.add("technical_consultation", s.tc_anm, _HANDLER)
    decision_activity = np.where(c.is_anm & ~c.withdrawn, "start_clearance", "decision")
    for activity in ("decision", "start_clearance"):
        log.add(activity, np.where(decision_activity == activity, decision, np.nan), _HANDLER)
    granted = c.normal & ~c.avslag
    _after_decision(rng, cal, log, c.ctype, granted, decision)
    return log


def _month_year(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.nan_to_num(days, nan=0).astype("int64").astype("datetime64[D]")
    months = d.astype("datetime64[M]").astype(int)
    return np.where(np.isnan(days), 0, months % 12 + 1), np.where(
        np.isnan(days), 0, months // 12 + 1970
    )


def _after_decision(
    rng: np.random.Generator,
    cal: _Calendar,
    log: _Log,
    ctype: np.ndarray,
    granted: np.ndarray,
    decision: np.ndarray,
) -> None:
    """Steps after a granted lov or a startbesked: PoIT, laga kraft, samråd, start, slutbesked."""
    n = len(ctype)
    bl, rl, mark, forf, anm = (granted & (ctype == k) for k in (BL, RL, MARK, FORF, ANM))
    announce = bl | forf
    announced = np.where(announce, cal.work(decision + 2 + _gamma(rng, 1.5, 3.0, n)), np.nan)
    appealed = rng.random(n) < 0.03  # överklagat: legal force months later
    legal = announced + 28 + np.where(appealed, 60 + _gamma(rng, 2.0, 90.0, n), 0.0)
    log.add("announced", announced, _HANDLER)
    log.add("legal_force", legal, _DATE_ONLY)

    # Bygglov: simple cases get startbesked with the lov; others after a technical consultation.
    simple = bl & (rng.random(n) < 0.40)
    complex_ = bl & ~simple
    starts = rng.random(n) >= 0.08  # some projects never start within the window
    tc = complex_ & (rng.random(n) < 0.75)
    tc_day = np.where(tc, cal.work(decision + 7 + _gamma(rng, 2.0, 24.0, n)), np.nan)
    start_bl = np.where(
        tc,
        cal.work(tc_day + np.where(rng.random(n) < 0.5, 0.0, _gamma(rng, 1.5, 8.0, n))),
        cal.work(decision + 10 + _gamma(rng, 2.0, 30.0, n)),
    )
    start_bl = np.where(simple, decision, start_bl)
    quick = rng.random(n) < np.where(rl, 0.6, 0.7)
    start_rm = np.where(quick, decision, cal.work(decision + 7 + _gamma(rng, 1.5, 15.0, n)))
    start = np.where(bl & starts, start_bl, np.where((rl | mark) & starts, start_rm, np.nan))
    log.add("technical_consultation", tc_day, _HANDLER)
    log.add("start_clearance", np.where(bl | rl | mark, start, np.nan), _HANDLER)

    has_start = (bl | rl | mark) & starts
    start = np.where(anm, decision, start)  # for anmälan the startbesked is the decision
    has_start |= anm
    visit_share = np.select([complex_, anm], [0.5, 0.2], 0.1)
    visit = has_start & (rng.random(n) < visit_share)
    sv = np.where(visit, cal.work(start + 20 + _gamma(rng, 2.0, 60.0, n)), np.nan)
    fc = tc & has_start & (rng.random(n) < 0.8)
    fc_day = np.where(
        fc, cal.work(np.fmax(start + 60 + _gamma(rng, 2.0, 150.0, n), sv + 5)), np.nan
    )
    work_mean = np.select([bl, rl, mark, anm], [120.0, 45.0, 90.0, 70.0], 60.0)
    final_share = np.select([bl, rl, mark, anm], [0.85, 0.8, 0.5, 0.85], 0.0)
    final = has_start & (fc | (rng.random(n) < final_share))
    fcl = np.where(
        fc,
        cal.work(fc_day + 2 + _gamma(rng, 1.5, 6.0, n)),
        cal.work(np.fmax(start + 15 + _gamma(rng, 1.6, work_mean, n), sv + 3)),
    )
    log.add("site_visit", sv, _HANDLER)
    log.add("final_consultation", fc_day, _HANDLER)
    log.add("final_clearance", np.where(final, fcl, np.nan), _HANDLER)


# --- tables -----------------------------------------------------------------------------------


def _events_frame(
    rng: np.random.Generator, log: _Log, handler: np.ndarray, case_ids: np.ndarray, cutoff: int
) -> pd.DataFrame:
    """Flatten the slots into one sorted event table with times of day."""
    parts = []
    for activity, day, actor, weeks in log.slots:
        keep = ~np.isnan(day) & (day <= cutoff)
        idx = np.flatnonzero(keep)
        n = len(idx)
        if actor == _HANDLER:
            minute = 8 * 60 + rng.integers(0, 8 * 60 + 30, n)
        elif actor == _APPLICANT:
            office = rng.random(n) < 0.75
            minute = np.where(
                office, 8 * 60 + rng.integers(0, 9 * 60, n), rng.integers(6 * 60, 23 * 60 + 30, n)
            )
        else:
            minute = np.zeros(n, dtype=np.int64)
        w = np.full(n, -1) if weeks is None else weeks[idx].astype(np.int64)
        parts.append(
            (
                idx,
                day[idx].astype(np.int64),
                np.full(n, _RANK[activity]),
                minute,
                np.full(n, actor),
                w,
            )
        )
    case, day, rank, minute, actor, weeks = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.lexsort((rank, day, case))
    case, day, rank, minute, actor, weeks = (
        a[order] for a in (case, day, rank, minute, actor, weeks)
    )
    # Same-day steps of a case get strictly increasing times, in process order.
    new = np.ones(len(case), dtype=bool)
    new[1:] = (case[1:] != case[:-1]) | (day[1:] != day[:-1])
    first = np.maximum.accumulate(np.where(new, np.arange(len(case)), 0))
    pos = np.arange(len(case)) - first
    shifted = pd.Series(minute - pos).groupby(np.cumsum(new)).cummax().to_numpy()
    minute = np.minimum(shifted + pos, 24 * 60 - 1)
    date_only = (actor == _DATE_ONLY) & (minute == 0)
    stamp = (day * 1440 + minute).astype("datetime64[m]")
    text = np.where(
        date_only,
        np.datetime_as_string(day.astype("datetime64[D]")),
        np.char.replace(np.datetime_as_string(stamp), "T", " "),
    )
    handler_ids = np.array(
        [f"handl-{i + 1:02d}" for i in range(int(handler.max(initial=0)) + 1)], dtype=object
    )
    resource = np.where(actor == _HANDLER, handler_ids[handler[case]], None)
    return pd.DataFrame(
        {
            "case_id": case_ids[case],
            "activity": _ACTIVITY_NAMES[rank],
            "timestamp": text.astype(object),
            "resource": resource,
            "extension_weeks": pd.arrays.IntegerArray(np.maximum(weeks, 0), weeks < 0),
        }
    )


def _case_numbers(profile: Profile, rng: np.random.Generator, received: np.ndarray) -> np.ndarray:
    """Diarienummer per year in order of arrival, with gaps for other kinds of case."""
    _, years = _month_year(received)
    steps = 1 + np.where(rng.random(len(received)) < 0.35, rng.integers(1, 4, len(received)), 0)
    out = np.empty(len(received), dtype=object)
    for y in np.unique(years):
        sel = np.flatnonzero(years == y)
        numbers = np.cumsum(steps[sel])
        out[sel] = [f"{profile.case_prefix} {y}-{k:0{profile.number_width}d}" for k in numbers]
    return out


def _places(profile: Profile, mun: Municipality, rng: np.random.Generator, n: int):
    """District, fastighetsbeteckning and SWEREF 99 TM coordinates per case."""
    from pyproj import Transformer

    districts = profile.districts
    w = np.array([d.weight for d in districts], dtype=float)
    which = rng.choice(len(districts), size=n, p=w / w.sum())
    lat0 = np.array([d.lat for d in districts])[which]
    lon0 = np.array([d.lon for d in districts])[which]
    spread = np.array([d.spread_km for d in districts])[which]
    lat = lat0 + rng.normal(0, 1, n) * spread / 111.2
    lon = lon0 + rng.normal(0, 1, n) * spread / (111.2 * np.cos(np.radians(lat0)))
    min_lon, min_lat, max_lon, max_lat = mun.bbox_wgs84
    lat = np.clip(lat, min_lat + 0.005, max_lat - 0.005)
    lon = np.clip(lon, min_lon + 0.005, max_lon - 0.005)
    x, y = Transformer.from_crs("EPSG:4326", DEFAULT_CRS, always_xy=True).transform(lon, lat)

    u_kind, u_name = rng.random(n), rng.random(n)
    block = 1 + rng.geometric(0.3, n)
    unit = np.floor(np.exp(rng.uniform(0, np.log(400), n))).astype(int)
    kv_number = rng.integers(1, 30, n)
    props = np.empty(n, dtype=object)
    for i, d in enumerate(districts):
        sel = np.flatnonzero(which == i)
        kv = (u_kind[sel] < 0.6) if d.trakts else np.ones(len(sel), dtype=bool)
        kv &= bool(d.kvarter)
        for j, k in enumerate(sel):
            if kv[j]:
                name = d.kvarter[int(u_name[k] * len(d.kvarter))]
                props[k] = f"{mun.name} {name} {kv_number[k]}"
            else:
                name = d.trakts[int(u_name[k] * len(d.trakts))]
                props[k] = f"{mun.name} {name} {block[k] - 1}:{unit[k]}"
    names = np.array([d.name for d in districts], dtype=object)[which]
    return names, props, np.round(x), np.round(y)


def _fees(rng: np.random.Generator, ctype: np.ndarray) -> np.ndarray:
    median, sigma, lo, hi = (_FEE[ctype, k] for k in range(4))
    large = (ctype == BL) & (rng.random(len(ctype)) < 0.08)  # flerbostadshus, lokaler
    fee = median * np.exp(sigma * rng.normal(0, 1, len(ctype))) * np.where(large, 4.0, 1.0)
    return np.round(np.clip(fee, lo, hi))


def _applicants(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = rng.choice(np.array(_FIRST_NAMES, dtype=object), n)
    last = rng.choice(np.array(_LAST_NAMES, dtype=object), n)
    company = rng.random(n) < 0.12
    suffix = rng.choice(np.array(_COMPANY_SUFFIXES, dtype=object), n)
    names = np.where(company, last + " " + suffix, first + " " + last)
    return names, company


# --- synthetic personal data (tests only, never committed) ------------------------------------


def _personal_data(
    rng: np.random.Generator, company: np.ndarray, names: np.ndarray
) -> tuple[list[str], list[str]]:
    """Luhn-valid personnummer / samordningsnummer / organisation numbers and notes naming them."""
    ids, notes = [], []
    for i, is_company in enumerate(company):
        if is_company:
            body = f"55{rng.integers(2, 10)}{rng.integers(0, 1_000_000):06d}"
            ten = body + str(_luhn_digit(body))
            text = f"{ten[:6]}-{ten[6:]}" if rng.random() < 0.8 else f"16{ten}"
        else:
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=int(rng.integers(0, 60 * 365)))
            day = birth.day + (60 if rng.random() < 0.03 else 0)  # samordningsnummer
            body = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{rng.integers(0, 1000):03d}"
            ten = body + str(_luhn_digit(body))
            century = str(birth.year // 100)
            text = [
                f"{ten[:6]}-{ten[6:]}",
                f"{century}{ten[:6]}-{ten[6:]}",
                f"{century}{ten}",
                ten,
            ][int(rng.choice(4, p=[0.5, 0.25, 0.15, 0.1]))]
        ids.append(text)
        k = rng.random()
        if k < 0.25:
            notes.append(f"Sökande {names[i]} ({text}) har kompletterat med ritningar.")
        elif k < 0.35:
            notes.append(f"Fakturamottagare {text}, kontakt via e-tjänsten.")
        elif k < 0.55:
            notes.append("Ritningar inkomna via e-tjänst.")
        else:
            notes.append("")
    return ids, notes


# --- public API -------------------------------------------------------------------------------


def _default_cutoff(years: Sequence[int]) -> dt.date:
    return dt.date(max(years) + 1, 3, 31)


def _rng(seed: int, mid: str, stream: int = 0) -> np.random.Generator:
    # One independent stream per municipality (and purpose): Umeå's data do not depend on
    # which other municipalities are generated in the same run.
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(mid.encode()), stream))
    )


def synthesise(
    municipality: str = "umea",
    *,
    seed: int = DEFAULT_SEED,
    years: Iterable[int] = DEFAULT_YEARS,
    cases: int | None = None,
    cutoff: dt.date | str | None = None,
    with_personal_data: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic permit cases and their event log for one bundled municipality.

    ``municipality``        id from :data:`kit.config.MUNICIPALITIES` (``alingsas``, ``linkoping``,
                            ``umea``)
    ``seed``                any non-negative int; the same seed gives the same data
    ``years``               years in which cases are received (ansökan inkommer)
    ``cases``               total number of cases over all years (default: the municipality's
                            ``cases_per_year`` each year, with Poisson variation)
    ``cutoff``              data cut-off date (``datetime.date`` or ``"YYYY-MM-DD"``); events after
                            it are left out (default: 31 March after the last year)
    ``with_personal_data``  add ``applicant_id`` (synthetic, Luhn-valid personnummer and
                            organisation numbers) and a free-text ``note`` naming some of them,
                            for privacy tests; never commit such data

    Returns ``(events, cases)`` with the columns of :data:`EVENT_COLUMNS` and
    :data:`CASE_COLUMNS` as they are written to CSV: ``timestamp`` is an ISO 8601 string in
    local time (``2023-03-14 09:12``, or a date ``2023-03-14`` for ``legal_force``), ``received``
    an ISO date string, ``extension_weeks`` nullable Int64, ``fee_sek``/``x``/``y`` floats
    (SEK, SWEREF 99 TM metres), ``decision_outcome`` missing while a case is open.
    Load them with :mod:`kit.data` for typed, timezone-aware frames.
    """
    mun = get_municipality(municipality)
    profile = PROFILES[mun.id]
    years = sorted({int(y) for y in years})
    if not years:
        raise UsageError("synthesise: expected at least one year")
    if cases is not None and cases < 1:
        raise UsageError(f"synthesise: cases must be a positive number, got {cases}")
    if cutoff is None:
        cutoff_date = _default_cutoff(years)
    elif isinstance(cutoff, str):
        try:
            cutoff_date = dt.date.fromisoformat(cutoff)
        except ValueError:
            raise UsageError(f"synthesise: cutoff must be YYYY-MM-DD, got {cutoff!r}") from None
    else:
        cutoff_date = cutoff
    if cutoff_date < dt.date(years[0], 1, 1):
        raise UsageError(f"synthesise: cutoff {cutoff_date} is before the first year {years[0]}")

    rng = _rng(seed, mun.id)
    if cases is None:
        per_year = [int(rng.poisson(mun.cases_per_year)) for _ in years]
    else:
        per_year = [cases // len(years) + (i < cases % len(years)) for i in range(len(years))]
    total = sum(per_year)
    # Enough handlers for the volume: about one per hundred cases a year, as at sample scale.
    handlers = max(
        profile.handlers, round(profile.handlers * total / (mun.cases_per_year * len(years)))
    )
    cal = _Calendar(
        dt.date(years[0] - 1, 12, 1), dt.date(max(years[-1] + 4, cutoff_date.year + 1), 12, 31)
    )
    received = _arrivals(rng, cal, years, per_year)
    cut = _day(cutoff_date)
    per_case, log = _simulate(profile, rng, cal, received, cut, handlers)
    case_ids = _case_numbers(profile, rng, received)
    events = _events_frame(rng, log, per_case["handler"], case_ids, cut)

    ctype = per_case["ctype"]
    district, prop, x, y = _places(profile, mun, rng, total)
    names, company = _applicants(rng, total)
    cases_df = pd.DataFrame(
        {
            "case_id": case_ids,
            "case_type": np.array(CASE_TYPES, dtype=object)[ctype],
            "received": np.datetime_as_string(
                received.astype("int64").astype("datetime64[D]")
            ).astype(object),
            "municipality": mun.name,
            "fee_sek": _fees(rng, ctype),
            "property": prop,
            "district": district,
            "x": x,
            "y": y,
            "crs": DEFAULT_CRS,
            "decision_outcome": per_case["outcome"],
            "applicant_name": names,
        }
    )
    if with_personal_data:
        ids, notes = _personal_data(_rng(seed, mun.id, stream=1), company, names)
        cases_df["applicant_id"] = ids
        cases_df["note"] = notes
    return events, cases_df


# --- writing ----------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv(df: pd.DataFrame) -> str:
    out = df.copy()
    for column in ("fee_sek", "x", "y"):
        if column in out.columns:  # whole kronor and metres: no ".0"
            out[column] = out[column].astype("Int64")
    return out.to_csv(index=False, lineterminator="\n")


def _xes(events: pd.DataFrame, cases: pd.DataFrame) -> str:
    """IEEE 1849 XES: one trace per case with the case columns as trace attributes."""
    naive = pd.to_datetime(events["timestamp"], format="ISO8601")
    local = naive.dt.tz_localize(LOCAL_TZ, ambiguous=True, nonexistent="shift_forward")
    offset_h = ((naive - local.dt.tz_convert(None)) / pd.Timedelta(hours=1)).round().astype(int)
    stamps = naive.dt.strftime("%Y-%m-%dT%H:%M:%S.000").to_numpy() + np.where(
        offset_h == 2, "+02:00", "+01:00"
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">',
        '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
        '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
        '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
        '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
        '<string key="concept:name" value="Synthetic permit cases (testlab synth)"/>',
    ]
    by_case = events.groupby("case_id", sort=False).indices
    acts, res, ext = (events[c].to_numpy() for c in ("activity", "resource", "extension_weeks"))
    for row in cases.itertuples(index=False):
        lines.append("<trace>")
        lines.append(f'<string key="concept:name" value={quoteattr(row.case_id)}/>')
        for col in cases.columns[1:]:
            value = getattr(row, col)
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if col in ("fee_sek", "x", "y"):
                lines.append(f'<float key="{col}" value="{float(value):.1f}"/>')
            else:
                lines.append(f"<string key={quoteattr(col)} value={quoteattr(str(value))}/>")
        for i in by_case.get(row.case_id, ()):
            parts = [
                f'<string key="concept:name" value="{acts[i]}"/>',
                f'<date key="time:timestamp" value="{stamps[i]}"/>',
                '<string key="lifecycle:transition" value="complete"/>',
            ]
            if res[i] is not None and res[i] == res[i]:
                parts.append(f'<string key="org:resource" value="{escape(str(res[i]))}"/>')
            if not pd.isna(ext[i]):
                parts.append(f'<int key="extension_weeks" value="{int(ext[i])}"/>')
            lines.append("<event>" + "".join(parts) + "</event>")
        lines.append("</trace>")
    lines.append("</log>")
    return "\n".join(lines) + "\n"


def write_sample(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    folder: str | os.PathLike,
    *,
    fmt: str = "csv",
    readme: str | None = None,
) -> list[Path]:
    """Write one municipality's sample to ``folder`` atomically; returns the paths written.

    ``fmt`` ``csv``: ``events.csv`` and ``cases.csv`` (UTF-8, comma, ``\\n`` line ends);
    ``xes``: ``events.xes`` (cases as trace attributes) and ``cases.csv``. ``readme``, when
    given, is written to ``README.md``.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    folder = Path(folder)
    written = []
    if fmt == "csv":
        _atomic_write(folder / "events.csv", _csv(events))
        written.append(folder / "events.csv")
    else:
        _atomic_write(folder / "events.xes", _xes(events, cases))
        written.append(folder / "events.xes")
    _atomic_write(folder / "cases.csv", _csv(cases))
    written.append(folder / "cases.csv")
    if readme is not None:
        _atomic_write(folder / "README.md", readme)
        written.append(folder / "README.md")
    return written


def generate_samples(
    municipalities: Iterable[str] | None = None,
    *,
    seed: int = DEFAULT_SEED,
    years: Iterable[int] = DEFAULT_YEARS,
    cases: int | None = None,
    out: str | os.PathLike | None = None,
    with_personal_data: bool = False,
    fmt: str = "csv",
    progress: bool | None = None,
) -> list[Path]:
    """Generate and write samples, one folder per municipality (what ``testlab synth`` does).

    ``municipalities`` ids (default: all bundled ones); ``out`` the parent folder (default:
    :func:`kit.config.datasets_dir`); other options as in :func:`synthesise`. Each folder gets
    ``events.csv`` (or ``events.xes``), ``cases.csv`` and a bilingual ``README.md`` saying the
    data are synthetic and how they were made. ``progress`` shows a tqdm bar (default: when
    stderr is a terminal). Returns the paths written.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    mids = list(municipalities) if municipalities else list(MUNICIPALITIES)
    for mid in mids:
        get_municipality(mid)  # fail early on an unknown id
    years = sorted({int(y) for y in years})
    root = Path(out) if out is not None else datasets_dir()
    if with_personal_data:
        _refuse_personal_data_in_datasets(out)
    if progress is None:
        progress = sys.stderr.isatty()
    from tqdm import tqdm

    written: list[Path] = []
    bar = tqdm(total=2 * len(mids), disable=not progress, unit="step", desc="synth")
    try:
        for mid in mids:
            bar.set_postfix_str(f"{mid}: generating")
            events, cases_df = synthesise(
                mid, seed=seed, years=years, cases=cases, with_personal_data=with_personal_data
            )
            bar.update()
            bar.set_postfix_str(f"{mid}: writing")
            readme = sample_readme(
                mid, events, cases_df, seed=seed, years=years, cases=cases, fmt=fmt
            )
            written += write_sample(events, cases_df, root / mid, fmt=fmt, readme=readme)
            bar.update()
    finally:
        bar.close()
    return written


def _refuse_personal_data_in_datasets(out: str | os.PathLike | None) -> None:
    """Files with (fake) personnummer never go into the committed, served datasets folder."""
    datasets = datasets_dir().resolve()
    if out is None:
        raise UsageError(
            "--with-personal-data needs --out DIR outside the datasets folder "
            f"({datasets}): those files hold personnummer and must never be committed"
        )
    target = Path(out).resolve()
    if target == datasets or datasets in target.parents:
        raise UsageError(
            f"{out}: is inside the datasets folder ({datasets}); --with-personal-data writes "
            "personnummer, so choose an --out folder outside it"
        )


# --- README -----------------------------------------------------------------------------------


def _command(
    mid: str, seed: int, years: Sequence[int], cases: int | None, personal: bool, fmt: str
) -> str:
    parts = ["testlab synth", f"-m {mid}", f"--seed {seed}"]
    if list(years) != list(DEFAULT_YEARS):
        parts.append("--years " + " ".join(str(y) for y in years))
    if cases is not None:
        parts.append(f"--cases {cases}")
    if personal:
        parts.append("--with-personal-data")
    if fmt != "csv":
        parts.append(f"--format {fmt}")
    return " ".join(parts)


#: Umeå's own published figures for 2023 (bygglovsstatistik), see DOMAIN.md.
UMEA_2023 = {
    "complete_on_arrival_pct": 23.6,
    "completion_days": 31.3,
    "handling_days": 33.7,
    "lead_days": 64.6,
    "within_limit_pct": 94.5,
}


def calibration_figures(
    events: pd.DataFrame, cases: pd.DataFrame, year: int = 2023
) -> dict[str, float]:
    """The five figures Umeå publishes, computed from a sample with :func:`kit.process.leadtime.case_metrics`.

    Population: lov and förhandsbesked cases received in ``year`` with a decision. Keys as in
    :data:`UMEA_2023`; shares in per cent, means in calendar days.
    """
    from kit.process.leadtime import case_metrics

    m = case_metrics(events, cases)
    received = pd.to_datetime(m["received"])
    pop = m[m["case_type"].isin(CASE_TYPES[:4]) & (received.dt.year == year) & m["decided"].notna()]
    return {
        "complete_on_arrival_pct": 100 * float(pop["complete_on_arrival"].astype(float).mean()),
        "completion_days": float(pop["completion_days"].mean()),
        "handling_days": float(pop["handling_days"].mean()),
        "lead_days": float(pop["lead_time_days"].mean()),
        "within_limit_pct": 100 * float(pop["within_limit"].dropna().astype(float).mean()),
        "cases": len(pop),
    }


_FIGURE_LABELS = (
    ("complete_on_arrival_pct", "Komplett vid inlämning (%)", "Complete when submitted (%)"),
    ("completion_days", "Dagar till komplett ansökan (medel)", "Days until complete (mean)"),
    (
        "handling_days",
        "Dagar från komplett till beslut (medel)",
        "Days complete to decision (mean)",
    ),
    ("lead_days", "Dagar från inlämning till beslut (medel)", "Days submitted to decision (mean)"),
    ("within_limit_pct", "Beslut inom tidsfristen (%)", "Decided within the time limit (%)"),
)

_BEHAVIOUR = {
    "umea": ("kalibrerat mot Umeås egna siffror för 2023", "calibrated to Umeå's own 2023 figures"),
    "linkoping": (
        "något långsammare än Umeå (färre kompletta ansökningar, längre handläggning)",
        "somewhat slower than Umeå (fewer complete applications, longer handling)",
    ),
    "alingsas": (
        "något snabbare än Umeå (fler kompletta ansökningar, kortare handläggning)",
        "somewhat faster than Umeå (more complete applications, shorter handling)",
    ),
}


def sample_readme(
    mid: str,
    events: pd.DataFrame,
    cases_df: pd.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    years: Sequence[int] = DEFAULT_YEARS,
    cases: int | None = None,
    fmt: str = "csv",
) -> str:
    """The bilingual ``README.md`` of a sample folder: synthetic, how made, what is in it."""
    mun = get_municipality(mid)
    years = list(years)
    personal = "applicant_id" in cases_df.columns
    command = _command(mid, seed, years, cases, personal, fmt)
    cutoff = _default_cutoff(years)
    n_open = int(cases_df["decision_outcome"].isna().sum())
    events_file = f"events.{fmt}"
    types = cases_df["case_type"].value_counts()
    type_list = ", ".join(f"{t} {int(types.get(t, 0))}" for t in CASE_TYPES)
    sv_behaviour, en_behaviour = _BEHAVIOUR.get(mid, ("", ""))
    figures = calibration_figures(events, cases_df, year=years[0])
    is_umea = mid == "umea"
    rows = []
    for key, sv, en in _FIGURE_LABELS:
        rows.append(f"| {sv} / {en} | {UMEA_2023[key]:.1f} | {figures[key]:.1f} |")
    table = "\n".join(
        [
            f"| Mått / Measure | Umeå 2023 (publicerat / published) | {mun.name} {years[0]} (detta urval / this sample) |",
            "|---|---:|---:|",
            *rows,
        ]
    )
    privacy_sv = (
        "**Innehåller syntetiska personnummer och organisationsnummer (kolumnerna `applicant_id`, "
        "`note`) för integritetstester. Checka aldrig in sådana filer.**"
        if personal
        else "Inga personnummer. Sökandenamnen är slumpade ur en kort lista vanliga svenska namn."
    )
    privacy_en = (
        "**Contains synthetic personnummer and organisation numbers (columns `applicant_id`, "
        "`note`) for privacy tests. Never commit such files.**"
        if personal
        else "No personnummer. Applicant names are drawn from a short list of common Swedish names."
    )
    tolerance_sv = (
        "Testet `tests/test_calibration.py` kräver att urvalet ligger inom ±10 % av Umeås siffror."
        if is_umea
        else "Umeås publicerade siffror visas som jämförelse."
    )
    tolerance_en = (
        "The test `tests/test_calibration.py` requires the sample to be within ±10 % of Umeå's figures."
        if is_umea
        else "Umeå's published figures are shown for comparison."
    )
    period = f"{years[0]}-01-01–{years[-1]}-12-31"
    return f"""# Syntetiska data – {mun.name} / Synthetic data – {mun.name}

**Syntetiska data.** Ärendena och händelserna i den här mappen är påhittade: inga verkliga
ärenden, fastigheter eller personer. De är skapade med

    {command}

(`kit/samples/permits.py`, slumptalsfrö {seed}). Samma frö ger byte för byte samma filer; ändra dem inte
för hand utan generera om. Undermappen `plan/` (om den finns) skapas av ett annat verktyg.

## Innehåll

- `{events_file}`: {len(events)} händelser (`case_id, activity, timestamp, resource, extension_weeks`),
  UTF-8, kommaseparerad, lokal tid (Europe/Stockholm) som ISO 8601 (`2023-03-14 09:12`;
  `legal_force` bara datum).
- `cases.csv`: {len(cases_df)} ärenden (`{", ".join(cases_df.columns)}`);
  koordinater i SWEREF 99 TM (EPSG:3006).
- Ärenden inkomna {period}, datauttag {cutoff}: händelser efter uttaget saknas, så {n_open}
  ärenden är fortfarande öppna.
- Ärendetyper: {type_list}.
- Handläggare är pseudonymer (`handl-07`). {privacy_sv}

## Kalibrering

Beteendet är {sv_behaviour}. Population: bygglov, rivningslov, marklov och förhandsbesked
inkomna {years[0]} med beslut; dagar räknas som kalenderdagar (`kit.process.leadtime.case_metrics`).
{tolerance_sv}

{table}

---

**Synthetic data.** The cases and events in this folder are invented: no real cases,
properties or people. They were made with the command above (`kit/samples/permits.py`, seed {seed}). The
same seed gives byte-identical files; do not edit them by hand, regenerate them. The `plan/`
subfolder (if present) is made by another tool.

## Contents

- `{events_file}`: {len(events)} events, UTF-8, comma separated, local time (Europe/Stockholm) as
  ISO 8601 (`legal_force` a date only).
- `cases.csv`: {len(cases_df)} cases; coordinates in SWEREF 99 TM (EPSG:3006).
- Cases received {period}, data cut-off {cutoff}: events after the cut-off are left out, so
  {n_open} cases are still open.
- Case types: {type_list}.
- Handlers are pseudonyms (`handl-07`). {privacy_en}

## Calibration

The behaviour is {en_behaviour}. Population: bygglov, rivningslov, marklov and förhandsbesked
received in {years[0]} with a decision; days are calendar days (`kit.process.leadtime.case_metrics`).
{tolerance_en}
"""
