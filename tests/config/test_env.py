"""Settings parsing: DATABASE_URL, booleans, lists and the .env file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import POSTGIS_ENGINE, Env, database_config, read_dotenv, secret_key


def test_postgis_url_gives_postgis_engine_and_parts():
    cfg = database_config("postgis://mm:s3cret@db.example.org:6543/maengel")
    assert cfg["ENGINE"] == POSTGIS_ENGINE
    assert (cfg["USER"], cfg["PASSWORD"], cfg["HOST"], cfg["PORT"], cfg["NAME"]) == (
        "mm",
        "s3cret",
        "db.example.org",
        6543,
        "maengel",
    )
    assert cfg["OPTIONS"]["connect_timeout"] == 3


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgis"])
def test_every_postgres_scheme_uses_postgis(scheme):
    assert database_config(f"{scheme}://u@localhost/x")["ENGINE"] == POSTGIS_ENGINE


def test_percent_encoded_password_is_decoded():
    cfg = database_config("postgres://u:p%40ss%3Aword@127.0.0.1:5432/db")
    assert cfg["PASSWORD"] == "p@ss:word"


def test_url_without_port_or_password():
    cfg = database_config("postgres://postgres@127.0.0.1/maengelmelder")
    assert cfg["PASSWORD"] == ""
    assert cfg["PORT"] in ("", None)
    assert cfg["NAME"] == "maengelmelder"


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "sqlite:///tmp/x.db", "", "not a url", "postgres://u@h:5432/"],
)
def test_unusable_urls_fail_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        database_config(url)


def test_environment_wins_over_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DEBUG=true\nALLOWED_HOSTS=a.example, b.example\n# comment\n\nexport X='quoted'\n")
    env = Env(environ={"DEBUG": "0"}, dotenv=dotenv)
    assert env.bool("DEBUG") is False
    assert env.list("ALLOWED_HOSTS") == ["a.example", "b.example"]
    assert env.str("X") == "quoted"


@pytest.mark.parametrize("value", ["maybe", "2", "wahr"])
def test_bad_boolean_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env(environ={"DEBUG": value}).bool("DEBUG")


def test_bad_integer_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        Env(environ={"EMAIL_PORT": "25a"}).int("EMAIL_PORT", 25)


def test_missing_required_value_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        Env(environ={}).str("SECRET_KEY")


def test_malformed_dotenv_line_is_reported(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("JUST_A_WORD\n")
    with pytest.raises(ImproperlyConfigured, match=":1:"):
        read_dotenv(dotenv)


def test_secret_key_is_generated_once_and_reused(tmp_path):
    key_file = tmp_path / "local" / "secret_key"
    first = secret_key(Env(environ={}), key_file)
    second = secret_key(Env(environ={}), key_file)
    assert first == second
    assert len(first) >= 50
    assert oct(key_file.stat().st_mode)[-3:] == "600"
    assert secret_key(Env(environ={"SECRET_KEY": "from-env"}), key_file) == "from-env"


def test_mail_goes_to_files_in_development_and_smtp_when_host_is_set():
    # Not the console: `make run`'s output is a log, and reporters' addresses never go into logs.
    from config.env import DEV_MAIL_DIR, mailers_from_env

    dev = mailers_from_env(Env(environ={}), production=False)["default"]
    assert dev["BACKEND"].endswith("filebased.EmailBackend")
    assert dev["OPTIONS"] == {"file_path": str(DEV_MAIL_DIR)}
    smtp = mailers_from_env(
        Env(environ={"EMAIL_HOST": "mail.example", "EMAIL_PORT": "2525", "EMAIL_HOST_USER": "u"}),
        production=False,
    )["default"]
    assert smtp["BACKEND"].endswith("smtp.EmailBackend")
    assert smtp["OPTIONS"]["host"] == "mail.example"
    assert smtp["OPTIONS"]["port"] == 2525
    assert smtp["OPTIONS"]["use_tls"] is True
    prod = mailers_from_env(Env(environ={}), production=True)["default"]
    assert prod["BACKEND"].endswith("smtp.EmailBackend")
    assert prod["OPTIONS"]["host"] == "localhost"
