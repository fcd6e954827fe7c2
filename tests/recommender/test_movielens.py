"""streamsim import-movielens: both common layouts, into a database of their own."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.migrate import upgrade
from core.models import Account, Rating, Tag, Title, TitleTag, Viewing
from core.settings import Settings
from recommender.data import catalog_arrays, load_interactions
from recommender.movielens import import_folder, read_folder, thumbs_for
from recommender.selection import compare
from tests.conftest import TEST_NOW

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("movielens")
    settings = Settings(env="testing", database_url=f"sqlite:///{folder / 'ml.sqlite3'}",
                        instance_dir=folder, model_dir=folder / "models")
    upgrade(settings)
    db = Database(settings)
    yield db
    db.dispose()


def test_thumbs_mapping():
    assert [thumbs_for(r) for r in (5, 4.5, 4, 3.5, 3, 2.5, 0.5)] == [2, 2, 1, 1, None, -1, -1]


def test_both_layouts_are_recognised():
    layout, movies, ratings = read_folder(FIXTURES / "ml-latest-small")
    assert layout == "ml-latest-small" and len(movies) == 10 and len(ratings) == 40
    assert movies[2][1] == "Paris, Again (2001)" and movies[2][2] == ["Comedy", "Romance"]
    assert movies[9][2] == []  # "(no genres listed)"
    layout, movies, ratings = read_folder(FIXTURES / "ml-100k")
    assert layout == "ml-100k" and len(movies) == 6 and len(ratings) == 20
    assert movies[0][2] == ["Animation", "Children's", "Comedy"]
    with pytest.raises(ValueError):
        read_folder(FIXTURES)


def test_import_creates_titles_profiles_and_signals(empty_db):
    with empty_db.write() as s:
        small = import_folder(s, FIXTURES / "ml-latest-small", TEST_NOW)
    with empty_db.write() as s:
        hundred = import_folder(s, FIXTURES / "ml-100k", TEST_NOW)
    assert str(small) == "10 titles, 8 profiles, 40 ratings (ml-latest-small)"
    assert (hundred.titles, hundred.profiles, hundred.ratings) == (6, 5, 20)
    with empty_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Title)) == 16
        paris = s.scalar(select(Title).where(Title.name == "Paris, Again"))
        assert paris.year == 2001 and paris.kind == "film"
        genres = set(s.scalars(select(Tag.name).join(TitleTag).where(
            TitleTag.title_id == paris.id)))
        assert genres == {"Comedy", "Romance"}
        assert s.scalar(select(func.count()).select_from(Account).where(
            Account.is_simulated.is_(True), Account.password_hash.is_(None))) == 13
        assert s.scalar(select(func.count()).select_from(Viewing)) == 60
        assert s.scalar(select(func.count()).select_from(Rating)) < 60  # 3s give no thumbs
        inter = load_interactions(s, TEST_NOW)
        item_ids, _, _ = catalog_arrays(s)
    assert len(inter) == 60
    # Recency is measured from the newest rating (2001 here), not from TEST_NOW: weights of
    # decades-old data must not decay to nothing.
    assert inter.weight.max() >= 1.0  # the newest rating weighs in full
    report = compare(inter, item_ids, seeds=(0,), candidates=("ease", "popularity"))
    assert report["production"]["profiles"] >= 1
    assert report["production"]["split"]["splits"][0]["test"] > 0


def test_import_movielens_command(tmp_path):
    from webapp import create_app
    from webapp.cli.main import cli

    settings = Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
                        instance_dir=tmp_path, model_dir=tmp_path / "models")
    upgrade(settings)
    db = Database(settings)
    runner = create_app(settings, db).test_cli_runner()
    result = runner.invoke(cli, ["import-movielens", str(FIXTURES / "ml-100k")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported 6 titles, 5 profiles, 20 ratings (ml-100k)"
    db.dispose()
