"""Who may see and do what with one assessment and its parts; registered with django-rules, so
that views, the API and the admin all ask `user.has_perm(name, assessment)`. The role
predicates come from accounts/permissions.py."""

import rules
from django.http import Http404

from accounts.permissions import is_lead_auditor, is_quality_admin, is_quality_staff, is_reviewer

from .models.assessments import SUBMITTED_ONCE

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
rules.add_perm("assessments.review_assessment", is_reviewer & ~is_on_audit_team)
rules.add_perm("assessments.reopen_assessment", is_reviewer & ~is_on_audit_team)
rules.add_perm("assessments.cancel_assessment", (is_quality_staff & is_lead_of) | is_quality_admin)
# Corrective actions are followed up after approval by whoever may see the assessment.
rules.add_perm("assessments.follow_up_action", is_team_member | (is_reviewer & reviewer_may_see) | is_quality_admin)
for _model in ("answer", "evidence", "finding", "correctiveaction", "minorfindingsreview", "signature"):
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
