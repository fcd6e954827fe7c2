"""SQLAlchemy 2.0 models: the whole schema. Alembic's env.py imports this module.

Timestamps are naive UTC and always set by services from an injected clock (core.clock), never
by column defaults, so the simulator controls time. Tables prefixed `truth_` hold the
simulator's ground truth; the recommender never reads them (a test checks its imports).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- accounts and profiles -------------------------------------------------------------------


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: cannot log in
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    is_simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # None until the owner follows the link mailed at sign-up (they cannot sign in before).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    profiles: Mapped[list[Profile]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Profile.id"
    )

    __table_args__ = (CheckConstraint("role IN ('viewer', 'educator')", name="role"),)


class Classroom(Base):
    """A class an educator runs: its students are accounts listed in classroom_students, each
    with experiment runs of its own and a world (seed offset) of its own (core/classroom.py)."""

    __tablename__ = "classrooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    students: Mapped[list[ClassroomStudent]] = relationship(
        cascade="all, delete-orphan", order_by="ClassroomStudent.seat")


class ClassroomStudent(Base):
    """An account that is a student of a class: the student role. (A row here rather than a
    value of accounts.role: see migrations/versions/0005_classrooms.py.)"""

    __tablename__ = "classroom_students"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"),
                                              index=True)
    seat: Mapped[int] = mapped_column(SmallInteger)  # 1..N, the student's number in the class

    account: Mapped[Account] = relationship()

    __table_args__ = (UniqueConstraint("classroom_id", "seat"),)


class Profile(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    avatar: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_kids: Mapped[bool] = mapped_column(Boolean, default=False)
    maturity_limit: Mapped[int] = mapped_column(SmallInteger, default=18)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    autoplay: Mapped[bool] = mapped_column(Boolean, default=True)
    onboarded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    account: Mapped[Account] = relationship(back_populates="profiles")

    __table_args__ = (CheckConstraint("maturity_limit BETWEEN 0 AND 18", name="maturity_limit"),)


class BrowserSession(Base):
    """One signed-in browser and the profile it is using. The session cookie carries only this
    row's random id, so the profile choice lives on the server: an old copy of the cookie
    cannot bring back a profile the browser has since left (a PIN-locked kids profile stays
    locked). A sign-in opens a row; sign-out and password changes end them."""

    __tablename__ = "browser_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("profiles.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MailMessage(Base):
    """The simulated outbox: every e-mail the site would send (sign-up links, notices to an
    address's owner). Outside production the site shows it at /mail/; in production an operator
    hands it to a real mail service."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


# --- catalog ---------------------------------------------------------------------------------


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)


