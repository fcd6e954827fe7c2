"""One frozen Settings object, read from STREAMSIM_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import get_type_hints

ENVIRONMENTS = ("development", "testing", "production")
# Refused in production (below): a development-only key.
DEV_SECRET = "dev-only-insecure-secret-key"  # nosec B105
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """The configuration cannot be used (for example production without a secret key)."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


FIXED = {"fixed": True}  # a setting the environment does not set

# The recommender families a retrain may train (recommender.models.FAMILIES minus "random",
# which is reference only); a test keeps the two lists equal.
MODEL_NAMES = ("popularity", "svd", "als", "ease", "dlae", "knn")
# The site's artwork policies (recommender.artwork_bandit.POLICIES; a test keeps them equal).
ARTWORK_POLICIES = ("default", "random", "bandit")


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(n.strip().lower() for n in (value or "").split(",") if n.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with safe development defaults.

    Each field is one setting: its type, its default and (unless marked FIXED) the
    environment variable STREAMSIM_<FIELD NAME IN CAPITALS> that sets it; `from_env` reads
    them all from these declarations, and a test keeps the README's table in step.
    """

    env: str = "development"
    database_url: str = ""
    secret_key: str = DEV_SECRET
    instance_dir: Path = PROJECT_ROOT / "instance"
    model_dir: Path = field(default=PROJECT_ROOT / "instance" / "models")
    results_dir: Path = field(default=PROJECT_ROOT / "instance" / "results")
    demo: bool = False
    demo_email: str = field(default="demo@streamsim.local", metadata=FIXED)
    # Demo mode only, never in production.
    demo_password: str = field(default="watch-something-good", metadata=FIXED)
    rate_limit_login: str = "10 per minute"
    rate_limit_storage: str = "memory://"
    # A request refused by a rate limit (429: PIN, login, sign-up and join-code guessing) is
    # answered after this pause, with the request's database session already closed, so a
    # client that ignores Retry-After and tries again at once costs the site next to nothing
    # (README, "Security"); 0 answers at once.
    refusal_stall_ms: int = 500
    max_profiles: int = field(default=5, metadata=FIXED)
    sqlite_busy_timeout_ms: int = 10_000
    # Seconds the home page keeps the rows that are the same for everyone at a maturity limit
    # (Trending, Top 10, popular genre rows), and the title cards the rows show, before
    # computing them again; 0 turns it off.
    home_rows_cache_s: float = 45.0
    # Experiment runs allowed at once (each a worker process on this machine).
    experiment_workers: int = 1
    # Recommender: the candidates each retrain trains and chooses between (champion/challenger,
    # docs/recommenders.md), whether a blend competes, the SVD candidate's size, retrain
    # interval, versions kept, recency half-life.
    rec_candidates: tuple[str, ...] = ("svd", "als", "ease", "dlae", "knn", "popularity")
    rec_blend: bool = True
    rec_factors: int = 32
    rec_epochs: int = 40
    rec_retrain_minutes: int = 60
    # CPUs a scheduled retrain may run on, the highest-numbered of those the process may use;
    # 0 means half of them (at least one), so page requests keep the others' caches to
    # themselves (README, "Speed").
    rec_train_cpus: int = 0
    rec_keep_versions: int = 5
    rec_half_life_days: float = 90.0
    rec_scheduler_in_app: bool = False
    # Which artwork variant the site's home rows show: "default" (variant 0), "random", or
    # "bandit" (recommender.artwork_bandit, learning from qualified plays after each retrain).
    artwork_policy: str = "default"

    def __post_init__(self) -> None:
        if self.env not in ENVIRONMENTS:
            raise SettingsError(f"STREAMSIM_ENV must be one of {', '.join(ENVIRONMENTS)}")
        unknown = [c for c in self.rec_candidates if c not in MODEL_NAMES]
        if unknown or not self.rec_candidates:
            raise SettingsError("STREAMSIM_REC_CANDIDATES must name one or more of "
                                f"{', '.join(MODEL_NAMES)} (got {', '.join(unknown) or 'none'}).")
        if self.artwork_policy not in ARTWORK_POLICIES:
            raise SettingsError("STREAMSIM_ARTWORK_POLICY must be one of "
                                f"{', '.join(ARTWORK_POLICIES)}.")
        if self.home_rows_cache_s < 0:
            raise SettingsError("STREAMSIM_HOME_ROWS_CACHE_S must be >= 0 (0 turns it off).")
        if self.experiment_workers < 1:
            raise SettingsError("STREAMSIM_EXPERIMENT_WORKERS must be >= 1.")
        if self.refusal_stall_ms < 0:
            raise SettingsError("STREAMSIM_REFUSAL_STALL_MS must be >= 0 (0: no pause).")
        if self.rec_train_cpus < 0:
            raise SettingsError("STREAMSIM_REC_TRAIN_CPUS must be >= 0 (0: half of the CPUs).")
        if self.rec_factors < 1 or self.rec_epochs < 1:
            raise SettingsError("STREAMSIM_REC_FACTORS and STREAMSIM_REC_EPOCHS must be >= 1.")
        if not self.database_url:
            url = f"sqlite:///{self.instance_dir / 'streamsim.sqlite3'}"
            object.__setattr__(self, "database_url", url)
        if self.is_production:
            if not self.secret_key or self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise SettingsError(
                    "Production needs a real secret key: set STREAMSIM_SECRET_KEY "
                    "to at least 32 random characters."
                )
            if self.demo:
                raise SettingsError("Demo mode is for development only; unset STREAMSIM_DEMO.")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_testing(self) -> bool:
        return self.env == "testing"

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (settings stay immutable)."""
        return replace(self, **changes)

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Environment variable -> field name, for every setting the environment can set."""
        return {f"STREAMSIM_{f.name.upper()}": f.name for f in fields(cls)
                if not f.metadata.get("fixed")}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from STREAMSIM_* variables; an unset or empty variable keeps the default
        (the model and results folders default to inside the instance folder). A value that
        does not parse is a SettingsError naming the variable."""
        env = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, object] = {}
        for variable, name in cls.variables().items():
            raw = env.get(variable)
            if raw is None or raw.strip() == "":
                continue
            try:
                values[name] = _parse(hints[name], raw)
            except ValueError:
                raise SettingsError(f"{variable} must be {_KIND[hints[name]]} "
                                    f"(got {raw!r}).") from None
        instance_dir = Path(values.get("instance_dir", PROJECT_ROOT / "instance"))
        values.setdefault("model_dir", instance_dir / "models")
        values.setdefault("results_dir", instance_dir / "results")
        return cls(**values)


_KIND = {str: "text", int: "a whole number", float: "a number", bool: "on or off",
         Path: "a path", tuple[str, ...]: "a comma-separated list"}


def _parse(kind, raw: str) -> object:
    if kind is bool:
        if raw.strip().lower() not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise ValueError(raw)
        return _bool(raw)
    if kind is int:
        return int(raw.strip())
    if kind is float:
        return float(raw.strip())
    if kind is Path:
        return Path(raw)
    if kind == tuple[str, ...]:
        return _names(raw)
    return raw
