"""Builders of an assessment at each step of its lifecycle, through the rule modules (as the
pages and the API reach them), for the tests of the rules themselves."""

from django.test import RequestFactory

from assessments import answers, signatures, workflow
from assessments.models import Assessment
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers


def fresh(assessment) -> Assessment:
    """The assessment as stored now (the rule modules read it again too)."""
    return Assessment.objects.select_related("vendor", "checklist").get(pk=assessment.pk)


def sign(assessment, user, meaning, **kwargs):
    return signatures.sign(fresh(assessment), user, meaning, PASSWORD, request=RequestFactory().post("/"), **kwargs)


def completed(assessment, user) -> Assessment:
    """Started, every question answered compliantly and the evidence the checklist requires
    attached by `user`: nothing blocks its submission."""
    if assessment.status == Assessment.Status.PLANNED:
        workflow.start(assessment, user)
    answers.save_answers(assessment, user, compliant_answers(assessment.checklist))
    attach_required_evidence(assessment, user)
    return fresh(assessment)


def submitted(assessment, lead) -> Assessment:
    """Completed by the lead and submitted."""
    completed(assessment, lead)
    return workflow.submit(fresh(assessment), lead)


def performed(assessment, lead) -> Assessment:
    """Submitted and signed "performed" by its lead: the reviewer may approve it."""
    submitted(assessment, lead)
    sign(assessment, lead, "performed")
    return fresh(assessment)


def approved(assessment, lead, reviewer, **kwargs) -> Assessment:
    """Performed, then signed "approved" by the assigned reviewer."""
    performed(assessment, lead)
    sign(assessment, reviewer, "approved", **kwargs)
    return fresh(assessment)
