"""Who may do what: the one place for roles and object permissions.

Views, the API (`accounts.api.permissions`) and the admin all ask `user.has_perm(name, obj)`,
which django-rules answers from the rules registered here. Roles are groups (accounts/roles.py).
"""
import rules

from .roles import Role


def has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_auditor = has_role(Role.AUDITOR)
is_lead_auditor = has_role(Role.LEAD_AUDITOR)
is_reviewer = has_role(Role.REVIEWER)


@rules.predicate
def is_quality_admin(user):
    return bool(user and user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(Role.ADMIN)))


#: Staff of the quality organisation. Vendor contacts are users too, but see nothing yet.
is_quality_staff = is_auditor | is_lead_auditor | is_reviewer | is_quality_admin

# --- Users ----------------------------------------------------------------------------------
rules.add_perm("accounts.view_user", is_quality_staff)
rules.add_perm("accounts.add_user", is_quality_admin)
rules.add_perm("accounts.change_user", is_quality_admin)
# Users are deactivated, never deleted: their signatures and audit-trail entries must stay theirs.
rules.add_perm("accounts.delete_user", rules.always_deny)
# Roles are the groups of accounts/roles.py, matched by name: quality administrators see them and
# put users in them (accounts.change_user), but do not rename a role or give a group Django model
# permissions, which ModelBackend would add to these rules (a way around them). Superusers only.
rules.add_perm("auth.view_group", is_quality_admin)
rules.add_perm("auth.change_group", rules.always_deny)

# Log-in lock-outs (django-axes): quality administrators see the failed log-ins, who is locked out
# from which address and until when, and lift a lock-out early by deleting its access attempt.
# The failure and access logs are read-only for everyone.
rules.add_perm("axes.view_accessattempt", is_quality_admin)
rules.add_perm("axes.delete_accessattempt", is_quality_admin)
rules.add_perm("axes.view_accessfailurelog", is_quality_admin)
rules.add_perm("axes.view_accesslog", is_quality_admin)
rules.add_perm("axes", is_quality_admin)

# --- Vendor registry ------------------------------------------------------------------------
VENDOR_MODELS = ("vendor", "site", "gmpcertificate", "contact", "contract", "industryevent",
                 "serviceline", "modality", "therapeuticarea")
for _model in VENDOR_MODELS:
    rules.add_perm(f"vendors.view_{_model}", is_quality_staff)
    rules.add_perm(f"vendors.add_{_model}", is_quality_admin)
    rules.add_perm(f"vendors.change_{_model}", is_quality_admin)
    rules.add_perm(f"vendors.delete_{_model}", is_quality_admin)
rules.add_perm("vendors", is_quality_staff)
rules.add_perm("accounts", is_quality_admin)

# --- Checklists (the lock of published versions lives in the model, not here) ----------------
for _model in ("checklist", "criterion", "question"):
    rules.add_perm(f"assessments.view_{_model}", is_quality_staff)
    rules.add_perm(f"assessments.add_{_model}", is_quality_admin)
    rules.add_perm(f"assessments.change_{_model}", is_quality_admin)
    rules.add_perm(f"assessments.delete_{_model}", is_quality_admin)
rules.add_perm("assessments", is_quality_staff)

# --- Assessments ----------------------------------------------------------------------------
# Who may see and do what with one assessment. `visible_assessments` below must agree with
# `view_assessment`: lists are filtered, and a user who may not see an assessment gets 404.
SUBMITTED_ONCE = ("submitted", "returned", "approved")


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


def visible_assessments(user, queryset=None):
    """The assessments `user` may see: the list-level twin of `view_assessment`."""
    from django.db.models import Q

    from assessments.models import Assessment

    queryset = Assessment.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if is_quality_admin(user):
        return queryset
    condition = Q(pk__in=[])
    if is_quality_staff(user):
        condition |= Q(lead_auditor=user) | Q(audit_team=user)
    if is_reviewer(user):
        condition |= Q(status__in=SUBMITTED_ONCE) | Q(reviewer=user)
    return queryset.filter(pk__in=queryset.filter(condition).values("pk"))


# --- Audit trail: read-only for everyone; readable per assessment by whoever sees it ---------
# (GET /api/assessments/{id}/history/). The whole trail, in the admin, spans every assessment:
# quality administrators only.
rules.add_perm("audit.view_auditentry", is_quality_admin)
rules.add_perm("audit", is_quality_admin)


def visible_part_or_404(queryset, user, pk, assessment_of):
    """A finding, action, evidence file or report whose assessment `user` may see; otherwise
    404, exactly as for the assessment itself, so that nothing tells an outsider it exists."""
    from django.http import Http404

    obj = queryset.filter(pk=pk).first()
    if obj is None or not user.has_perm("assessments.view_assessment", assessment_of(obj)):
        raise Http404("Not found.")
    return obj
