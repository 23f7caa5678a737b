"""One function decides the client address (``TRUSTED_PROXY_COUNT``), for every throttle and the login
lockout (issue 15, item 5)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from domains.reports.models import Report
from shared.http.client import client_ip
from shared.http.throttling import ReportCreateThrottle
from tests.api.test_reports_create import post_multipart

PROXY = "127.0.0.1"


def ip(count: int, settings, forwarded: str | None = None, remote: str = PROXY) -> str:
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    assert ip(0, settings, "203.0.113.7", remote="198.51.100.1") == "198.51.100.1"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.5", "203.0.113.7"),  # second from the right
        (2, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the leftmost, a proxy wrote it
        (1, "kein-ip", PROXY),
        (1, "", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_proxies_the_nth_address_from_the_right_counts(settings, count, forwarded, expected):
    assert ip(count, settings, forwarded) == expected


@pytest.mark.django_db
def test_the_report_throttle_counts_clients_behind_the_proxy_separately(client, settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ReportCreateThrottle, "THROTTLE_RATES", {"report_create": "1/hour"})
    assert post_multipart(client, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 201
    # Another citizen behind the same proxy is not blocked by the first one's limit …
    assert post_multipart(client, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 201
    # … and the first one cannot dodge the limit by writing another address in front.
    refused = post_multipart(client, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert refused.status_code == 429
    assert Report.objects.count() == 2


def test_a_forwarded_header_without_trusted_proxies_is_logged_once_per_process(settings, caplog, monkeypatch):
    """Behind a proxy with TRUSTED_PROXY_COUNT=0 every client is the proxy: one throttle, one lock-out for
    all. No system check can see requests, so the first such request says so in the log."""
    import shared.http.client

    monkeypatch.setattr(shared.http.client, "_warned_unused_forwarded_for", False, raising=False)
    with caplog.at_level("WARNING", logger="shared.http.client"):
        assert ip(0, settings, remote="198.51.100.1") == "198.51.100.1"
        assert caplog.records == []  # no header: nothing to say
        assert ip(0, settings, "203.0.113.7", remote="198.51.100.1") == "198.51.100.1"
        assert ip(0, settings, "203.0.113.8", remote="198.51.100.1") == "198.51.100.1"
        assert ip(1, settings, "203.0.113.9") == "203.0.113.9"
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "TRUSTED_PROXY_COUNT" in message and "X-Forwarded-For" in message
    assert "203.0.113" not in message and "198.51.100.1" not in message  # no client address in the log


def _proxy_check_ids(*, deploy: bool) -> list[str]:
    from django.core import checks

    return [m.id for m in checks.run_checks(include_deployment_checks=deploy, tags=[checks.Tags.security])]


def test_check_deploy_warns_when_no_proxy_is_trusted(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.TRUSTED_PROXY_COUNT = 0
    assert "requestkit.W001" in _proxy_check_ids(deploy=True)
    assert "requestkit.W001" not in _proxy_check_ids(deploy=False)  # development runs without a proxy
    with pytest.raises(SystemCheckError, match="TRUSTED_PROXY_COUNT"):
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "WARNING")
    settings.TRUSTED_PROXY_COUNT = 1
    assert "requestkit.W001" not in _proxy_check_ids(deploy=True)
