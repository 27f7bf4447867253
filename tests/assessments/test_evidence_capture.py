"""Evidence from a tablet: a HEIC photo is kept as it came (hashed as such) with a JPEG preview the
browser shows; short video clips are taken up to their own size limit; the type and magic checks
hold for the new types as for the old."""

import hashlib
import io

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assessments import evidence
from assessments.models import Evidence
from audit.models import AuditEntry

CODE = "D.3"


def heic_photo(width=3000, height=1000, colour=(200, 30, 30)) -> bytes:
    """A real HEIC file, encoded by libheif, as an iPad's camera makes them."""
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="HEIF", quality=60)
    return out.getvalue()


def mp4_clip(size=4096) -> bytes:
    """The first box of an MP4 (`ftyp`, brand isom) followed by media bytes."""
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * (size - 24)


def post(client, assessment, name, content):
    return client.post(
        f"/api/assessments/{assessment.pk}/answers/{CODE}/evidence/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_a_heic_photo_is_kept_as_it_came_with_a_jpeg_preview(auditor_api, assessment, auditor, private_media):
    photo = heic_photo()
    response = post(auditor_api, assessment, "IMG_0042.HEIC", photo)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "image/heic" and body["size"] == len(photo)
    assert body["sha256"] == hashlib.sha256(photo).hexdigest()  # the original's hash, not the preview's
    assert body["preview"].endswith(f"/api/evidence/{body['id']}/download/?preview=1")

    item = Evidence.objects.get(pk=body["id"])
    assert open(item.file.path, "rb").read() == photo
    original = auditor_api.get(f"/api/evidence/{item.pk}/download/")
    assert original.status_code == 200 and b"".join(original.streaming_content) == photo
    assert "attachment" in original["Content-Disposition"]

    preview = auditor_api.get(body["preview"])
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    assert "inline" in preview["Content-Disposition"] and "IMG_0042-preview.jpg" in preview["Content-Disposition"]
    with Image.open(io.BytesIO(b"".join(preview.streaming_content))) as jpeg:
        assert jpeg.format == "JPEG"
        assert max(jpeg.size) == evidence.PREVIEW_MAX_PIXELS and jpeg.size[0] > jpeg.size[1]  # scaled, upright
        red, green, blue = jpeg.convert("RGB").getpixel((10, 10))
        assert red > 150 and green < 80 and blue < 80

    entry = AuditEntry.objects.get(content_type__model="evidence", object_pk=str(item.pk))
    assert entry.actor == auditor and entry.changes["sha256"][1] == body["sha256"]


def test_the_workspace_shows_the_preview_and_offers_the_camera(client, assessment, auditor, private_media):
    item = evidence.attach(assessment, auditor, CODE, SimpleUploadedFile("bench.heic", heic_photo(400, 300)))
    client.force_login(auditor)
    page = client.get(f"/assessments/{assessment.pk}/?criterion=D").content.decode()
    assert f'src="/evidence/{item.pk}/download/?preview=1"' in page and 'alt="Preview of bench.heic"' in page
    assert 'capture="environment"' in page and 'accept="image/*,video/*"' in page
    shown = client.get(f"/evidence/{item.pk}/download/?preview=1")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"


def test_other_files_have_no_preview(lead_api, assessment, private_media):
    body = post(lead_api, assessment, "record.pdf", b"%PDF-1.4 a record").json()
    assert body["preview"] is None
    assert lead_api.get(f"/api/evidence/{body['id']}/download/?preview=1").status_code == 404
    assert lead_api.get(f"/api/evidence/{body['id']}/download/").status_code == 200


def test_a_short_clip_is_taken_up_to_the_video_limit(lead_api, assessment, private_media, monkeypatch):
    monkeypatch.setattr(evidence, "VIDEO_MAX_BYTES", 8192)
    monkeypatch.setattr(evidence, "MAX_BYTES", 2048)  # a clip has a limit of its own, above a document's
    clip = post(lead_api, assessment, "walkthrough.mp4", mp4_clip(4096))
    assert clip.status_code == 201, clip.json()
    assert clip.json()["content_type"] == "video/mp4" and clip.json()["preview"] is None
    quicktime = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 100
    assert post(lead_api, assessment, "IMG_0043.MOV", quicktime).status_code == 201
    too_long = post(lead_api, assessment, "long.mp4", mp4_clip(9000))
    assert too_long.status_code == 413 and "limit for a video clip is" in too_long.json()["file"][0]
    assert post(lead_api, assessment, "big.pdf", b"%PDF-1.4" + b"0" * 3000).status_code == 413
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("photo.heic", b"%PDF-1.4 not a photo at all", "does not look like a .heic file"),
        ("photo.heic", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "does not look like a .heic file"),
        ("photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x07" * 64, "cannot be read as a HEIC"),
        ("clip.mp4", b"MZ\x90\x00\x03\x00\x00\x00 an executable", "does not look like a .mp4 file"),
        ("clip.mov", mp4_clip(64), "does not look like a .mov file"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_kept(
    lead_api, assessment, private_media, name, content, says
):
    response = post(lead_api, assessment, name, content)
    assert response.status_code == 400 and says in response.json()["file"][0], response.json()
    assert Evidence.objects.count() == 0
    assert not [p for p in private_media.rglob("*") if p.is_file()]
