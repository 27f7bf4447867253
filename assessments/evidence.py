"""Evidence files: checked on the way in (size, type), hashed (SHA-256), stored privately under
a random name, served only through a permission check, and removed only by their uploader while
the reviewer has not seen them (`remove`)."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.http import FileResponse

from checklists.models import Question
from config.exceptions import InvalidInput

from . import workflow
from .exceptions import NotPermitted, RecordLocked
from .models import Answer, Evidence

MAX_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
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
}
# The first bytes of the binary formats, so that a renamed executable is not taken for a PDF.
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


def check_file(upload) -> str:
    """The content type to store, or InvalidInput saying what is wrong with the file."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if upload.size > MAX_BYTES:
        raise EvidenceTooLarge(
            {"file": [f"{name} is {upload.size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB."]}
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
    head = upload.read(8)
    upload.seek(0)
    if suffix in MAGIC and not head.startswith(MAGIC[suffix]):
        raise InvalidInput({"file": [f"{name} does not look like a {suffix} file."]})
    if upload.size == 0:
        raise InvalidInput({"file": [f"{name} is empty."]})
    return ALLOWED[suffix]


@transaction.atomic
def attach(assessment, user, question_code: str, upload, reason: str = "") -> Evidence:
    workflow.check_editable(assessment, user, reason)
    question = Question.objects.filter(checklist_id=assessment.checklist_id, code=question_code).first()
    if question is None:
        raise InvalidInput({"question": [f"No question {question_code} in {assessment.checklist}."]})
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
    )
    item.file.save("evidence", upload, save=False)
    item._change_reason = reason
    item.save()
    return item


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


def file_response(item: Evidence) -> FileResponse:
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type or mimetypes.guess_type(item.original_name)[0],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
