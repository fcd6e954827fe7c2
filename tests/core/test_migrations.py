"""`alembic upgrade head` on an empty database yields exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core.db import Database
from core.migrate import upgrade
from core.models import Base
from core.settings import Settings


def test_upgrade_head_matches_the_models(tmp_path):
    settings = Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(settings)
    db = Database(settings)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
        tables = set(inspect(conn).get_table_names())
    db.dispose()
    assert diff == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_the_shared_test_database_was_migrated_to_the_models(database):
    """Same check on the suite's database (PostgreSQL when .ci/run sets it)."""
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []
