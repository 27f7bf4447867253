"""Notifications and their e-mails in the language the recipient reads: a person who chose
zh-hans is told in Simplified Chinese, one who did not in English, each in their own row of the
same event; what people typed (a reason) is kept as typed."""

import pytest
from django.core import mail

from assessments import workflow
from notifications import delivery, reminders
from notifications.models import Notification, Preference
from tests.helpers import records

pytestmark = pytest.mark.django_db


def reads(user, language, email):
    user.language, user.email = language, email
    user.save(update_fields=["language", "email"])


def test_the_reviewer_who_reads_chinese_is_told_and_emailed_in_chinese(assessment, lead_auditor, reviewer, monkeypatch):
    monkeypatch.setattr("notifications.tasks.deliver.delay", lambda pk: None)
    reads(reviewer, "zh-hans", "reviewer@example.com")
    records.completed(assessment, lead_auditor)
    workflow.submit(records.fresh(assessment), lead_auditor)

    row = Notification.objects.get(event="submitted", recipient=reviewer)
    assert row.subject == f"{assessment.reference}: {assessment.vendor.name} 等待您审核"
    assert row.body == f"{lead_auditor.full_name} 已提交 {assessment.reference}: {assessment.vendor.name}，请您审核。"
    assert delivery.send(row.pk) is True
    (message,) = mail.outbox
    assert message.subject == row.subject
    assert f"{reviewer.full_name}，您好：" in message.body and "您的通知及其邮件发送方式" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and '<html lang="zh-hans">' in html and "在系统中打开" in html
    assert "Hello" not in message.body and "Open in the application" not in html


def test_each_person_of_one_event_reads_it_in_their_own_language(assessment, lead_auditor, auditor, reviewer):
    reads(lead_auditor, "zh-hans", "lead@example.com")
    records.performed(assessment, lead_auditor)
    workflow.return_for_rework(records.fresh(assessment), reviewer, reason="Attach the batch record of lot 7.")
    returned = Notification.objects.get(event="returned", recipient=lead_auditor)
    assert returned.subject == f"{assessment.reference}: {assessment.vendor.name} 已被退回整改"
    assert returned.body.endswith("理由：Attach the batch record of lot 7.")  # the reason as typed

    workflow.submit(records.fresh(assessment), lead_auditor, response="Batch record of lot 7 attached.")
    records.sign(assessment, reviewer, "approved")
    what = f"{assessment.reference}: {assessment.vendor.name}"
    assert Notification.objects.get(event="approved", recipient=lead_auditor).subject == f"{what} 已批准"
    assert Notification.objects.get(event="approved", recipient=auditor).subject == f"{what} is approved"


def test_the_digest_subject_follows_the_persons_language(assessment, lead_auditor, reviewer, monkeypatch):
    monkeypatch.setattr("notifications.tasks.deliver.delay", lambda pk: None)
    reads(reviewer, "zh-hans", "reviewer@example.com")
    Preference.objects.create(user=reviewer, delivery=Preference.Delivery.DAILY)
    records.completed(assessment, lead_auditor)
    workflow.submit(records.fresh(assessment), lead_auditor)
    assert reminders.scan()["digests"] == 1
    (digest,) = mail.outbox
    assert digest.subject == "您的每日摘要：1 条通知"
