import pytest

from core.settings import DEV_SECRET, Settings, SettingsError


def test_defaults_are_safe_for_development(tmp_path):
    s = Settings.from_env({"STREAMSIM_INSTANCE_DIR": str(tmp_path)})
    assert s.env == "development"
    assert s.database_url == f"sqlite:///{tmp_path / 'streamsim.sqlite3'}"
    assert s.model_dir == tmp_path / "models"
    assert not s.demo


def test_environment_variables_are_read():
    s = Settings.from_env({"STREAMSIM_DATABASE_URL": "postgresql+psycopg://x@h/db",
                           "STREAMSIM_DEMO": "true", "STREAMSIM_MODEL_DIR": "/tmp/m"})
    assert s.database_url == "postgresql+psycopg://x@h/db"
    assert s.demo is True
    assert str(s.model_dir) == "/tmp/m"


def test_recommender_candidates_are_read_and_checked():
    s = Settings.from_env({"STREAMSIM_REC_CANDIDATES": " EASE, als ", "STREAMSIM_REC_BLEND": "0"})
    assert s.rec_candidates == ("ease", "als") and s.rec_blend is False
    assert Settings.from_env({}).rec_candidates == Settings.rec_candidates
    for bad in ("svd,nope", "random"):  # random is for reference only, never served
        with pytest.raises(SettingsError, match="STREAMSIM_REC_CANDIDATES"):
            Settings.from_env({"STREAMSIM_REC_CANDIDATES": bad})


def test_the_settings_know_every_servable_family():
    from core.settings import MODEL_NAMES
    from recommender.models import FAMILIES

    assert set(MODEL_NAMES) == {n for n, f in FAMILIES.items() if f.servable}


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET, "short"])
def test_production_refuses_to_start_without_a_real_secret(secret):
    env = {"STREAMSIM_ENV": "production"}
    if secret is not None:
        env["STREAMSIM_SECRET_KEY"] = secret
    with pytest.raises(SettingsError, match="secret key"):
        Settings.from_env(env)


def test_production_with_a_real_secret_starts_and_refuses_demo_mode():
    env = {"STREAMSIM_ENV": "production", "STREAMSIM_SECRET_KEY": "x" * 40}
    assert Settings.from_env(env).is_production
    with pytest.raises(SettingsError, match="Demo mode"):
        Settings.from_env({**env, "STREAMSIM_DEMO": "1"})


def test_unknown_environment_is_refused():
    with pytest.raises(SettingsError):
        Settings.from_env({"STREAMSIM_ENV": "staging"})


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(AttributeError):
        s.env = "production"  # type: ignore[misc]


def test_a_value_that_does_not_parse_names_its_variable():
    for variable, raw in (("STREAMSIM_REC_FACTORS", "lots"), ("STREAMSIM_HOME_ROWS_CACHE_S", "x"),
                          ("STREAMSIM_REC_BLEND", "maybe")):
        with pytest.raises(SettingsError, match=variable):
            Settings.from_env({variable: raw})


def test_every_setting_is_in_the_readme_and_every_readme_row_is_a_setting():
    """One declaration per setting (core/settings.py); the README's table lists each one."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"`(STREAMSIM_[A-Z_]+)`", table)) == set(Settings.variables())
