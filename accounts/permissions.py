"""Who may do what: the role predicates and the rules of users, registry, checklists, audit trail.

Views, the API (`accounts.api.permissions`) and the admin all ask `user.has_perm(name, obj)`,
which django-rules answers from the rules registered here and, for the records of one
assessment, in assessments/permissions.py. Roles are groups (accounts/roles.py).
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
VENDOR_MODELS = (
    "vendor",
    "site",
    "gmpcertificate",
    "contact",
    "contract",
    "industryevent",
    "capability",
    "serviceline",
    "modality",
    "therapeuticarea",
)
for _model in VENDOR_MODELS:
    rules.add_perm(f"vendors.view_{_model}", is_quality_staff)
    rules.add_perm(f"vendors.add_{_model}", is_quality_admin)
    rules.add_perm(f"vendors.change_{_model}", is_quality_admin)
    rules.add_perm(f"vendors.delete_{_model}", is_quality_admin)
rules.add_perm("vendors", is_quality_staff)
rules.add_perm("accounts", is_quality_admin)
# The approved supplier list changes only by decisions (vendors/qualification.py): disqualifying
# and reinstating are a quality administrator's, signed. The history of decisions names the
# deciding assessments and the reasons they were reopened, so it is for quality administrators,
# who see every assessment; it is written by that module alone.
rules.add_perm("vendors.disqualify_vendor", is_quality_admin)
rules.add_perm("vendors.reinstate_vendor", is_quality_admin)
rules.add_perm("vendors.view_qualificationdecision", is_quality_admin)
# Quality agreements are written once (vendors/agreements.py): a revision is a new version.
rules.add_perm("vendors.view_qualityagreement", is_quality_staff)
rules.add_perm("vendors.add_qualityagreement", is_quality_admin)
rules.add_perm("vendors.change_qualityagreement", rules.always_deny)
rules.add_perm("vendors.delete_qualityagreement", rules.always_deny)
for _verb in ("add", "change", "delete"):
    rules.add_perm(f"vendors.{_verb}_qualificationdecision", rules.always_deny)

# --- Checklists (the lock of published versions lives in the model, not here) ----------------
for _model in ("checklist", "criterion", "question"):
    rules.add_perm(f"checklists.view_{_model}", is_quality_staff)
    rules.add_perm(f"checklists.add_{_model}", is_quality_admin)
    rules.add_perm(f"checklists.change_{_model}", is_quality_admin)
    rules.add_perm(f"checklists.delete_{_model}", is_quality_admin)
rules.add_perm("checklists", is_quality_staff)

# --- Audit trail: read-only for everyone; readable per assessment by whoever sees it ---------
# (GET /api/assessments/{id}/history/). The whole trail, in the admin, spans every assessment:
# quality administrators only.
rules.add_perm("audit.view_auditentry", is_quality_admin)
rules.add_perm("audit", is_quality_admin)
