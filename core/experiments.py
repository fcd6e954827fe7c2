"""Live experiments: A/B tests on the site, their assignment and exposure (docs/experiments.md).

An experiment is data (`core.models.LiveExperiment`): variants with integer weights, what each
variant sets (a small vocabulary, `SETS`), who is in it (`POPULATIONS`), what is measured
(`METRICS`), a layer and a salt. Only this module writes it; the site (webapp) and the
simulated site (simulator.studies.layouts) assign and log exposure through the same functions,
so a seeded population fills a live experiment exactly as browsers would.

Assignment is a pure function of (salt, profile id): a keyed hash gives a bucket in
0..BUCKETS-1, and the buckets are cut by the variants' weights. It is sticky (the same on
every device and in every process, nothing stored) and a new salt re-randomises. A profile is
*assigned* as soon as it is in a running experiment's population, but it is only *exposed*
(one row in `live_exposures`, first time kept) when its variant changed what it saw, or, for
the control, would have: recommender.live_experiments decides that by planning the page under
every variant's settings. Analysing exposed profiles only keeps unaffected profiles from
diluting the effect, and logging the control's counterfactual keeps the comparison fair.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import LiveExperiment, LiveExposure

BUCKETS = 10_000
STATES = ("draft", "running", "stopped")
POPULATIONS = {"all": "All profiles", "new": "New profiles (made after the start)",
               "share": "A share of all profiles"}
# What a variant may set, each key with its allowed values (None: the key's default).
SETS: dict[str, dict[str, str]] = {
    "model": {"serving": "the serving recommender model (its personalised rows)",
              "none": "no recommender: popularity and genre rows only"},
    "genre_rows": {str(n): f"at most {n} genre rows" for n in (0, 2, 5, 10)} | {
        "all": "every genre row"},
    "artwork": {"default": "each title's default artwork", "random": "a random variant",
                "bandit": "the personalised-artwork bandit's choice"},
}
DEFAULTS = {"model": "serving", "genre_rows": "all", "artwork": "default"}
# Per-profile metrics the analysis computes (simulator.studies.live_results), with labels.
METRICS = {
    "watch_minutes": "Watch minutes per profile",
    "plays": "Plays per profile",
    "ctr": "Click-through (plays / titles shown)",
    "completion": "Completion (finished / plays)",
    "abandonment": "Abandonment (stopped early / plays)",
    "return_rate": "Return rate (came back another day)",
}
LAYERS = ("home", "ranking", "artwork", "other")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$")
VARIANT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class ExperimentError(ValueError):
    """A refused experiment or state change; `field` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- validation ------------------------------------------------------------------------------


def normalise_sets(sets: object, where: str = "sets") -> dict[str, str]:
    """A variant's settings as stored: only known keys and values, every key present."""
    if not isinstance(sets, dict):
        raise ExperimentError(where, "A variant's settings must be an object.")
    unknown = sorted(set(sets) - set(SETS))
    if unknown:
        raise ExperimentError(where, f"Unknown setting {unknown[0]!r}; known: "
                                     f"{', '.join(SETS)}.")
    out = dict(DEFAULTS)
    for key, value in sets.items():
        value = str(value)
        if value not in SETS[key]:
            raise ExperimentError(where, f"{key} must be one of {', '.join(SETS[key])}, "
                                         f"not {value!r}.")
        out[key] = value
    return out


def normalise_variants(variants: object) -> list[dict]:
    if not isinstance(variants, list) or not 2 <= len(variants) <= 5:
        raise ExperimentError("variants", "An experiment has 2 to 5 variants.")
    out, names = [], set()
    for i, v in enumerate(variants):
        if not isinstance(v, dict):
            raise ExperimentError("variants", f"Variant {i + 1} must be an object.")
        name = str(v.get("name", "")).strip()
        if not VARIANT.match(name) or name in names:
            raise ExperimentError("variants", f"Variant {i + 1} needs a unique name of "
                                              "lower-case letters, digits, - or _.")
        weight = v.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
            raise ExperimentError("variants", f"Variant {name}'s weight must be a whole number "
                                              "from 1 to 100.")
        names.add(name)
        out.append({"name": name, "weight": weight,
                    "sets": normalise_sets(v.get("sets", {}), "variants")})
    return out


