"""Layered fixtures: settings -> database -> catalog -> app -> client.

The database is SQLite in a temporary folder unless STREAMSIM_TEST_DATABASE_URL names another
(.ci/run runs the database-facing tests again on PostgreSQL that way). Any test that uses the
`database` fixture is marked `db` automatically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from core.db import Database
from core.models import Base, Title
from core.settings import Settings

CATALOG_TABLES = {"tags", "people", "titles", "title_tags", "credits", "episodes", "artworks",
                  "truth_titles"}
TEST_NOW = datetime(2026, 11, 1, 12, 0, 0)
CATALOG_SIZE = 240


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("STREAMSIM_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'streamsim-test.sqlite3'}"
    probe = Database(Settings(env="testing", database_url=url))
    try:
        probe.ping()
    except OperationalError as exc:
        pytest.skip(f"STREAMSIM_TEST_DATABASE_URL is set but the database is unreachable: {exc}")
    finally:
        probe.dispose()
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    instance = tmp_path_factory.mktemp("instance")
    return Settings(env="testing", database_url=database_url, instance_dir=instance,
                    model_dir=instance / "models", results_dir=instance / "results",
                    rate_limit_login="1000 per minute")


@pytest.fixture(scope="session")
def _schema(settings: Settings) -> Iterator[Database]:
    """Migrate an empty database to head once per run, and seed a small catalog."""
    from core.migrate import upgrade
    from simulator.catalog.generate import generate_catalog

    db = Database(settings)
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(settings)
    with db.session() as session:
        generate_catalog(session, CATALOG_SIZE, seed=11, now=TEST_NOW)
        session.commit()
    yield db
    db.dispose()


def _empty_activity(db: Database) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in CATALOG_TABLES]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def database(_schema: Database) -> Iterator[Database]:
    """The shared test database with its catalog, and no accounts or activity."""
    _empty_activity(_schema)
    yield _schema
    _empty_activity(_schema)


@pytest.fixture
def session(database: Database):
    with database.session() as s:
        yield s


@pytest.fixture
def app(settings: Settings, database: Database):
    from webapp import create_app

    return create_app(settings, database)  # share the migrated engine


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def film(database):
    """A film any profile with a limit of 13+ may watch."""
    with database.read() as s:
        return s.scalar(select(Title).where(Title.kind == "film", Title.maturity_age <= 13)
                        .order_by(Title.id))


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_from(response) -> str:
    """The CSRF token a page carries (hidden input, or the hx-headers on <body>)."""
    page = soup(response)
    field = page.find("input", attrs={"name": "csrf_token"})
    if field is not None:
        return field["value"]
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page.body.get("hx-headers", ""))
    assert match, "page carries no CSRF token"
    return match.group(1)
