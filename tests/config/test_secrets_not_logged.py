"""An Open311 ``api_key`` sent in the query string never reaches a log line (issue 15, item 6): not
gunicorn's access log, not Django's request/security loggers, not an error mail, not django-axes' records.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urls
from domains.reports.models import Report
from interfaces.api.keys import api_key_create

ROOT = Path(__file__).resolve().parents[2]
SECRET = "mm311_GEHEIM0123456789geheim"
FORM = "application/x-www-form-urlencoded"
REPORT = {"service_code": "schlagloch", "lat": "51.0504", "long": "13.7373", "description": "Loch vor Nr. 5"}


def _boom(request):
    raise RuntimeError("Absturz zum Testen der Fehler-Mail")


urlpatterns = [*site_urls, path("test-absturz/", _boom)]


@pytest.fixture
def every_log_line(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _all_logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)


@pytest.mark.django_db
def test_a_valid_and_a_refused_key_in_the_query_string_are_not_logged(client, every_log_line):
    good = api_key_create(name="App").key
    accepted = client.post(f"/open311/v2/requests.json?api_key={good}", urlencode(REPORT), content_type=FORM)
    assert accepted.status_code == 200, accepted.content  # the key still works from the query string
    refused = client.post(f"/open311/v2/requests.json?api_key={SECRET}", urlencode(REPORT), content_type=FORM)
    assert refused.status_code == 403
    assert Report.objects.count() == 1
    logged = _all_logged(every_log_line)
    assert "/open311/v2/requests.json" in logged  # the refusal was logged …
    assert SECRET not in logged and good not in logged  # … without the key


@pytest.mark.django_db
def test_a_failed_login_with_a_key_in_the_query_is_stored_by_axes_without_it(client, every_log_line):
    client.post(f"/anmelden/?api_key={SECRET}", {"username": "jemand", "password": "falsch"})
    attempt = AccessAttempt.objects.get(username="jemand")
    assert SECRET not in attempt.get_data + attempt.post_data + attempt.path_info
    assert SECRET not in _all_logged(every_log_line)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_error_mail_of_a_crash_does_not_contain_the_key(settings, every_log_line):
    # Django's own logging sends the error mail to ADMINS (its default "mail_admins" handler, DEBUG off).
    settings.ADMINS = ["betrieb@example.org"]
    response = Client(raise_request_exception=False).get(f"/test-absturz/?seite=2&api_key={SECRET}")
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    whole = message.subject + message.body + "".join(str(a[0]) for a in message.alternatives)
    assert "/test-absturz/?seite=2" in whole  # the report shows the request …
    assert SECRET not in whole  # … without the key
    assert SECRET not in _all_logged(every_log_line)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_gunicorn_access_log_of_serve_sh_has_no_query_string(tmp_path):
    """gunicorn as scripts/serve.sh starts it (its --config); requests that need no database."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", "config/gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status = _get(f"{base}/open311/discovery.json?api_key={SECRET}")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        assert status == 200
        assert _get(f"{base}/gibt-es-nicht/?api_key={SECRET}") == 404
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text()
    assert '"GET /open311/discovery.json HTTP/1.1" 200' in text
    assert '"GET /gibt-es-nicht/ HTTP/1.1" 404' in text
    assert SECRET not in text
