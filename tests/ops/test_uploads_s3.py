"""Uploads on S3-compatible storage (django-storages), against moto's local S3 server: a
subsidy attachment goes through the portal's form into the bucket, comes back through the
portal's private view, and never has a public URL."""

import socket
import urllib.request

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies.models import Attachment
from tests.security.files import image_bytes
from tests.subsidies.http import application_data, portal

pytestmark = pytest.mark.django_db

PNG = image_bytes("PNG")  # a real image: uploads are decoded, not sniffed
BUCKET = "kyodo-uploads"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server_module = pytest.importorskip("moto.server")
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    """The settings AWS_STORAGE_BUCKET_NAME gives (config/settings.py), on a fresh bucket."""
    import boto3

    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "region_name": "ap-northeast-1",
        "access_key": "testing",
        "secret_key": "testing",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="ap-northeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    backend = "storages.backends.s3.S3Storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": options},
        "private": {"BACKEND": backend, "OPTIONS": {**options, "location": "private"}},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_an_attachment_uploaded_through_the_portal_lands_in_the_bucket_and_comes_back(
    client, world, s3, private_media
):
    client.force_login(world.secretary)
    upload = SimpleUploadedFile("写真.png", PNG, content_type="application/octet-stream")
    response = client.post(
        portal("new"), {**application_data(world, action="save"), "files": [upload]}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    key = f"private/{attachment.file.name}"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PNG
    assert not private_media.exists()  # nothing was written to MEDIA_ROOT
    response = client.get(portal("attachment", attachment.application_id, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_an_uploaded_attachment_is_never_public(client, world, s3):
    client.force_login(world.secretary)
    upload = SimpleUploadedFile("a.png", PNG)
    client.post(portal("new"), {**application_data(world, action="save"), "files": [upload]})
    attachment = Attachment.objects.get()
    key = f"private/{attachment.file.name}"
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"]["Type"] == "Group"] == []
    url = attachment.file.url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    bare = url.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bare, timeout=5)
    assert refused.value.code == 403
    with urllib.request.urlopen(url, timeout=5) as signed:  # the signed URL, for 300 seconds
        assert signed.read() == PNG


def test_any_file_field_on_the_default_storage_goes_to_the_bucket(s3):
    name = storages["default"].save("imports/名簿.csv", SimpleUploadedFile("x", b"a,b\n1,2\n"))
    assert s3.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"a,b\n1,2\n"
    assert "X-Amz-Signature=" in storages["default"].url(name)
