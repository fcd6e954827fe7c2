"""recommender.datasets: ml-100k out of a (fake) recbole wheel; never touches the network."""

import subprocess
import zipfile

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.migrate import upgrade
from core.models import Tag, Title, TitleTag, Viewing
from core.settings import Settings
from recommender import datasets
from recommender.datasets import DatasetError, extract_ml100k, fetch_ml100k
from recommender.movielens import import_folder, read_folder
from tests.conftest import TEST_NOW

INTER = ("user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
         "7\t1\t5\t881250949\n"
         "3\t2\t3\t881250950\n"
         "7\t3\t1\t881250951\n"
         "3\t1\t4\t881250952\n"
         "9\t4\t2\t881250953\n")
ITEM = ("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
        "1\tToy Story\t1995\tAnimation Children's Comedy\n"
        "2\tSpace Kids\t1997\tAdventure Children's Sci-Fi\n"
        "3\tMisérables, Les\t1995\tDrama Musical\n"  # latin-1, like the original u.item
        "4\tunkonwn\tunkonwn\tunknown\n")  # as in the real file: no year, genre "unknown"


def fake_wheel(path, inter=INTER, item=ITEM):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(datasets.MEMBER.format("inter"), inter)
        archive.writestr(datasets.MEMBER.format("item"), item)
        archive.writestr("recbole/__init__.py", "")  # other members are never extracted
    return path


@pytest.fixture
def folder(tmp_path):
    return extract_ml100k(fake_wheel(tmp_path / "recbole.whl"), tmp_path / "ml-100k")


def test_extract_writes_the_standard_files(folder):
    assert sorted(p.name for p in folder.iterdir()) == ["u.data", "u.genre", "u.item"]
    genre_lines = (folder / "u.genre").read_text().splitlines()
    assert len(genre_lines) == 19
    assert genre_lines[0] == "unknown|0" and genre_lines[4] == "Children's|4"
    assert genre_lines[15] == "Sci-Fi|15" and genre_lines[18] == "Western|18"
    assert (folder / "u.data").read_text().splitlines()[:2] == ["7\t1\t5\t881250949",
                                                                "3\t2\t3\t881250950"]
    space_kids = (folder / "u.item").read_text(encoding="latin-1").splitlines()[1].split("|")
    assert space_kids[:5] == ["2", "Space Kids (1997)", "", "", ""] and len(space_kids) == 24
    assert [datasets.GENRES[n] for n, f in enumerate(space_kids[5:]) if f == "1"] == [
        "Adventure", "Children's", "Sci-Fi"]


def test_read_folder_sees_movies_genres_and_ratings(folder):
    layout, movies, ratings = read_folder(folder)
    assert layout == "ml-100k"
    assert movies == [(1, "Toy Story (1995)", ["Animation", "Children's", "Comedy"]),
                      (2, "Space Kids (1997)", ["Adventure", "Children's", "Sci-Fi"]),
                      (3, "Misérables, Les (1995)", ["Drama", "Musical"]),
                      (4, "unkonwn", [])]  # read_folder drops the "unknown" genre
    assert ratings == [(7, 1, 5.0, 881250949), (3, 2, 3.0, 881250950), (7, 3, 1.0, 881250951),
                       (3, 1, 4.0, 881250952), (9, 4, 2.0, 881250953)]


def test_import_of_the_extracted_folder(folder, tmp_path):
    settings = Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'ml.sqlite3'}",
                        instance_dir=tmp_path, model_dir=tmp_path / "models")
    upgrade(settings)
    db = Database(settings)
    try:
        with db.write() as s:
            summary = import_folder(s, folder, TEST_NOW)
        assert str(summary) == "4 titles, 3 profiles, 5 ratings (ml-100k)"
        with db.read() as s:
            kids = s.scalar(select(Title).where(Title.name == "Space Kids"))
            assert kids.year == 1997
            assert set(s.scalars(select(Tag.name).join(TitleTag).where(
                TitleTag.title_id == kids.id))) == {"Adventure", "Children's", "Sci-Fi"}
            assert s.scalar(select(Title.year).where(Title.name == "unkonwn")) == 1990
            assert s.scalar(select(func.count()).select_from(Viewing)) == 5
    finally:
        db.dispose()


