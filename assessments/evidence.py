"""Evidence files: checked on the way in (size, type), hashed (SHA-256), stored privately under
a random name, served only through a permission check, and removed only by their uploader while
the reviewer has not seen them (`remove`). A tablet's photo in HEIC is kept as it came (the hash is
of that original) with a JPEG preview beside it that every browser shows; short video clips are
taken up to their own size limit. An upload may carry an id chosen by the browser (`upload_id`):
sent again, it is answered with the file already stored, never stored twice."""

import io
import mimetypes
import uuid
from pathlib import PurePath

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from PIL import Image, ImageOps

from checklists.models import Question
from config.exceptions import ConflictError, InvalidInput

from . import workflow
from .exceptions import NotPermitted, RecordLocked
from .models import Answer, Evidence

MAX_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
# A short clip of a walk-through is larger than a document, and bounded all the same.
VIDEO_MAX_BYTES = getattr(settings, "EVIDENCE_VIDEO_MAX_BYTES", 60 * 1024 * 1024)
PREVIEW_MAX_PIXELS = 2048  # the longer side of a HEIC photo's JPEG preview
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
}
VIDEO = {".mp4", ".mov"}
# ISO base media files (HEIC, MP4, QuickTime) say what they are in the brand of their first box:
# bytes 4-8 are "ftyp", bytes 8-12 the major brand.
BRANDS = {
    ".heic": {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"},
    ".heif": {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"},
    ".mp4": {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"},
    ".mov": {b"qt  "},
}
# The first bytes of the other binary formats, so that a renamed executable is not taken for a PDF.
MAGIC = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".pptx": b"PK\x03\x04",
}


class EvidenceTooLarge(InvalidInput):
    """The API answers 413."""

    status_code = 413


def looks_like(suffix: str, head: bytes) -> bool:
    """Whether the first bytes of a file are those of its type (true for the text types)."""
    if suffix in BRANDS:
        return head[4:8] == b"ftyp" and head[8:12] in BRANDS[suffix]
    return suffix not in MAGIC or head.startswith(MAGIC[suffix])


def check_file(upload) -> str:
    """The content type to store, or InvalidInput saying what is wrong with the file."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    limit, what = (VIDEO_MAX_BYTES, "for a video clip ") if suffix in VIDEO else (MAX_BYTES, "")
    if upload.size > limit:
        raise EvidenceTooLarge(
            {"file": [f"{name} is {upload.size / 1e6:.1f} MB; the limit {what}is {limit / 1e6:.0f} MB."]}
        )
    if suffix not in ALLOWED:
        raise InvalidInput(
            {
                "file": [
                    f"{name}: files of type '{suffix or 'none'}' are not accepted; "
                    f"use one of {', '.join(sorted(ALLOWED))}."
                ]
            }
        )
    head = upload.read(16)
    upload.seek(0)
    if not looks_like(suffix, head):
        raise InvalidInput({"file": [f"{name} does not look like a {suffix} file."]})
    if upload.size == 0:
        raise InvalidInput({"file": [f"{name} is empty."]})
    return ALLOWED[suffix]


def parse_upload_id(value) -> uuid.UUID | None:
    """The upload id a client sent (a UUID), None when it sent none, or InvalidInput."""
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput({"upload_id": [f"'{value}' is not an upload id: send a UUID, or nothing."]}) from None


def earlier_upload(assessment, user, question_code: str, upload_id: uuid.UUID | None) -> Evidence | None:
    """The file already stored under `upload_id`, when this upload is a repeat of it; ConflictError
    when the id is that of someone else's file or of another question (a client reusing ids)."""
    if upload_id is None:
        return None
    earlier = Evidence.objects.filter(upload_id=upload_id).select_related("answer__question").first()
    if earlier is None:
        return None
    if (
        earlier.answer.assessment_id != assessment.pk
        or earlier.answer.question.code != question_code
        or earlier.uploaded_by_id != user.pk
    ):
        raise ConflictError(f"The upload id {upload_id} belongs to another file; send this one with a new id.")
    earlier.repeat = True
    return earlier


@transaction.atomic
def attach(assessment, user, question_code: str, upload, reason: str = "", upload_id=None) -> Evidence:
    """Store `upload` on the question's answer (created when there is none yet). With an
    `upload_id` already stored, nothing is stored again: the earlier file is returned, with
    `repeat` set, so that a replayed or retried upload is answered as the first time."""
    workflow.check_editable(assessment, user, reason)
    question = Question.objects.filter(checklist_id=assessment.checklist_id, code=question_code).first()
    if question is None:
        raise InvalidInput({"question": [f"No question {question_code} in {assessment.checklist}."]})
    upload_id = parse_upload_id(upload_id)
    earlier = earlier_upload(assessment, user, question_code, upload_id)
    if earlier is not None:
        return earlier
    content_type = check_file(upload)
    answer, _ = Answer.objects.get_or_create(
        assessment=assessment, question=question, defaults={"updated_by": user, "version": 1}
    )
    item = Evidence(
        answer=answer,
        original_name=PurePath(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=Evidence.digest(upload),
        uploaded_by=user,
        upload_id=upload_id,
    )
    preview = jpeg_preview(upload) if content_type in ("image/heic", "image/heif") else None
    item.file.save("evidence", upload, save=False)
    if preview is not None:
        item.preview.save("preview", preview, save=False)
    item._change_reason = reason
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # The same upload sent twice at once: the other request stored it first.
        earlier = earlier_upload(assessment, user, question_code, upload_id)
        if earlier is None:
            raise
        return earlier
    item.repeat = False
    return item


def jpeg_preview(upload) -> ContentFile:
    """A JPEG of a HEIC photo, upright and at most PREVIEW_MAX_PIXELS on its longer side; a file
    that passes the type check but cannot be decoded is refused, not stored."""
    pillow_heif.register_heif_opener()
    try:
        with Image.open(upload) as image:
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except Exception as exc:  # libheif's errors have no common class of their own
        name = PurePath(upload.name or "").name
        raise InvalidInput({"file": [f"{name} cannot be read as a HEIC photo ({exc})."]}) from exc
    finally:
        upload.seek(0)
    picture.thumbnail((PREVIEW_MAX_PIXELS, PREVIEW_MAX_PIXELS))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name="preview.jpg")


def removal_problem(item: Evidence, user) -> str:
    """Why `user` may not remove `item` now, or "" when they may: only its uploader, and only
    while the QA reviewer has not seen it (before the first submission, or uploaded since the
    last one). The other conditions (on the team, content open, a reason once submitted) are
    those of every change, `workflow.check_editable`."""
    assessment = item.answer.assessment
    if item.uploaded_by_id != user.pk:
        return f"Only {item.uploaded_by.full_name}, who uploaded {item.original_name}, may remove it."
    if assessment.submitted_at is not None and item.uploaded_at <= assessment.submitted_at:
        return (
            f"{item.original_name} was part of the record submitted for review: it stays; "
            "attach a corrected file instead and say why in a comment."
        )
    return ""


def may_remove(item: Evidence, user) -> bool:
    """For pages: whether to offer the remove button."""
    return workflow.may_edit(item.answer.assessment, user) and not removal_problem(item, user)


@transaction.atomic
def remove(item: Evidence, user, reason: str = "") -> None:
    """The uploader removes their own evidence before the reviewer has seen it. The audit trail
    keeps the deleted row (its original name, size, SHA-256, stored path and uploader), with the
    person and the reason; the stored file is kept too, so that the trail's hash can still be
    checked against it."""
    assessment = item.answer.assessment
    workflow.check_editable(assessment, user, reason)
    problem = removal_problem(item, user)
    if problem:
        raise (NotPermitted if item.uploaded_by_id != user.pk else RecordLocked)(problem)
    item._change_reason = reason or f"Evidence {item.original_name} removed by its uploader."
    item.delete()


def wants_preview(request) -> bool:
    """`?preview=1` (or true, yes) on a download asks for the preview instead of the original."""
    return request.GET.get("preview", "").lower() in ("1", "true", "yes", "on")


def file_response(item: Evidence, preview: bool = False) -> FileResponse:
    """The stored original, as an attachment; with `preview`, the JPEG preview of a HEIC photo,
    shown in the page (404 when the file has none)."""
    if preview:
        if not item.preview:
            raise Http404(f"{item.original_name} has no preview.")
        response = FileResponse(
            item.preview.open("rb"),
            as_attachment=False,
            filename=f"{PurePath(item.original_name).stem}-preview.jpg",
            content_type="image/jpeg",
        )
    else:
        response = FileResponse(
            item.file.open("rb"),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type or mimetypes.guess_type(item.original_name)[0],
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