def normalise(fields: dict) -> dict:
    """Check an experiment's fields (whoever wrote them); ExperimentError names the field."""
    name = str(fields.get("name", "")).strip()
    if not NAME.match(name):
        raise ExperimentError("name", "A name of 1 to 80 letters, digits, spaces, . _ or -.")
    population = fields.get("population", "all")
    if population not in POPULATIONS:
        raise ExperimentError("population", f"Population must be one of {', '.join(POPULATIONS)}.")
    share = float(fields.get("share", 1.0) if population == "share" else 1.0)
    if not 0.0 < share <= 1.0:
        raise ExperimentError("share", "The share must be above 0 and at most 1.")
    primary = fields.get("primary_metric")
    if primary not in METRICS:
        raise ExperimentError("primary_metric", f"Primary metric must be one of "
                                                f"{', '.join(METRICS)}.")
    guardrails = [g for g in fields.get("guardrails", []) if g != primary]
    bad = [g for g in guardrails if g not in METRICS]
    if bad:
        raise ExperimentError("guardrails", f"Unknown guardrail metric {bad[0]!r}.")
    layer = fields.get("layer", "home")
    if layer not in LAYERS:
        raise ExperimentError("layer", f"Layer must be one of {', '.join(LAYERS)}.")
    salt = str(fields.get("salt") or secrets.token_hex(8))
    if not 1 <= len(salt) <= 64:
        raise ExperimentError("salt", "A salt of 1 to 64 characters.")
    return {"name": name, "hypothesis": str(fields.get("hypothesis", "")).strip()[:2000],
            "variants": normalise_variants(fields.get("variants")),
            "population": population, "share": share, "primary_metric": primary,
            "guardrails": sorted(set(guardrails)), "layer": layer, "salt": salt}


# --- life cycle ------------------------------------------------------------------------------


def create(session: Session, fields: dict, now: datetime,
           created_by: int | None = None) -> LiveExperiment:
    """A new draft experiment. Never commits."""
    values = normalise(fields)
    if session.scalar(select(LiveExperiment.id).where(LiveExperiment.name == values["name"])):
        raise ExperimentError("name", "An experiment with this name exists already.")
    exp = LiveExperiment(**values, state="draft", created_by=created_by, created_at=now)
    session.add(exp)
    session.flush()
    return exp


def start(session: Session, exp: LiveExperiment, now: datetime) -> None:
    """draft -> running; refused while another experiment runs in the same layer."""
    if exp.state != "draft":
        raise ExperimentError("state", f"Only a draft can start; this one is {exp.state}.")
    other = session.scalar(select(LiveExperiment).where(
        LiveExperiment.state == "running", LiveExperiment.layer == exp.layer,
        LiveExperiment.id != exp.id))
    if other is not None:
        raise ExperimentError("layer", f"{other.name!r} is running in the {exp.layer!r} layer; "
                                       "two experiments in one layer would overlap. Stop it "
                                       "first or choose another layer.")
    exp.state, exp.started_at = "running", now
    session.flush()


def stop(session: Session, exp: LiveExperiment, now: datetime) -> None:
    if exp.state != "running":
        raise ExperimentError("state", f"Only a running experiment can stop; this one is "
                                       f"{exp.state}.")
    exp.state, exp.stopped_at = "stopped", now
    session.flush()


# --- assignment ------------------------------------------------------------------------------


