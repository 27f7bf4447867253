"""A comment sent again with the id the browser chose for it (written offline and replayed, a
retry after a lost reply) is stored once, through the rule module and the page."""

import uuid

import pytest

from assessments import answers, comments, workflow
from assessments.models import QuestionComment
from audit.models import AuditEntry
from config.exceptions import ConflictError, InvalidInput
from tests.factories import attach_required_evidence, compliant_answers

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def thread(assessment, lead_auditor, reviewer, checklist, private_media):
    """A submitted assessment with a reviewer's question on B.1."""
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)
    return comments.comment(assessment, reviewer, "B.1", "Which batch records were seen?")


def test_the_same_client_id_stores_the_comment_once(assessment, auditor, thread):
    client_id = str(uuid.uuid4())
    first = comments.comment(
        assessment, auditor, "B.1", "Batches 2301 to 2312.", reply_to=thread.pk, client_id=client_id
    )
    entries = AuditEntry.objects.filter(content_type__model="questioncomment").count()
    again = comments.comment(
        assessment, auditor, "B.1", "Batches 2301 to 2312.", reply_to=thread.pk, client_id=client_id
    )
    assert again.pk == first.pk and first.client_id == uuid.UUID(client_id)
    assert QuestionComment.objects.filter(reply_to=thread).count() == 1
    assert AuditEntry.objects.filter(content_type__model="questioncomment").count() == entries


def test_new_ids_or_none_store_each_comment(assessment, auditor, thread):
    for client_id in (None, None, str(uuid.uuid4()), str(uuid.uuid4())):
        comments.comment(assessment, auditor, "B.1", "Seen.", reply_to=thread.pk, client_id=client_id)
    assert QuestionComment.objects.filter(reply_to=thread).count() == 4


def test_an_id_reused_elsewhere_or_not_a_uuid_is_refused(assessment, auditor, lead_auditor, thread):
    client_id = str(uuid.uuid4())
    comments.comment(assessment, auditor, "B.1", "Seen.", reply_to=thread.pk, client_id=client_id)
    with pytest.raises(ConflictError, match="belongs to another comment"):
        comments.comment(assessment, lead_auditor, "B.1", "Seen.", reply_to=thread.pk, client_id=client_id)
    with pytest.raises(InvalidInput) as caught:
        comments.comment(assessment, auditor, "B.1", "Seen.", reply_to=thread.pk, client_id="note-1")
    assert "client_id" in caught.value.errors
    assert QuestionComment.objects.filter(reply_to=thread).count() == 1


def test_the_page_stores_a_replayed_comment_once(client, assessment, auditor, thread):
    client.force_login(auditor)
    url = f"/assessments/{assessment.pk}/answers/B.1/comments/"
    body = {"body": "Batches 2301 to 2312.", "reply_to": thread.pk, "client_id": str(uuid.uuid4())}
    for _ in range(2):
        response = client.post(url, body, **HTMX)
        assert response.status_code == 200
        assert response.content.decode().count("Batches 2301 to 2312.") == 1
    assert QuestionComment.objects.filter(reply_to=thread).count() == 1
