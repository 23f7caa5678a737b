"""The documented order in which the make targets pick a database."""

from __future__ import annotations

import pytest

from config.dbselect import (
    SOURCE_ENV,
    SOURCE_LOCAL,
    SOURCE_SERVER,
    choose_database,
    db_name_of,
    libpq_url,
)


def choose(**overrides):
    args = dict(environ_url=None, previous_source=None, local_cluster_exists=False, server_answers=False)
    args.update(overrides)
    return choose_database(**args)


def test_database_url_from_environment_wins_over_everything():
    choice = choose(
        environ_url="postgis://u@db:5432/x",
        server_answers=True,
        previous_source=SOURCE_LOCAL,
        local_cluster_exists=True,
    )
    assert (choice.source, choice.url) == (SOURCE_ENV, "postgis://u@db:5432/x")


def test_local_server_is_used_when_it_answers():
    choice = choose(server_answers=True, db_name="mm_x")
    assert choice.source == SOURCE_SERVER
    assert choice.url == "postgis://postgres@127.0.0.1:5432/mm_x"


def test_project_cluster_when_nothing_answers():
    assert choose().source == SOURCE_LOCAL


def test_project_cluster_is_reused_once_chosen_even_if_server_appears():
    # Data created in the project cluster must not silently vanish on the next run.
    choice = choose(previous_source=SOURCE_LOCAL, local_cluster_exists=True, server_answers=True)
    assert choice.source == SOURCE_LOCAL


def test_removed_project_cluster_is_not_reused():
    choice = choose(previous_source=SOURCE_LOCAL, local_cluster_exists=False, server_answers=True)
    assert choice.source == SOURCE_SERVER


def test_libpq_url_and_db_name():
    assert libpq_url("postgis://u:p@h:1/db") == "postgresql://u:p@h:1/db"
    assert libpq_url("postgis://u@h:1/db", dbname="postgres") == "postgresql://u@h:1/postgres"
    assert db_name_of("postgis://u@h/m%C3%A4ngel") == "mängel"
    with pytest.raises(ValueError):
        db_name_of("postgis://u@h/")
