"""Uploads in an S3-compatible object store (MEDIA_STORAGE_URL), against a real S3-protocol server on
loopback: moto's server (``moto[server]`` from PyPI: a threaded HTTP server speaking the S3 REST protocol,
started in-process, no container needed; MinIO and Ceph RGW are not installable from Debian or PyPI).
The same access rules as local files: the app authorises, then redirects to a presigned URL."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from config.env import Env, media_storage
from domains.permits.models import Permit
from domains.reports.models import Report, ReportPhoto
from domains.reports.services import report_moderate
from kernel.cases.tracking import tracking_token
from tests.factories import make_report, photo
from tests.staff_world import login
from tests.web.test_media import permit_with_attachments, report_with_photo

pytestmark = pytest.mark.django_db
REGION = "eu-central-1"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, and the app's default storage pointed at it through MEDIA_STORAGE_URL."""
    name = f"mm-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=f"http://{s3_endpoint}",
        aws_access_key_id="mm-key",
        aws_secret_access_key="mm-secret",
        region_name=REGION,
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    url = f"s3://mm-key:mm-secret@{s3_endpoint}/{name}?region={REGION}&secure=false"
    storage = media_storage(Env(environ={"MEDIA_STORAGE_URL": url}), private_url_seconds=300)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return client, name


def keys(bucket) -> list[str]:
    client, name = bucket
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", []))


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_photos_go_to_the_bucket_and_are_served_by_presigned_redirect(client, world, bucket, settings):
    report = report_with_photo(world, hidden=False)
    p = report.photos.get()
    assert keys(bucket) == sorted([p.image.name, p.thumbnail.name])
    assert p.image.url == f"/media/{p.image.name}"  # pages keep linking the authorising view
    s3, name = bucket
    stored = s3.get_object(Bucket=name, Key=p.image.name)["Body"].read()
    response = client.get(p.image.url)
    assert response.status_code == 302
    assert response["Cache-Control"].startswith("public")
    target = response["Location"]
    assert target.startswith(f"http://{urlsplit(target).netloc}/{name}/")
    assert int(parse_qs(urlsplit(target).query)["X-Amz-Expires"][0]) == 3600
    assert fetch(target) == (200, stored)
    # the object itself is private: without the signature the store refuses it
    assert fetch(target.split("?")[0])[0] == 403


def test_hidden_photo_url_stops_working_and_staff_get_a_short_private_url(client, world, bucket):
    report = report_with_photo(world, hidden=False)
    p = report.photos.get()
    assert client.get(p.image.url).status_code == 302
    report_moderate(
        actor=world.users["caseworker_a"], public_id=report.public_id, reason="Gesicht", photo_ids=[p.pk]
    )
    assert client.get(p.image.url).status_code == 404
    assert client.get(p.thumbnail.url).status_code == 404
    login(client, "caseworker_a")
    response = client.get(p.image.url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert int(parse_qs(urlsplit(response["Location"]).query)["X-Amz-Expires"][0]) == 300
    assert fetch(response["Location"])[0] == 200


def test_a_rolled_back_report_leaves_no_object(bucket, monkeypatch):
    real_create = ReportPhoto.objects.create
    calls = {"n": 0}

    def fail_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("Verbindung verloren")
        return real_create(**kwargs)

    monkeypatch.setattr(ReportPhoto.objects, "create", fail_on_second)
    with pytest.raises(RuntimeError):
        make_report(photos=[photo("a.jpg"), photo("b.jpg")])
    assert Report.objects.count() == 0
    assert keys(bucket) == []


def test_private_attachment_is_a_short_presigned_download_for_the_applicant(client, world, bucket):
    permit = permit_with_attachments()
    pdf = permit.attachments.order_by("id").first()
    assert client.get(pdf.file.url).status_code == 404
    response = client.get(pdf.file.url, {"token": tracking_token(Permit, permit.public_id)})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert int(query["X-Amz-Expires"][0]) == 300
    assert query["response-content-disposition"] == ['attachment; filename="plan.pdf"']
    status, body = fetch(response["Location"])
    assert status == 200 and body.startswith(b"%PDF")


@pytest.mark.parametrize(
    "url",
    ["http://host/bucket", "s3://key:secret@host", "s3://key:secret@host/a/b", "s3://key:secret@/bucket"],
)
def test_a_wrong_storage_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_URL"):
        media_storage(Env(environ={"MEDIA_STORAGE_URL": url}), private_url_seconds=300)


@pytest.mark.django_db(transaction=True)
def test_backup_copies_every_object_with_its_checksum(bucket, tmp_path):
    make_report(photos=[photo()])
    call_command("backup", dest=tmp_path / "set", stdout=open(os.devnull, "w"))
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text())
    s3, name = bucket
    assert sorted(f["name"] for f in manifest["files"]) == keys(bucket)
    for entry in manifest["files"]:
        body = s3.get_object(Bucket=name, Key=entry["name"])["Body"].read()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        assert (tmp_path / "set" / "files" / entry["name"]).read_bytes() == body