class Tag(Base):
    """A genre, mood or theme. Titles carry several; artwork variants stress one."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    slug: Mapped[str] = mapped_column(String(48))
    name: Mapped[str] = mapped_column(String(48))

    __table_args__ = (
        UniqueConstraint("kind", "slug"),
        CheckConstraint("kind IN ('genre', 'mood', 'theme')", name="kind"),
    )


class Title(Base):
    __tablename__ = "titles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # film | series
    synopsis: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(SmallInteger, index=True)
    release_date: Mapped[date] = mapped_column(Date, index=True)
    runtime_minutes: Mapped[int] = mapped_column(SmallInteger)  # films; typical episode for series
    seasons: Mapped[int] = mapped_column(SmallInteger, default=0)
    language: Mapped[str] = mapped_column(String(8), index=True)
    country: Mapped[str] = mapped_column(String(2))
    maturity_age: Mapped[int] = mapped_column(SmallInteger, index=True)  # 0, 7, 13, 16, 18
    pace: Mapped[str] = mapped_column(String(8))  # slow | medium | fast
    popularity: Mapped[float] = mapped_column(Float, default=0.0, index=True)  # public prior
    critic_score: Mapped[int | None] = mapped_column(SmallInteger)  # 0..100, public reviews
    art_seed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    tag_links: Mapped[list[TitleTag]] = relationship(
        cascade="all, delete-orphan", order_by="TitleTag.position"
    )
    credits: Mapped[list[Credit]] = relationship(
        cascade="all, delete-orphan", order_by="Credit.position"
    )
    episodes: Mapped[list[Episode]] = relationship(
        cascade="all, delete-orphan", order_by="(Episode.season, Episode.number)"
    )
    artworks: Mapped[list[Artwork]] = relationship(
        cascade="all, delete-orphan", order_by="Artwork.variant"
    )

    __table_args__ = (
        CheckConstraint("kind IN ('film', 'series')", name="kind"),
        CheckConstraint("maturity_age BETWEEN 0 AND 18", name="maturity_age"),
    )

    @property
    def maturity_label(self) -> str:
        return "All" if self.maturity_age == 0 else f"{self.maturity_age}+"


class TitleTag(Base):
    __tablename__ = "title_tags"

    title_id: Mapped[int] = mapped_column(
        ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    tag: Mapped[Tag] = relationship(lazy="joined")


class Credit(Base):
    __tablename__ = "credits"

    title_id: Mapped[int] = mapped_column(
        ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(8), primary_key=True)  # cast | director
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    person: Mapped[Person] = relationship(lazy="joined")


class Episode(Base):
    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"))
    season: Mapped[int] = mapped_column(SmallInteger)
    number: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(160))
    synopsis: Mapped[str] = mapped_column(Text, default="")
    runtime_seconds: Mapped[int] = mapped_column(Integer)
    intro_end_seconds: Mapped[int] = mapped_column(Integer, default=0)
    credits_start_seconds: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("title_id", "season", "number"),)


class Artwork(Base):
    """One artwork variant of a title; each stresses a different tag (drawn by webapp.artwork)."""

    __tablename__ = "artworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"))
    variant: Mapped[int] = mapped_column(SmallInteger)
    focus_tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id"))
    motif: Mapped[str] = mapped_column(String(24))

    focus_tag: Mapped[Tag | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("title_id", "variant"),)


# --- what profiles do ------------------------------------------------------------------------


class TastePick(Base):
    """An onboarding pick: the profile's first positive signal."""

    __tablename__ = "taste_picks"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class FavouriteGenre(Base):
    __tablename__ = "favourite_genres"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), primary_key=True)


class Rating(Base):
    """Thumbs: -1 down, 1 up, 2 two thumbs up. One row per profile and title (upserted)."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint("profile_id", "title_id"),
        CheckConstraint("value IN (-1, 1, 2)", name="value"),
    )


class ListItem(Base):
    """My List."""

    __tablename__ = "list_items"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)


class SearchQuery(Base):
    __tablename__ = "search_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    query: Mapped[str] = mapped_column(String(200))
    results: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Viewing(Base):
    """Per-profile viewing state of a film or one episode (episode_key 0 for films)."""

    __tablename__ = "viewings"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id"))
    episode_key: Mapped[int] = mapped_column(Integer, default=0)
    position_s: Mapped[int] = mapped_column(Integer, default=0)
    watched_s: Mapped[float] = mapped_column(Float, default=0.0)  # content seconds credited
    furthest_s: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    plays: Mapped[int] = mapped_column(Integer, default=1)  # starts; >1 means rewatched
    started_at: Mapped[datetime] = mapped_column(DateTime)
    last_watched_at: Mapped[datetime] = mapped_column(DateTime)  # server time of last event
    last_client_time: Mapped[datetime] = mapped_column(DateTime)  # bounds credited time

    __table_args__ = (
        UniqueConstraint("profile_id", "title_id", "episode_key"),
        Index("ix_viewings_last_watched_at_title_id", "last_watched_at", "title_id"),
    )


# The playback event types, in the one place the table, the events API (core/playback.py) and
# the player's tests (tests/webapp/test_player.py) read them from.
EVENT_TYPES = ("start", "heartbeat", "pause", "seek", "stop", "complete")


class PlaybackEvent(Base):
    """The raw playback event log (kept for analytics such as drop-off curves).

    `event_id` is the client-made UUID: unique, so a retried event is stored once.
    `credited_s` is the content time this event added to the viewing (never more than could
    have elapsed since the previous event at the reported speed).
    """

    __tablename__ = "playback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    title_id: Mapped[int] = mapped_column(ForeignKey("titles.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id"))
    type: Mapped[str] = mapped_column(String(12))
    position_s: Mapped[float] = mapped_column(Float)
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    client_time: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    credited_s: Mapped[float] = mapped_column(Float, default=0.0)

    __table_args__ = (
        CheckConstraint(f"type IN ({', '.join(repr(t) for t in EVENT_TYPES)})", name="type"),
        Index("ix_playback_events_profile_id_title_id", "profile_id", "title_id"),
    )


class Impression(Base):
    """One rendered row: what was shown to a profile, where, with which artwork (compact)."""

    __tablename__ = "impressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    shown_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    surface: Mapped[str] = mapped_column(String(16))  # home | search | browse | title
    row_key: Mapped[str] = mapped_column(String(64))
    row_position: Mapped[int] = mapped_column(SmallInteger)
    title_ids: Mapped[list] = mapped_column(JSON)  # ordered, left to right
    variants: Mapped[list | None] = mapped_column(JSON)  # artwork variant per title
    policy: Mapped[str] = mapped_column(String(32), default="site")


class JobRun(Base):
    """One run of a scheduled or manual job (training, seeding), for status pages."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12))  # running | ok | rejected | failed
    detail: Mapped[str] = mapped_column(Text, default="")
    model_version: Mapped[str | None] = mapped_column(String(40))
    # JSON: a retrain's candidates with their validation figures, and which one was chosen.
    report: Mapped[str | None] = mapped_column(Text)


