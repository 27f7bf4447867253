"""Who may see and do what with one assessment and its parts; registered with django-rules, so
that views, the API and the admin all ask `user.has_perm(name, assessment)`. The role
predicates come from accounts/permissions.py."""

import rules
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404

from accounts.permissions import is_lead_auditor, is_quality_admin, is_quality_staff, is_reviewer
from audit.models import AuditEntry

from . import memo
from .models import Answer, Assessment, Evidence, Finding, MinorFindingsReview
from .models.assessments import SUBMITTED_ONCE
from .record import NARRATIVE_FIELDS

#: The parts of the record whose authors may never approve it or verify its corrective actions;
#: and the report's narrative, fields of the assessment itself (NARRATIVE_FIELDS).
AUTHORED_PARTS = (Answer, Evidence, Finding, MinorFindingsReview)


def contributor_ids(assessment) -> set[int]:
    """Everyone who wrote any part of the record (21 CFR 11.10(g), Annex 11 §12): the last
    writer kept on each row, and every earlier writer the audit trail names (of the narrative,
    only the trail knows), so that a change overwritten later, or a user taken off the team,
    still counts. Worked out once per request (assessments/memo.py)."""
    if assessment is None or assessment.pk is None:
        return set()
    return set(memo.remember(assessment, "contributors", lambda: _contributor_ids(assessment)))


def _contributor_ids(assessment) -> frozenset[int]:
    ids = set(Answer.objects.filter(assessment=assessment).values_list("updated_by_id", flat=True))
    ids |= set(Evidence.objects.filter(answer__assessment=assessment).values_list("uploaded_by_id", flat=True))
    ids |= set(Finding.objects.filter(assessment=assessment).values_list("created_by_id", flat=True))
    ids |= set(MinorFindingsReview.objects.filter(assessment=assessment).values_list("decided_by_id", flat=True))
    types = ContentType.objects.get_for_models(*AUTHORED_PARTS).values()
    wrote = Q(content_type__in=types) | Q(
        content_type=ContentType.objects.get_for_model(Assessment), changes__has_any_keys=list(NARRATIVE_FIELDS)
    )
    ids |= set(
        AuditEntry.objects.filter(wrote, assessment_id=assessment.pk, actor__isnull=False)
        .order_by()  # the trail's ordering by time would make DISTINCT one row per entry
        .values_list("actor_id", flat=True)
        .distinct()
    )
    ids.discard(None)
    return frozenset(ids)


# Who may see and do what with one assessment. `AssessmentQuerySet.visible_to` must agree with
# `view_assessment`: lists are filtered, and a user who may not see an assessment gets 404.


@rules.predicate
def is_on_audit_team(user, assessment):
    if assessment is None:
        return False
    return user.pk in assessment.team_ids()


@rules.predicate
def is_lead_of(user, assessment):
    return assessment is not None and assessment.lead_auditor_id == user.pk


@rules.predicate
def is_assigned_reviewer(user, assessment):
    return assessment is not None and assessment.reviewer_id == user.pk


@rules.predicate
def is_independent_of(user, assessment):
    """Neither the lead, nor on the team, nor an author of any answer, evidence or finding."""
    return (
        assessment is not None and user.pk not in assessment.team_ids() and user.pk not in contributor_ids(assessment)
    )


@rules.predicate
def reviewer_may_see(user, assessment):
    return assessment is not None and (assessment.status in SUBMITTED_ONCE or assessment.reviewer_id == user.pk)


#: On the record's audit team (the lead included) and still in the quality organisation: a user
#: whose roles were taken away keeps no power over the assessments they worked on.
is_team_member = is_quality_staff & is_on_audit_team
can_view_assessment = is_quality_admin | is_team_member | (is_reviewer & reviewer_may_see)
rules.add_perm("assessments", is_quality_staff)
rules.add_perm("assessments.view_assessment", can_view_assessment)
rules.add_perm("assessments.add_assessment", is_lead_auditor | is_quality_admin)
rules.add_perm("assessments.change_assessment", (is_lead_auditor & is_lead_of) | is_quality_admin)
rules.add_perm("assessments.delete_assessment", rules.always_deny)
rules.add_perm("assessments.edit_assessment_content", is_team_member)
rules.add_perm("assessments.submit_assessment", is_quality_staff & is_lead_of)
#: Separation of duties: the assigned reviewer approves, returns and signs "reviewed", and only
#: while independent of the record; an administrator reassigns the review (planning.py).
can_review = is_reviewer & is_assigned_reviewer & is_independent_of
rules.add_perm("assessments.review_assessment", can_review)
rules.add_perm("assessments.reopen_assessment", (can_review | is_quality_admin) & is_independent_of)
#: Effectiveness checks are QA's: any reviewer independent of the record, assigned or not (an
#: action is often verified months later, by whoever is on duty in QA).
rules.add_perm("assessments.verify_action", is_reviewer & is_independent_of)
rules.add_perm("assessments.cancel_assessment", (is_quality_staff & is_lead_of) | is_quality_admin)
# Corrective actions are followed up after approval by whoever may see the assessment.
rules.add_perm("assessments.follow_up_action", is_team_member | (is_reviewer & reviewer_may_see) | is_quality_admin)
#: Comments per question: a QA reviewer who may see the assessment asks; the audit team and the
#: reviewers answer in the thread (assessments/comments.py).
rules.add_perm("assessments.open_comment", is_reviewer & reviewer_may_see)
rules.add_perm("assessments.reply_comment", is_team_member | (is_reviewer & reviewer_may_see))
for _model in (
    "answer",
    "evidence",
    "finding",
    "correctiveaction",
    "minorfindingsreview",
    "signature",
    "questioncomment",
    "scoreatapproval",
):
    # Parts of an assessment are reached through it (API, pages); these gate only the admin's
    # lists, which span every assessment, so they are for quality administrators alone: a QA
    # reviewer sees submitted assessments, not the findings of work still in progress.
    rules.add_perm(f"assessments.view_{_model}", is_quality_admin)
    rules.add_perm(f"assessments.add_{_model}", rules.always_deny)
    rules.add_perm(f"assessments.change_{_model}", rules.always_deny)
    rules.add_perm(f"assessments.delete_{_model}", rules.always_deny)


def visible_part_or_404(queryset, user, pk, assessment_of):
    """A finding, action, evidence file or report whose assessment `user` may see; otherwise
    404, exactly as for the assessment itself, so that nothing tells an outsider it exists."""
    obj = queryset.filter(pk=pk).first()
    if obj is None or not user.has_perm("assessments.view_assessment", assessment_of(obj)):
        raise Http404("Not found.")
    return obj