def test_a_video_year_is_not_appended(tmp_path):
    item = ("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
            "1\tLand Before Time III (1995)\tV\tAnimation Children's\n")
    folder = extract_ml100k(fake_wheel(tmp_path / "w.whl", item=item), tmp_path / "out")
    assert read_folder(folder)[1] == [(1, "Land Before Time III (1995)",
                                       ["Animation", "Children's"])]


def test_unknown_genres_and_missing_members_are_errors(tmp_path):
    item = ("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
            "1\tX\t1995\tSci Fi\n")
    with pytest.raises(DatasetError, match="unknown genres"):
        extract_ml100k(fake_wheel(tmp_path / "a.whl", item=item), tmp_path / "a")
    with zipfile.ZipFile(tmp_path / "b.whl", "w") as archive:
        archive.writestr("recbole/__init__.py", "")
    with pytest.raises(DatasetError, match="missing"):
        extract_ml100k(tmp_path / "b.whl", tmp_path / "b")


def _complete_folder(cache):
    folder = cache / "ml-100k"
    folder.mkdir(parents=True)
    (folder / "u.genre").write_text("unknown|0\n")
    (folder / "u.item").write_text("1|A (1995)|||" + "|0" * 19 + "\n")
    (folder / "u.data").write_text("1\t1\t4\t881250949\n" * datasets.ML100K_RATINGS)
    return folder


def test_fetch_is_skipped_when_the_folder_is_complete(tmp_path, monkeypatch):
    def no_pip(*args, **kwargs):
        raise AssertionError("pip must not run")

    monkeypatch.setattr(subprocess, "run", no_pip)
    folder = _complete_folder(tmp_path)
    assert fetch_ml100k(tmp_path) == folder


def test_fetch_downloads_once_then_extracts(tmp_path, monkeypatch):
    calls = []

    def fake_pip(command, **kwargs):
        calls.append(command)
        fake_wheel(tmp_path / datasets.WHEEL_NAME)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    monkeypatch.setattr(datasets, "ML100K_RATINGS", 5)  # the fake wheel's size
    monkeypatch.setattr(datasets, "_sha256", lambda path: datasets.WHEEL_SHA256)
    folder = fetch_ml100k(tmp_path)
    assert folder == tmp_path / "ml-100k" and len(read_folder(folder)[2]) == 5
    assert calls[0][1:4] == ["-m", "pip", "download"] and "--no-deps" in calls[0]
    assert "recbole==1.2.1" in calls[0] and calls[0][-2:] == ["-d", str(tmp_path)]
    (folder / "u.data").unlink()
    fetch_ml100k(tmp_path)  # the wheel is there already: extracted again, not downloaded
    assert len(calls) == 1 and (folder / "u.data").exists()


def test_a_failed_download_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: subprocess.CompletedProcess(
        command, 1, "", "WARNING: something local\nERROR: Could not find a version\n"))
    with pytest.raises(DatasetError, match="registry .* reachable.*Could not find a version"):
        fetch_ml100k(tmp_path)


def test_a_wheel_with_another_digest_is_refused(tmp_path):
    fake_wheel(tmp_path / datasets.WHEEL_NAME)
    with pytest.raises(DatasetError, match="sha256"):
        fetch_ml100k(tmp_path)


def test_fetch_movielens_command(tmp_path, monkeypatch):
    from webapp import create_app
    from webapp.cli.main import cli

    settings = Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
                        instance_dir=tmp_path, model_dir=tmp_path / "models")
    db = Database(settings)
    runner = create_app(settings, db).test_cli_runner()
    _complete_folder(tmp_path / "data")
    monkeypatch.setattr(subprocess, "run", lambda *a, **kw: pytest.fail("no pip"))
    result = runner.invoke(cli, ["fetch-movielens"])  # default: the instance folder's data/
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"ml-100k ready in {tmp_path / 'data' / 'ml-100k'}: "
                                     "100000 ratings, 1 titles, 1 users")
    monkeypatch.setattr(subprocess, "run", lambda command, **kw: subprocess.CompletedProcess(
        command, 1, "", "ERROR: No matching distribution found for recbole==1.2.1\n"))
    failed = runner.invoke(cli, ["fetch-movielens", "--dest", str(tmp_path / "elsewhere")])
    assert failed.exit_code == 1
    assert "Error: pip could not download recbole==1.2.1" in failed.output
    assert "No matching distribution" in failed.output
    db.dispose()