class ExperimentRun(Base):
    """An experiment started by an educator (or the CLI); results live in a folder."""

    __tablename__ = "experiment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    config: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))  # queued | running | done | failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    results_dir: Mapped[str] = mapped_column(String(400))
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- live experiments on the site (core/experiments.py) ------------------------------------


class LiveExperiment(Base):
    """An A/B test on the live site: who is in it (population), how they are split (variants
    with weights, hashed with `salt`), what each variant sets (`variants[i]["sets"]`, the small
    vocabulary of core.experiments.SETS) and what is measured. At most one running experiment
    per `layer` (core.experiments.start checks it)."""

    __tablename__ = "live_experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    # [{"name": "control", "weight": 50, "sets": {"model": "serving", ...}}, ...]
    variants: Mapped[list] = mapped_column(JSON)
    population: Mapped[str] = mapped_column(String(8), default="all")  # all | new | share
    share: Mapped[float] = mapped_column(Float, default=1.0)  # of the population, 0..1
    primary_metric: Mapped[str] = mapped_column(String(32))
    guardrails: Mapped[list] = mapped_column(JSON)  # metric keys
    layer: Mapped[str] = mapped_column(String(32), default="home")
    salt: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8), default="draft")  # draft | running | stopped
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("state IN ('draft', 'running', 'stopped')", name="state"),
        CheckConstraint("population IN ('all', 'new', 'share')", name="population"),
        CheckConstraint("share > 0 AND share <= 1", name="share"),
        Index("ix_live_experiments_state_layer", "state", "layer"),
    )


class LiveExposure(Base):
    """A profile's first exposure to a live experiment: the first time the variant it was
    assigned changed what it saw (or would have, for the control). One row per profile and
    experiment; written idempotently."""

    __tablename__ = "live_exposures"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("live_experiments.id", ondelete="CASCADE"), primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True, index=True)
    variant: Mapped[str] = mapped_column(String(32))
    first_exposed_at: Mapped[datetime] = mapped_column(DateTime)


# --- simulator ground truth (never read by the recommender) ----------------------------------


class TitleTruth(Base):
    """A title's hidden quality and feature vector (float32 bytes)."""

    __tablename__ = "truth_titles"

    title_id: Mapped[int] = mapped_column(
        ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True
    )
    quality: Mapped[float] = mapped_column(Float)
    features: Mapped[bytes] = mapped_column(LargeBinary)
    # Marketing buzz at release (0 = nobody has heard of it); it decays after release
    # (simulator.viewers.behaviour.awareness), down to an evergreen floor.
    awareness: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class ProfileTruth(Base):
    """A simulated profile's hidden taste vector and traits."""

    __tablename__ = "truth_profiles"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    community: Mapped[int] = mapped_column(SmallInteger)
    taste: Mapped[bytes] = mapped_column(LargeBinary)
    traits: Mapped[dict] = mapped_column(JSON)


class TasteDay(Base):
    """A simulated profile's hidden taste at the end of a simulated day on which it changed
    (tastes drift toward what is watched), so truth-based metrics use the taste of their day;
    `truth_profiles.taste` is the starting taste."""

    __tablename__ = "truth_taste_days"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    taste: Mapped[bytes] = mapped_column(LargeBinary)