def bucket(salt: str, profile_id: int) -> int:
    """The profile's bucket (0..BUCKETS-1) under `salt`: a keyed hash, the same everywhere."""
    digest = hashlib.blake2b(str(profile_id).encode(), key=salt.encode()[:64],
                             digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


@dataclass(frozen=True)
class Variant:
    name: str
    weight: int
    sets: tuple[tuple[str, str], ...]  # sorted (key, value)

    @property
    def settings(self) -> dict[str, str]:
        return dict(self.sets)


@dataclass(frozen=True)
class Running:
    """A running experiment as assignment needs it (plain values: cached across requests)."""

    id: int
    name: str
    layer: str
    salt: str
    population: str
    share: float
    started_at: datetime
    variants: tuple[Variant, ...]
    cuts: tuple[int, ...]  # the upper bucket of each variant, cumulative

    @classmethod
    def of(cls, exp: LiveExperiment) -> Running:
        variants = tuple(Variant(v["name"], int(v["weight"]), tuple(sorted(v["sets"].items())))
                         for v in exp.variants)
        return cls(exp.id, exp.name, exp.layer, exp.salt, exp.population, exp.share,
                   exp.started_at, variants, cuts(v.weight for v in variants))

    @property
    def is_aa(self) -> bool:
        """Every variant sets the same: an A/A test."""
        return len({v.sets for v in self.variants}) == 1

    def variant_for(self, profile_id: int, created_at: datetime | None = None) -> Variant | None:
        """The profile's variant, or None when it is not in the experiment's population."""
        if self.population == "new" and (created_at is None or created_at < self.started_at):
            return None
        if self.population == "share" and bucket(self.salt + "/population", profile_id) >= \
                round(self.share * BUCKETS):
            return None
        return self.variants[variant_index(self.cuts, bucket(self.salt, profile_id))]


def cuts(weights: Iterable[int]) -> tuple[int, ...]:
    """Cut 0..BUCKETS-1 by integer weights: the exclusive upper bucket of each variant."""
    weights = list(weights)
    total, acc, out = sum(weights), 0, []
    for w in weights:
        acc += w
        out.append(round(BUCKETS * acc / total))
    return tuple(out)


def variant_index(cut: Sequence[int], b: int) -> int:
    for i, upper in enumerate(cut):
        if b < upper:
            return i
    return len(cut) - 1


@dataclass(frozen=True)
class Assignment:
    experiment: Running
    variant: Variant


def assign(experiments: Iterable[Running], profile_id: int,
           created_at: datetime | None = None) -> list[Assignment]:
    """The profile's variant in each running experiment whose population it is in."""
    out = []
    for exp in experiments:
        v = exp.variant_for(profile_id, created_at)
        if v is not None:
            out.append(Assignment(exp, v))
    return out


def running(session: Session) -> tuple[Running, ...]:
    return tuple(Running.of(e) for e in session.scalars(
        select(LiveExperiment).where(LiveExperiment.state == "running")
        .order_by(LiveExperiment.id)))


class RunningCache:
    """The running experiments, read at most every `ttl_s` seconds per process: a start or
    stop reaches every worker within that time, and a page view costs no query for them."""

    def __init__(self, ttl_s: float = 5.0, clock=time.monotonic) -> None:
        self.ttl_s, self.clock = ttl_s, clock
        self._value: tuple[Running, ...] | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def get(self, session: Session) -> tuple[Running, ...]:
        now = self.clock()
        if self._value is None or now - self._at >= self.ttl_s:
            value = running(session)
            with self._lock:
                self._value, self._at = value, now
        return self._value

    def clear(self) -> None:
        with self._lock:
            self._value = None


# --- exposure --------------------------------------------------------------------------------


def exposure_values(assignments: Iterable[Assignment], profile_id: int,
                    when: datetime) -> list[dict]:
    return [{"experiment_id": a.experiment.id, "profile_id": profile_id,
             "variant": a.variant.name, "first_exposed_at": when} for a in assignments]


def record_exposures(session: Session, values: list[dict]) -> None:
    """Store exposures made by `exposure_values`; a profile's first exposure is kept (a later
    one is ignored, in the same statement on SQLite and PostgreSQL). Never commits."""
    if not values:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(LiveExposure.__table__).on_conflict_do_nothing(
        index_elements=["experiment_id", "profile_id"])
    session.connection().execute(stmt, values)


def exposures(session: Session, experiment_id: int) -> list[tuple[int, str, datetime]]:
    """(profile id, variant, first exposed at) of an experiment, by profile id."""
    return [tuple(r) for r in session.execute(
        select(LiveExposure.profile_id, LiveExposure.variant, LiveExposure.first_exposed_at)
        .where(LiveExposure.experiment_id == experiment_id).order_by(LiveExposure.profile_id))]
