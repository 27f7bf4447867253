"""What the vendor said: the answers of the vendor's latest submitted pre-audit questionnaire on
the same checklist (by its code, any version), shown beside each question of the workspace, of
the questionnaire's own assessment and of later audits of the vendor. Drafts the vendor has not
submitted are theirs alone. The portal writes questionnaires (portal/questionnaires.py)."""

from .models import Assessment, Questionnaire, VendorAnswer


def latest_submitted(assessment: Assessment) -> Questionnaire | None:
    """The vendor's latest submitted questionnaire on this checklist's code, as of this
    assessment: its own, or one submitted before it was approved when it is approved."""
    found = Questionnaire.objects.filter(
        assessment__vendor_id=assessment.vendor_id,
        assessment__checklist__code=assessment.checklist.code,
        submitted_at__isnull=False,
    ).exclude(assessment__status=Assessment.Status.CANCELLED)
    if assessment.approved_at is not None:
        found = found.filter(submitted_at__lte=assessment.approved_at)
    return found.select_related("assessment", "submitted_by").order_by("-submitted_at", "-pk").first()


def vendor_answers(assessment: Assessment) -> tuple[Questionnaire | None, dict[str, VendorAnswer]]:
    """The questionnaire and its answers by question code (empty when there is none)."""
    questionnaire = latest_submitted(assessment)
    if questionnaire is None:
        return None, {}
    answers = (
        VendorAnswer.objects.filter(questionnaire=questionnaire)
        .select_related("question", "answered_by")
        .prefetch_related("evidence")
    )
    return questionnaire, {a.question.code: a for a in answers}
