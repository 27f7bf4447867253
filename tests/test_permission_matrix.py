"""The permission matrix: every URL pattern, requested as anonymous and as each role, answers exactly
the status written in MATRIX. How to add a route, and the world it is requested in: CONTRIBUTING.md."""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import evaluation, record
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "vendor_contact",
    "auditor_not_on_team",
    "auditor_on_team",
    "lead_auditor",
    "reviewer",
    "quality_admin",
)


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location path matches `path` (a regex, anchored at both ends)."""

    path: str

    def __repr__(self):
        return f"302->{self.path}"


LOGIN = Redirect("/login/")
ADMIN_LOGIN = Redirect("/admin/login/")
HOME = Redirect("/")
CHANGE_PAGE = Redirect(r"/admin/\w+/\w+/[^/]+/change/")


def row(anonymous, vendor_contact, auditor_not_on_team, auditor_on_team, lead_auditor, reviewer, quality_admin):
    return dict(
        zip(
            ROLES,
            (anonymous, vendor_contact, auditor_not_on_team, auditor_on_team, lead_auditor, reviewer, quality_admin),
            strict=True,
        )
    )


def everyone(status):
    return row(*[status] * len(ROLES))


def logged_in(status, anonymous=401):
    return row(anonymous, *[status] * (len(ROLES) - 1))


# --- Named rows ------------------------------------------------------------------------------
#: Registry and checklists: the whole quality organisation reads; vendor contacts see nothing yet.
API_STAFF_READ = row(401, 403, 200, 200, 200, 200, 200)


def API_ADMIN_ONLY(status):  # noqa: N802 - reads like the other rows
    """Only quality administrators pass; `status` is what they get."""
    return row(401, 403, 403, 403, 403, 403, status)


#: One assessment (the submitted one) and what hangs off it: its team, QA reviewers and quality
#: administrators see it; anyone else gets 404, never 403 (its existence is not disclosed).
MEMBER_READ = row(401, 404, 404, 200, 200, 200, 200)
#: Changing its content (answers, evidence, findings, actions): the audit team passes the
#: permission check and is then told that a submitted record changes only after it is returned
#: (409); the reviewer and the quality administrator see it but may not change it (403).
TEAM_EDIT = row(401, 404, 404, 409, 409, 403, 403)
#: Pages of the registry, the checklists and the comparisons.
PAGE_STAFF = row(LOGIN, 403, 200, 200, 200, 200, 200)
#: A page of the submitted assessment: like MEMBER_READ, with the log-in for anonymous.
PAGE_MEMBER = row(LOGIN, 404, 404, 200, 200, 200, 200)


def PAGE_MEMBER_POST(then):  # noqa: N802
    """A form post on the submitted assessment's pages: 404 for those who may not see it; the
    others get `then` (the page's redirect). A refusal shows as a message on the page it redirects
    to, so for these the status proves only the visibility check; the API rows above prove the
    role checks of the same functions (answers, findings, workflow, signatures)."""
    return row(LOGIN, 404, 404, then, then, then, then)


#: The vendor portal: only the vendor contact linked to the world's vendor (who has a shared
#: corrective action, with a response and its evidence file); the quality organisation works in
#: the assessment's own pages and gets 403 here.
PORTAL_API = row(401, 200, 403, 403, 403, 403, 403)
PAGE_PORTAL = row(LOGIN, 200, 403, 403, 403, 403, 403)
PORTAL_ACTION = Redirect(r"/portal/corrective-actions/\d+/")
WORKSPACE = Redirect(r"/assessments/\d+/")
FINDINGS_PAGE = Redirect(r"/assessments/\d+/findings/")
EM_PAGE = Redirect(r"/assessments/\d+/em/")
SUMMARY_PAGE = Redirect(r"/assessments/\d+/summary/")
INBOX = Redirect("/notifications/")
PROGRAMME_PAGE = Redirect("/programme/")
SCHEDULE_PAGE = Redirect(r"/programme/items/item-\d+/schedule/")


def ADMIN(quality_admin):  # noqa: N802
    """The Django admin: only staff get in (only quality administrators are staff); what they
    get then is the rules' answer."""
    return row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, quality_admin)


def admin_model(path, changelist, add, change, history, delete, **extra):
    """The routes the admin makes for one model, with the quality administrator's status for each
    (GET), and `extra` = {route suffix: {method: status}} for its custom routes."""
    routes = {
        f"admin/{path}/": {"GET": ADMIN(changelist)},
        f"admin/{path}/add/": {"GET": ADMIN(add)},
        f"admin/{path}/<object_id>/": {"GET": ADMIN(CHANGE_PAGE)},  # Django's redirect to the change page
        f"admin/{path}/<object_id>/change/": {"GET": ADMIN(change)},
        f"admin/{path}/<object_id>/history/": {"GET": ADMIN(history)},
        f"admin/{path}/<object_id>/delete/": {"GET": ADMIN(delete)},
    }
    for suffix, methods in extra.items():
        routes.setdefault(f"admin/{path}/{suffix}", {}).update(
            {method: ADMIN(status) for method, status in methods.items()}
        )
    return routes


READ_ONLY_IN_ADMIN = {"<object_id>/change/": {"POST": 403}}  # a POST to the change form is refused

MATRIX = {
    # --- pages -------------------------------------------------------------------------------
    "": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200)},
    "login/": {"GET": row(200, HOME, HOME, HOME, HOME, HOME, HOME)},
    "logout/": {"POST": everyone(LOGIN)},
    "account/language/": {"POST": row(LOGIN, HOME, HOME, HOME, HOME, HOME, HOME)},  # "": the browser's
    "health/": {"GET": everyone(200)},
    "vendors/": {"GET": PAGE_STAFF},
    "vendors/<slug>/": {"GET": PAGE_STAFF},
    "checklists/": {"GET": PAGE_STAFF},
    "checklists/<pk>/": {"GET": PAGE_STAFF},
    # --- API: root, tokens, schema -------------------------------------------------------------
    "api/": {"GET": logged_in(200)},
    "api/auth/token/": {"POST": everyone(400)},  # public by nature; {} is refused as incomplete
    "api/auth/logout/": {"POST": logged_in(204)},  # revokes the caller's own token, nobody else's
    # DECISION (for the lead): the schema and its docs page are public (drf-spectacular's default
    # SERVE_PERMISSIONS=AllowAny). They describe the API, not the data. To close them, set
    # SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["rest_framework.permissions.IsAuthenticated"]
    # and make the anonymous status 401 here.
    "api/schema/": {"GET": everyone(200)},
    "api/docs/": {"GET": everyone(200)},
    # --- API: users, vendors, checklists ----------------------------------------------------------
    "api/users/": {"GET": API_STAFF_READ},
    "api/users/me/": {"GET": API_STAFF_READ},
    "api/users/<pk>/": {"GET": API_STAFF_READ},
    "api/vendors/": {"GET": API_STAFF_READ, "POST": API_ADMIN_ONLY(400)},
    "api/vendors/<pk>/": {"GET": API_STAFF_READ, "PATCH": API_ADMIN_ONLY(400)},
    # Disqualifying and reinstating are a quality administrator's signed decisions; `{}` lacks the
    # reason and the password: 400 for whoever passes the permission check.
    "api/vendors/<pk>/disqualification/": {"POST": API_ADMIN_ONLY(400)},
    "api/vendors/<pk>/reinstatement/": {"POST": API_ADMIN_ONLY(400)},
    # The history names the deciding assessments (and why they were reopened): administrators only.
    "api/vendors/<pk>/qualification-decisions/": {"GET": API_ADMIN_ONLY(200)},
    # Quality agreements: read like the registry; recorded by quality administrators ({}: no file, 400).
    "api/vendors/<pk>/quality-agreements/": {"GET": API_STAFF_READ, "POST": API_ADMIN_ONLY(400)},
    "api/quality-agreements/<pk>/download/": {"GET": API_STAFF_READ},
    "api/checklists/": {"GET": API_STAFF_READ},
    "api/checklists/import/": {"POST": API_ADMIN_ONLY(400)},
    "api/checklists/<pk>/": {"GET": API_STAFF_READ, "PATCH": API_ADMIN_ONLY(409)},  # published: locked
    "api/checklists/<pk>/export/": {"GET": API_STAFF_READ},
    "api/checklists/<pk>/new-version/": {"POST": API_ADMIN_ONLY(201)},
    "api/checklists/<pk>/publish/": {"POST": API_ADMIN_ONLY(409)},  # already published
    # --- API: assessments ------------------------------------------------------------------------
    # The list answers 200 to every logged-in user, filtered (see test_assessment_list_is_filtered):
    # a vendor contact gets an empty list, not 403. The POST body is valid: add_assessment is
    # checked after validation (perform_create), so with an invalid body everyone gets 400.
    "api/assessments/": {"GET": logged_in(200), "POST": row(401, 403, 403, 403, 201, 403, 201)},
    "api/assessments/<pk>/": {
        "GET": MEMBER_READ,
        "PATCH": row(401, 404, 404, 403, 400, 403, 400),
        "PUT": row(401, 404, 404, 405, 405, 405, 405),
    },  # "use PATCH"
    "api/assessments/<pk>/answers/": {"GET": MEMBER_READ, "PUT": TEAM_EDIT},
    "api/assessments/<pk>/answers/<code>/evidence/": {"POST": TEAM_EDIT},
    "api/assessments/<pk>/findings/": {"GET": MEMBER_READ, "POST": TEAM_EDIT},
    "api/assessments/<pk>/minor-reviews/": {"POST": TEAM_EDIT},
    # On the in_progress assessment: the lead's 409 lists what is missing; cancel's 400 asks for a reason.
    "api/assessments/<pk>/submit/": {"POST": row(401, 404, 404, 403, 409, 404, 403)},
    "api/assessments/<pk>/cancel/": {"POST": row(401, 404, 404, 403, 400, 404, 400)},
    "api/assessments/<pk>/return/": {"POST": row(401, 404, 404, 403, 403, 400, 403)},  # 400: reason
    "api/assessments/<pk>/reopen/": {"POST": row(401, 404, 404, 403, 403, 400, 400)},  # approved; 400: reason
    "api/assessments/<pk>/signatures/": {"GET": MEMBER_READ, "POST": row(401, 404, 404, 403, 403, 201, 403)},
    "api/assessments/<pk>/submission-check/": {"GET": MEMBER_READ},
    "api/assessments/<pk>/history/": {"GET": MEMBER_READ},
    "api/assessments/<pk>/score/": {"GET": MEMBER_READ},
    "api/assessments/<pk>/returns/": {"GET": MEMBER_READ},
    "api/findings/<pk>/": {"GET": MEMBER_READ, "PATCH": TEAM_EDIT},
    "api/findings/<pk>/actions/": {"GET": MEMBER_READ, "POST": TEAM_EDIT},
    "api/corrective-actions/<pk>/": {"GET": MEMBER_READ, "PATCH": TEAM_EDIT},
    # Verifying and closing are an independent QA reviewer's: the reviewer passes and gets 409 (the
    # assessment is submitted, not approved), before the body is read.
    "api/corrective-actions/<pk>/verification/": {"POST": row(401, 404, 404, 403, 403, 409, 403)},
    "api/corrective-actions/<pk>/close/": {"POST": row(401, 404, 404, 403, 403, 409, 403)},
    "api/evidence/<pk>/": {"GET": MEMBER_READ, "DELETE": TEAM_EDIT},
    "api/evidence/<pk>/download/": {"GET": MEMBER_READ},
    # Files on a finding: the team, while the content is open (the matrix's record is submitted:
    # 409); evidence of effectiveness: an independent QA reviewer after approval (the record is
    # not approved: 409 for the reviewer, 403 for the rest who see it).
    "api/findings/<pk>/attachments/": {"GET": MEMBER_READ, "POST": TEAM_EDIT},
    "api/corrective-actions/<pk>/closure-evidence/": {"POST": row(401, 404, 404, 403, 403, 409, 403)},
    "api/finding-attachments/<pk>/download/": {"GET": MEMBER_READ},
    # --- the vendor portal -----------------------------------------------------------------------
    # The lead shares (the world's action is shared already: 409) and decides on the response
    # (the empty body names no decision: 400); those who see the assessment otherwise get 403.
    "api/corrective-actions/<pk>/share/": {"POST": row(401, 404, 404, 403, 409, 403, 403)},
    "api/vendor-responses/<pk>/decision/": {"POST": row(401, 404, 404, 403, 400, 403, 403)},
    "api/portal/corrective-actions/": {"GET": PORTAL_API},
    "api/portal/corrective-actions/<pk>/": {"GET": PORTAL_API},
    # The vendor contact passes and is told what the empty body lacks.
    "api/portal/corrective-actions/<pk>/responses/": {
        "GET": PORTAL_API,
        "POST": row(401, 400, 403, 403, 403, 403, 403),
    },
    "api/portal/corrective-actions/<pk>/responses/<rid>/evidence/": {"POST": row(401, 400, 403, 403, 403, 403, 403)},
    # Questionnaires: the lead sends one (the matrix's assessment is an on-site audit: 409); the
    # contact it went to reads it, and is told what the empty body lacks (a PUT of no list, a
    # submission with questions unanswered, an upload with no file).
    "api/assessments/<pk>/send/": {"POST": row(401, 404, 404, 403, 409, 403, 403)},
    "api/portal/questionnaires/": {"GET": PORTAL_API},
    "api/portal/questionnaires/<pk>/": {"GET": PORTAL_API},
    "api/portal/questionnaires/<pk>/answers/": {"PUT": row(401, 400, 403, 403, 403, 403, 403)},
    "api/portal/questionnaires/<pk>/answers/<code>/evidence/": {"POST": row(401, 400, 403, 403, 403, 403, 403)},
    "api/portal/questionnaires/<pk>/submit/": {"POST": row(401, 400, 403, 403, 403, 403, 403)},
    "api/portal/questionnaires/<pk>/em-results/": {"POST": row(401, 400, 403, 403, 403, 403, 403)},
    # --- notifications: your own only; someone else's is a 404 ---------------------------------
    "api/notifications/": {"GET": logged_in(200)},
    "api/notifications/<pk>/read/": {"POST": row(401, 404, 404, 404, 200, 404, 404)},  # the lead's
    # --- API: environmental monitoring (monitoring/): reads as the assessment, changes as its answers
    "api/assessments/<pk>/em-results/": {"GET": MEMBER_READ, "POST": TEAM_EDIT},
    "api/assessments/<pk>/em-data-sets/": {"GET": MEMBER_READ, "POST": TEAM_EDIT},
    "api/assessments/<pk>/em-results/summary/": {"GET": MEMBER_READ},
    "api/assessments/<pk>/em-results/decisions/": {"POST": TEAM_EDIT},
    "api/assessments/<pk>/em-results/answers/": {"POST": TEAM_EDIT},
    "api/em-limits/": {"GET": API_STAFF_READ},  # reference data, like the registry
    # --- API: the audit programme (programme/) -------------------------------------------------------
    "api/vendors/match/": {"GET": row(401, 403, 400, 400, 400, 400, 400)},  # no question asked: 400
    "api/programme/": {"GET": API_STAFF_READ},
    "api/programme/schedule/": {"POST": row(401, 403, 403, 403, 400, 403, 400)},  # {}: no item
    "api/programme/dismissal/": {"POST": row(401, 403, 403, 403, 400, 403, 400)},  # {}: no item
    # Each reader's own feed token: a new one (201), and revoking one they do not have (404).
    "api/programme/feed-token/": {"POST": row(401, 403, *[201] * 5), "DELETE": row(401, 403, *[404] * 5)},
    # --- API: PDF reports ----------------------------------------------------------------------------
    # Anyone who sees an assessment may ask for a draft report: {"kind": "bogus"} gets 400 after the
    # visibility check, without queueing anything.
    "api/assessments/<pk>/export.xlsx": {"GET": MEMBER_READ},
    "api/assessments/<pk>/reports/": {"GET": MEMBER_READ, "POST": row(401, 404, 404, 400, 400, 400, 400)},
    "api/reports/<pk>/": {"GET": MEMBER_READ},
    "api/reports/<pk>/download/": {"GET": MEMBER_READ},
    # Public: anyone may check a copy, with or without an account, and learns the same (test below).
    "api/reports/verify/": {"POST": everyone(200)},
    "api/report-archives/": {"POST": logged_in(400)},  # an empty list: a valid one would queue a job
    "api/report-archives/<pk>/": {"GET": row(401, 404, 404, 404, 200, 404, 404)},  # the requester's only
    "api/report-archives/<pk>/download/": {"GET": row(401, 404, 404, 404, 200, 404, 404)},
    # --- pages: assessments, workspace, reports, insights -------------------------------------------
    "assessments/": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200)},  # filtered (test below)
    # NOTE: without add_assessment the creation page is a 404 (the registry pages answer 403).
    "assessments/new/": {"GET": row(LOGIN, 404, 404, 404, 200, 404, 200)},
    # The workspace's service worker: code only, the same for everyone (its scope is /assessments/).
    "assessments/sw.js": {"GET": everyone(200)},
    "assessments/<pk>/": {"GET": PAGE_MEMBER},
    # NOTE: the autosave answers 409 to a user who may not edit (the API answers 403).
    "assessments/<pk>/answers/<code>/": {"POST": row(LOGIN, 404, 404, 409, 409, 409, 409)},
    "assessments/<pk>/answers/<code>/evidence/": {"POST": PAGE_MEMBER_POST(200)},  # refusals listed in the page
    "assessments/<pk>/findings/": {"GET": PAGE_MEMBER},
    "assessments/<pk>/summary/": {"GET": PAGE_MEMBER, "POST": PAGE_MEMBER_POST(SUMMARY_PAGE)},
    "assessments/<pk>/findings/new/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "assessments/<pk>/minor-reviews/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "corrective-actions/<pk>/verification/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "corrective-actions/<pk>/close/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "findings/<pk>/edit/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "findings/<pk>/withdraw/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "assessments/<pk>/step/<name>/": {"POST": PAGE_MEMBER_POST(WORKSPACE)},
    "assessments/<pk>/sign/": {"POST": PAGE_MEMBER_POST(WORKSPACE)},
    "assessments/<pk>/review/": {"GET": PAGE_MEMBER},
    "assessments/<pk>/em/": {"GET": PAGE_MEMBER},
    "assessments/<pk>/em/import/": {"POST": PAGE_MEMBER_POST(EM_PAGE)},
    "assessments/<pk>/em/data-sets/": {"POST": PAGE_MEMBER_POST(EM_PAGE)},
    "assessments/<pk>/em/decisions/": {"POST": PAGE_MEMBER_POST(EM_PAGE)},
    "assessments/<pk>/em/answers/": {"POST": PAGE_MEMBER_POST(EM_PAGE)},
    "em/template.csv": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200)},  # the empty template, no data
    "em/template.xlsx": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200)},
    "assessments/<pk>/history/": {"GET": PAGE_MEMBER},
    "assessments/<pk>/history.csv": {"GET": PAGE_MEMBER},
    "assessments/<pk>/reports/": {"GET": PAGE_MEMBER},
    "assessments/<pk>/export.xlsx": {"GET": PAGE_MEMBER},
    # A QA reviewer opens a comment on a question; the others may answer one, not open it.
    # The finding form is only for whoever may change the record now: nobody, on the record used here.
    "assessments/<pk>/answers/<code>/finding-form/": {"GET": row(LOGIN, 404, 404, 403, 403, 403, 403)},
    "assessments/<pk>/answers/<code>/comments/": {"POST": row(LOGIN, 404, 404, 403, 403, 200, 403)},
    "evidence/<pk>/download/": {"GET": PAGE_MEMBER},
    "finding-files/<pk>/download/": {"GET": PAGE_MEMBER},
    "findings/<pk>/files/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "corrective-actions/<pk>/closure-evidence/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "portal/": {"GET": PAGE_PORTAL},
    "portal/corrective-actions/<pk>/": {"GET": PAGE_PORTAL},
    "portal/corrective-actions/<pk>/responses/": {"POST": row(LOGIN, PORTAL_ACTION, 403, 403, 403, 403, 403)},
    # A vendor's file: its contacts and whoever sees the assessment.
    "portal/evidence/<pk>/download/": {"GET": row(LOGIN, 200, 404, 200, 200, 200, 200)},
    "portal/questionnaires/<pk>/": {"GET": PAGE_PORTAL},
    "portal/questionnaires/<pk>/answers/": {
        "POST": row(LOGIN, Redirect(r"/portal/questionnaires/\d+/"), 403, 403, 403, 403, 403)
    },
    "portal/questionnaires/<pk>/em/": {"POST": row(LOGIN, 400, 403, 403, 403, 403, 403)},  # no file
    "portal/questionnaire-evidence/<pk>/download/": {"GET": row(LOGIN, 200, 404, 200, 200, 200, 200)},
    "assessments/<pk>/send/": {"POST": PAGE_MEMBER_POST(WORKSPACE)},
    "corrective-actions/<pk>/share/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "vendor-responses/<pk>/decision/": {"POST": PAGE_MEMBER_POST(FINDINGS_PAGE)},
    "notifications/": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200)},
    "notifications/bell/": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200)},
    "notifications/<pk>/read/": {"POST": row(LOGIN, 404, 404, 404, INBOX, 404, 404)},  # the lead's
    "notifications/read-all/": {"POST": row(LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX)},
    "notifications/preference/": {"POST": row(LOGIN, INBOX, INBOX, INBOX, INBOX, INBOX, INBOX)},
    # The evidence list comes back with the refusal: 409 (submitted) is shown in place, 403 is not offered.
    "evidence/<pk>/remove/": {"POST": row(LOGIN, 404, 404, 409, 409, 403, 403)},
    "reports/<pk>/download/": {"GET": PAGE_MEMBER},
    "verify/": {"GET": everyone(200), "POST": everyone(200)},  # public, like the API route
    "reports/verify/": {"GET": everyone(Redirect("/verify/"))},  # the page's former address
    "insights/my-assessments/": {"GET": PAGE_STAFF},  # content filtered (insights tests)
    "insights/review-queue/": {"GET": PAGE_STAFF},
    "insights/requalification-due/": {"GET": PAGE_STAFF},
    "insights/corrective-actions/": {"GET": PAGE_STAFF},
    "insights/documents-due/": {"GET": PAGE_STAFF},  # the registry's documents, read like the registry
    "insights/vendors/": {"GET": PAGE_STAFF},
    "compare/": {"GET": PAGE_STAFF},
    "compare.csv": {"GET": PAGE_STAFF},  # content filtered (test below)
    "match/": {"GET": PAGE_STAFF},  # the empty form; the question is in the query string
    # --- the audit programme (programme/): the quality organisation reads; quality administrators
    # and lead auditors schedule (an empty form is a 400 past the permission check). The feed needs
    # a live token, not a session: without one it is a 404 for everyone.
    "programme/": {"GET": PAGE_STAFF},
    "programme.csv": {"GET": PAGE_STAFF},
    "programme.ics": {"GET": everyone(404)},
    "programme/feed-token/": {"POST": row(LOGIN, 403, *[PROGRAMME_PAGE] * 5)},
    "programme/feed-token/revoke/": {"POST": row(LOGIN, 403, *[PROGRAMME_PAGE] * 5)},
    # A dismissal without a reason is refused after the permission check (a message, then the form).
    "programme/items/<key>/dismiss/": {"POST": row(LOGIN, 403, 403, 403, SCHEDULE_PAGE, 403, SCHEDULE_PAGE)},
    "programme/items/<key>/schedule/": {
        "GET": row(LOGIN, 403, 403, 403, 200, 403, 200),
        "POST": row(LOGIN, 403, 403, 403, 400, 403, 400),
    },
    # --- the Django admin ------------------------------------------------------------------------
    "admin/": {"GET": ADMIN(200)},
    "admin/<app_label>/": {"GET": ADMIN(200)},  # the app index, for app_label=assessments
    "admin/<url>": {"GET": ADMIN(404)},  # the catch-all: staff get 404, others the log-in
    # Our apps: quality administrators manage users, vendors and checklists; they see assessments
    # and their parts read-only where the workflow owns them; nobody deletes users, assessments,
    # findings or published checklists, nor adds or changes audit-trail entries.
    **admin_model("accounts/user", 200, 200, 200, 200, 403, **{"<id>/password/": {"GET": 200}}),
    **admin_model(
        "vendors/vendor",
        200,
        200,
        200,
        200,
        200,
        **{
            "import/": {"GET": 200},
            "export/": {"GET": 200},
            "process_import/": {"GET": 405},
            # The matrix's vendor is approved: the disqualification form is offered (a post of
            # `{}` lacks reason and password: 400); reinstatement sends back to the change page.
            "<object_id>/disqualification/": {"GET": 200, "POST": 400},
            "<object_id>/reinstatement/": {"GET": CHANGE_PAGE, "POST": CHANGE_PAGE},
        },
    ),
    **admin_model("vendors/site", 200, 200, 200, 200, 200),
    **admin_model("vendors/serviceline", 200, 200, 200, 200, 200),
    **admin_model("vendors/modality", 200, 200, 200, 200, 200),
    **admin_model("vendors/therapeuticarea", 200, 200, 200, 200, 200),
    **admin_model("checklists/checklist", 200, 200, 200, 200, 403, **{"upload/": {"GET": 200}}),
    **admin_model("assessments/assessment", 200, 200, 200, 200, 403),
    **admin_model("assessments/finding", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    **admin_model("assessments/correctiveaction", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    **admin_model("audit/auditentry", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    # Environmental monitoring: limit tables and data sets are read-only (reference data, imports);
    # a site's alert limits are the registry's, kept by quality administrators.
    **admin_model("monitoring/limittable", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    **admin_model("monitoring/alertlimit", 200, 200, 200, 200, 200),
    **admin_model("monitoring/dataset", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    # Quality administrators link vendor contacts to their vendor.
    **admin_model("portal/vendoraccess", 200, 200, 200, 200, 200),
    # Third-party models. Roles are groups: quality administrators see them (and put users in them
    # on the user form) but do not change them: a group's Django permissions would be a way around
    # the rules. API tokens are credentials: no role is granted them (a superuser manages them).
    # Lock-outs: quality administrators see the access attempts and lift a lock-out by deleting
    # one; the access and failure logs are read-only security logs.
    **admin_model("auth/group", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    **admin_model("authtoken/tokenproxy", 403, 403, 403, 403, 403),
    **admin_model("axes/accessattempt", 200, 403, 200, 200, 200, **READ_ONLY_IN_ADMIN),
    **admin_model("axes/accesslog", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
    **admin_model("axes/accessfailurelog", 200, 403, 200, 200, 403, **READ_ONLY_IN_ADMIN),
}

#: Enumerated routes deliberately left out, each with its reason. Only Django-internal admin
#: routes belong here: every route of the product is in MATRIX.
NOT_IN_MATRIX = {
    "admin/login/": "Django's admin log-in form: shows a form to anyone, no data.",
    "admin/logout/": "Django's admin log-out.",
    "admin/password_change/": "Django's own password form for the logged-in staff user.",
    "admin/password_change/done/": "Django's confirmation page of the above.",
    "admin/jsi18n/": "Django's JavaScript translation catalogue: static text.",
    "admin/autocomplete/": "Django's autocomplete JSON; it checks the view permission of the model "
    "it serves itself (AutocompleteJsonView).",
    "admin/r/<content_type_id>/<object_id>/": "Django's view-on-site redirect to get_absolute_url().",
}

#: Request bodies; a callable gets the world. Default: {}.
QUESTION_CODE = "A.1"
REPORT_PDF = b"%PDF-1.4 the matrix's report"


class Multipart(dict):
    """A multipart/form-data body (file uploads)."""


BODIES = {
    ("api/vendors/", "POST"): {},  # no name, no country: 400 for whoever passes
    ("api/vendors/<pk>/", "PATCH"): {"name": ""},
    ("api/assessments/", "POST"): lambda w: {
        "vendor": w.vendor.pk,
        "checklist": w.checklist.pk,
        "kind": "initial",
        "lead_auditor": w.users.lead_auditor.pk,
        "audit_team": [w.users.auditor_on_team.pk],
    },
    ("api/assessments/<pk>/answers/", "PUT"): [{"question": QUESTION_CODE, "value": "partial"}],
    ("api/assessments/<pk>/answers/<code>/evidence/", "POST"): lambda w: Multipart(
        file=SimpleUploadedFile("more.pdf", b"%PDF-1.4 more evidence", content_type="application/pdf")
    ),
    ("api/assessments/<pk>/findings/", "POST"): {
        "question": QUESTION_CODE,
        "classification": "minor",
        "description": "Another deficiency.",
    },
    ("api/assessments/<pk>/minor-reviews/", "POST"): {
        "criterion": "A",
        "outcome": "justified",
        "justification": "Isolated.",
    },
    ("api/assessments/<pk>/cancel/", "POST"): {"reason": ""},
    ("api/assessments/<pk>/return/", "POST"): {"reason": ""},
    ("api/assessments/<pk>/reopen/", "POST"): {"reason": ""},
    ("api/assessments/<pk>/signatures/", "POST"): {"meaning": "reviewed", "password": PASSWORD},
    ("api/findings/<pk>/actions/", "POST"): {"description": "Retrain.", "owner": "Vendor QA", "due_date": "2030-01-31"},
    ("api/assessments/<pk>/reports/", "POST"): {"kind": "bogus"},
    ("api/reports/verify/", "POST"): lambda w: Multipart(
        file=SimpleUploadedFile("copy.pdf", REPORT_PDF, content_type="application/pdf")
    ),
    ("api/report-archives/", "POST"): {"assessments": []},
    ("verify/", "POST"): lambda w: Multipart(
        file=SimpleUploadedFile("copy.pdf", REPORT_PDF, content_type="application/pdf")
    ),
    ("api/portal/corrective-actions/<pk>/responses/<rid>/evidence/", "POST"): Multipart(note="no file"),
    ("api/portal/questionnaires/<pk>/answers/<code>/evidence/", "POST"): Multipart(note="no file"),
    ("api/portal/questionnaires/<pk>/em-results/", "POST"): Multipart(note="no file"),
    ("api/findings/<pk>/attachments/", "POST"): lambda w: Multipart(
        file=SimpleUploadedFile("photo.pdf", b"%PDF-1.4 a photo", content_type="application/pdf")
    ),
    ("api/corrective-actions/<pk>/closure-evidence/", "POST"): lambda w: Multipart(
        file=SimpleUploadedFile("sop.pdf", b"%PDF-1.4 the revised SOP", content_type="application/pdf")
    ),
    ("assessments/<pk>/answers/<code>/", "POST"): {"value": "partial"},
    ("assessments/<pk>/answers/<code>/evidence/", "POST"): lambda w: Multipart(
        file=SimpleUploadedFile("more.pdf", b"%PDF-1.4 more evidence", content_type="application/pdf")
    ),
    ("assessments/<pk>/answers/<code>/comments/", "POST"): {"body": "Please attach the 2025 media fill report."},
    ("assessments/<pk>/minor-reviews/", "POST"): {"criterion": "A", "outcome": "justified", "justification": "x"},
}

#: Which world object fills the URL kwargs, by the longest route prefix that matches.
URL_OBJECTS = {
    "vendors/": {"slug": "vendor.slug"},
    "checklists/": {"pk": "checklist.pk"},
    "api/users/": {"pk": "users.lead_auditor.pk"},
    "api/vendors/": {"pk": "vendor.pk"},
    "api/checklists/": {"pk": "checklist.pk"},
    "api/assessments/": {"pk": "submitted.pk", "code": "question_code"},
    "api/findings/": {"pk": "finding.pk"},
    "api/corrective-actions/": {"pk": "action.pk"},
    "corrective-actions/": {"pk": "action.pk"},
    "findings/": {"pk": "finding.pk"},
    "api/evidence/": {"pk": "evidence.pk"},
    "api/finding-attachments/": {"pk": "finding_attachment.pk"},
    "finding-files/": {"pk": "finding_attachment.pk"},
    "api/notifications/": {"pk": "notification.pk"},
    "api/portal/corrective-actions/": {"pk": "action.pk", "rid": "vendor_response.pk"},
    "api/portal/questionnaires/": {"pk": "questionnaire.pk", "code": "question_code"},
    "portal/questionnaires/": {"pk": "questionnaire.pk"},
    "portal/questionnaire-evidence/": {"pk": "vendor_answer_evidence.pk"},
    "api/vendor-responses/": {"pk": "vendor_response.pk"},
    "portal/corrective-actions/": {"pk": "action.pk"},
    "portal/evidence/": {"pk": "response_evidence.pk"},
    "vendor-responses/": {"pk": "vendor_response.pk"},
    "notifications/": {"pk": "notification.pk"},
    "api/reports/": {"pk": "report.pk"},
    "api/report-archives/": {"pk": "archive.pk"},
    "assessments/": {"pk": "submitted.pk", "code": "question_code", "name": "step_name"},
    "evidence/": {"pk": "evidence.pk"},
    "reports/": {"pk": "report.pk"},
    "programme/": {"key": "programme_key"},
    "api/quality-agreements/": {"pk": "agreement.pk"},
    "admin/": {"app_label": "admin_app_label", "url": "admin_missing_page", "id": "users.lead_auditor.pk"},
}
KWARGS_OVERRIDE = {
    "api/assessments/<pk>/submit/": {"pk": "in_progress.pk"},
    "api/assessments/<pk>/cancel/": {"pk": "in_progress.pk"},
    "api/assessments/<pk>/reopen/": {"pk": "approved.pk"},
}


# --- Enumerating the routes -------------------------------------------------------------------


def normalise(pattern: str) -> str:
    """`<int:pk>` -> `<pk>`, `(?P<pk>[^/.]+)` -> `<pk>`, and the regex anchors dropped."""
    pattern = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", pattern)
    out, i = [], 0
    while i < len(pattern):  # (?P<name>...) with nested brackets/parentheses inside
        if pattern.startswith("(?P<", i):
            end = pattern.index(">", i)
            name = pattern[i + 4 : end]
            depth, j = 1, end + 1
            while depth:
                if pattern[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(pattern[j], 0)
                j += 1
            out.append(f"<{name}>")
            i = j
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out).replace("^", "").replace("$", "")


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name])) if p.name else None
            yield normalise(prefix + str(p.pattern)), name, prefix + str(p.pattern)


def enumerate_routes() -> dict[str, list[tuple[str | None, str]]]:
    """Normalised key -> [(name, raw pattern)] for every URL pattern of the project."""
    routes: dict[str, list] = {}
    for key, name, raw in walk(get_resolver().url_patterns):
        routes.setdefault(key, []).append((name, raw))
    return routes


CASES = [(route, method, role) for route, methods in MATRIX.items() for method in methods for role in ROLES]


def test_every_route_is_in_the_matrix():
    routes = enumerate_routes()
    missing = sorted(set(routes) - set(MATRIX) - set(NOT_IN_MATRIX))
    assert not missing, (
        "Routes without an entry in tests/test_permission_matrix.py MATRIX (add one line each, "
        "see the top of that file):\n" + "\n".join(f'    "{key}": {{"GET": ...}},  # {routes[key]}' for key in missing)
    )


def test_the_matrix_names_only_existing_routes():
    routes = enumerate_routes()
    named = set(MATRIX) | set(NOT_IN_MATRIX) | {route for route, _ in BODIES} | set(KWARGS_OVERRIDE)
    stale = sorted(named - set(routes))
    assert not stale, f"MATRIX, NOT_IN_MATRIX, BODIES or KWARGS_OVERRIDE name routes that no longer exist: {stale}"
    both = sorted(set(MATRIX) & set(NOT_IN_MATRIX))
    assert not both, f"In MATRIX and NOT_IN_MATRIX at once: {both}"
    bodies_unused = sorted(f"{m} {r}" for r, m in BODIES if m not in MATRIX.get(r, {}))
    assert not bodies_unused, f"BODIES for methods the MATRIX does not test: {bodies_unused}"


def test_route_keys_are_unambiguous():
    """Two patterns normalising to one key would let one entry hide the other."""
    clashes = {key: found for key, found in enumerate_routes().items() if len(found) > 1}
    assert not clashes, clashes


def test_every_row_names_every_role_once():
    bad = {
        f"{method} {route}": sorted(statuses)
        for route, methods in MATRIX.items()
        for method, statuses in methods.items()
        if tuple(statuses) != ROLES
    }
    assert not bad, bad


# --- The world ---------------------------------------------------------------------------------


def build_world():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from accounts.roles import Role, ensure_role_groups
    from assessments import answers, evidence, findings, workflow
    from assessments.models import Assessment, Signature
    from audit.models import AuditEntry
    from checklists import reference_data
    from checklists.models import Checklist
    from monitoring import reference_data as em_reference_data
    from monitoring.models import AlertLimit, DataSet, LimitTable
    from notifications import events
    from portal import access as portal_access
    from portal import questionnaires as portal_questionnaires
    from portal import responses as portal_responses
    from portal import sharing
    from programme.models import ProgrammeItem
    from reports.models import AuditReport, ReportArchive
    from tests.factories import attach_required_evidence, compliant_answers
    from vendors import agreements
    from vendors.models import Modality, ServiceLine, Site, TherapeuticArea, Vendor

    ensure_role_groups()

    def user(username, *roles, staff=False):
        u = User.objects.create_user(
            username=f"pm-{username}",
            password=PASSWORD,
            first_name=username.title(),
            last_name="Matrix",
            email=f"{username}@example.com",
            is_staff=staff,
        )
        u.groups.set(Group.objects.filter(name__in=[str(r) for r in roles]))
        return User.objects.get(pk=u.pk)

    users = SimpleNamespace(
        vendor_contact=user("contact", Role.VENDOR_CONTACT),
        auditor_not_on_team=user("outsider", Role.AUDITOR),
        auditor_on_team=user("auditor", Role.AUDITOR),
        lead_auditor=user("lead", Role.LEAD_AUDITOR, Role.AUDITOR),
        reviewer=user("reviewer", Role.REVIEWER),
        quality_admin=user("qadmin", Role.ADMIN, staff=True),
    )
    other_lead = user("otherlead", Role.LEAD_AUDITOR, Role.AUDITOR)
    tokens = {role: Token.objects.create(user=getattr(users, role)).key for role in ROLES[1:]}

    reference_data.load()
    em_reference_data.load()
    checklist = Checklist.objects.get(code="CGT-CDMO", version=1)
    service_line = ServiceLine.objects.create(slug="pm-line", name="Permission matrix line")
    modality = Modality.objects.create(slug="pm-modality", name="Permission matrix modality")
    area = TherapeuticArea.objects.create(slug="pm-area", name="Permission matrix area")
    vendor = Vendor.objects.create(name="Matrix Biologics", country="DE")
    vendor.service_lines.add(service_line)
    site = Site.objects.create(vendor=vendor, name="Matrix site", country="DE", city="Berlin")

    lead, ain = users.lead_auditor, users.auditor_on_team

    def assessment(lead_auditor, team, **fields):
        a = Assessment.objects.create(
            vendor=vendor, checklist=checklist, lead_auditor=lead_auditor, created_by=lead_auditor, **fields
        )
        a.audit_team.set(team)
        return a

    submitted = assessment(lead, [ain], scope="The matrix's assessment", reviewer=users.reviewer)
    answers.save_answers(submitted, lead, compliant_answers(checklist))
    question = checklist.questions.get(code=QUESTION_CODE)
    finding = findings.raise_finding(
        submitted, ain, question=question, classification="minor", description="A deficiency."
    )
    action = findings.plan_action(
        finding, lead, description="Correct it.", owner="Vendor QA", due_date=date(2030, 1, 31)
    )
    finding_attachment = findings.attach_to_finding(
        finding, ain, SimpleUploadedFile("deviation.pdf", b"%PDF-1.4 the deviation", content_type="application/pdf")
    )
    item = evidence.attach(
        submitted,
        ain,
        QUESTION_CODE,
        SimpleUploadedFile("record.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"),
    )
    attach_required_evidence(submitted, ain)
    submitted.refresh_from_db()
    workflow.submit(submitted, lead)
    signature = Signature.objects.create(
        assessment=submitted,
        signer=lead,
        printed_name=lead.full_name,
        meaning="performed",
        content_hash=record.content_hash(submitted),
        cycle=submitted.signing_cycle,
    )
    assert submitted.status == Assessment.Status.SUBMITTED

    in_progress = assessment(lead, [ain], scope="Under way")
    answers.save_answers(in_progress, lead, compliant_answers(checklist)[:1])
    approved = assessment(lead, [ain], scope="Approved earlier", reviewer=users.reviewer)
    Assessment.objects.filter(pk=approved.pk).update(
        status=Assessment.Status.APPROVED, submitted_at=timezone.now(), approved_at=timezone.now(), decision="approved"
    )
    evaluation.freeze_missing()  # an approved assessment carries the scores frozen at its approval
    elsewhere = assessment(other_lead, [users.auditor_not_on_team], scope="Someone else's")
    for a in (in_progress, approved, elsewhere):
        a.refresh_from_db()
    assert in_progress.status == Assessment.Status.IN_PROGRESS

    report = AuditReport(
        assessment=submitted,
        number=1,
        kind="draft",
        status="ready",
        requested_by=lead,
        size=len(REPORT_PDF),
        pages=1,
        sha256=hashlib.sha256(REPORT_PDF).hexdigest(),
    )
    report.file.save("report.pdf", ContentFile(REPORT_PDF), save=False)
    report.save()
    archive = ReportArchive.objects.create(requested_by=lead, status="ready", size=4, sha256="0" * 64)
    archive.assessments.set([approved])
    archive.file.save("matrix.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)

    notification = events.tell([lead], "submitted", "For the lead", "Only the lead reads it.", "/")[0]
    agreement = agreements.record(
        vendor,
        users.quality_admin,
        {"version": "1.0", "effective_on": date(2025, 1, 1)},
        SimpleUploadedFile("qa.pdf", b"%PDF-1.4 the matrix's quality agreement", content_type="application/pdf"),
    )
    # A for-cause audit proposed for the matrix's vendor, to schedule.
    programme_item = ProgrammeItem.objects.create(
        vendor=vendor, kind="for_cause", due=date(2030, 1, 31), reason="A warning letter.", created_by=lead
    )

    # The portal: the contact speaks for the world's vendor, which has the shared action with one
    # response and its file; another vendor's shared action must never show.
    vendor_access = portal_access.link(users.vendor_contact, vendor)
    sharing.share(action, lead)
    vendor_response = portal_responses.respond(
        action,
        users.vendor_contact,
        root_cause="Training gap.",
        action_text="Retrained the operators.",
        completion_date=date(2030, 1, 15),
    )
    response_evidence = portal_responses.attach(
        vendor_response,
        users.vendor_contact,
        SimpleUploadedFile("training.pdf", b"%PDF-1.4 training", content_type="application/pdf"),
    )
    # A questionnaire sent to the contact, with a file on one of the vendor's answers.
    survey = assessment(lead, [ain], scope="Pre-audit questionnaire", reviewer=users.reviewer, mode="questionnaire")
    questionnaire = portal_questionnaires.send(survey, lead, [users.vendor_contact.pk], date(2030, 1, 31))
    vendor_answer_evidence = portal_questionnaires.attach(
        questionnaire,
        users.vendor_contact,
        QUESTION_CODE,
        SimpleUploadedFile("site-master-file.pdf", b"%PDF-1.4 site master file", content_type="application/pdf"),
    )
    other_vendor = Vendor.objects.create(name="Elsewhere Cell Works", country="FR")
    foreign = Assessment.objects.create(
        vendor=other_vendor, checklist=checklist, lead_auditor=other_lead, created_by=other_lead
    )
    foreign_finding = findings.raise_finding(
        foreign, other_lead, question=question, classification="minor", description="Another vendor's deficiency."
    )
    foreign_action = findings.plan_action(
        foreign_finding, other_lead, description="Theirs.", owner="Their QA", due_date=date(2030, 1, 31)
    )
    sharing.share(foreign_action, other_lead)

    access = {
        "user_agent": "pytest",
        "ip_address": "127.0.0.1",
        "username": "pm-lead",
        "http_accept": "*/*",
        "path_info": "/login/",
    }
    admin_objects = {
        "accounts/user": lead,
        "auth/group": users.auditor_on_team.groups.get(),
        "authtoken/tokenproxy": lead,  # the token admin addresses a token by its user's id
        "axes/accessattempt": AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **access),
        "axes/accesslog": AccessLog.objects.create(**access),
        "axes/accessfailurelog": AccessFailureLog.objects.create(**access),
        "audit/auditentry": AuditEntry.objects.filter(assessment_id=submitted.pk).order_by("pk").first(),
        "vendors/vendor": vendor,
        "vendors/site": site,
        "vendors/serviceline": service_line,
        "vendors/modality": modality,
        "vendors/therapeuticarea": area,
        "checklists/checklist": checklist,
        "assessments/assessment": submitted,
        "assessments/finding": finding,
        "assessments/correctiveaction": action,
        "portal/vendoraccess": vendor_access,
        "monitoring/limittable": LimitTable.objects.get(),
        "monitoring/alertlimit": AlertLimit.objects.create(
            site=site, grade="B", state="in_operation", kind="air_viable", value=5
        ),
        "monitoring/dataset": DataSet.objects.create(
            site=site,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            limit_table=LimitTable.objects.get(),
            source_format="csv",
            source_sha256="0" * 64,
            content_sha256="0" * 64,
            sample_count=0,
            imported_by=lead,
        ),
    }
    assert all(admin_objects.values()), admin_objects
    return SimpleNamespace(
        users=users,
        tokens=tokens,
        checklist=checklist,
        vendor=vendor,
        site=site,
        submitted=submitted,
        in_progress=in_progress,
        approved=approved,
        elsewhere=elsewhere,
        finding=finding,
        action=action,
        evidence=item,
        signature=signature,
        report=report,
        archive=archive,
        notification=notification,
        vendor_response=vendor_response,
        response_evidence=response_evidence,
        survey=survey,
        questionnaire=questionnaire,
        vendor_answer_evidence=vendor_answer_evidence,
        finding_attachment=finding_attachment,
        foreign=foreign,
        foreign_action=foreign_action,
        question_code=QUESTION_CODE,
        step_name="submit",
        programme_key=f"item-{programme_item.pk}",
        agreement=agreement,
        admin_objects=admin_objects,
        admin_app_label="assessments",
        admin_missing_page="no-such-page/",
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction that is rolled back at the end: nothing
    here is ever committed (the audit trail could not be deleted again on PostgreSQL). Each test's
    own transaction (pytest-django's `db`) is a savepoint inside it, so tests do not see each
    other's changes. Never fire `request_finished` in a test (as a second `response.close()`
    does): Django would close the connection, and this transaction with it. Passwords are hashed
    with MD5 here, as in the other API tests, for speed."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast_hashing.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            fast_hashing.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        for stored in (
            built.evidence.file,
            built.report.file,
            built.archive.file,
            built.agreement.signed_copy,
            built.response_evidence.file,
        ):
            stored.storage.delete(stored.name)
    fast_hashing.disable()


def lookup(world, dotted):
    value = world
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def url_for(route, world):
    """The URL of `route` with its kwargs filled from the world."""
    names = re.findall(r"<(\w+)>", route)
    if not names:
        return "/" + route
    sources = {}
    for prefix in sorted((p for p in URL_OBJECTS if route.startswith(p)), key=len):
        sources.update(URL_OBJECTS[prefix])
    sources.update(KWARGS_OVERRIDE.get(route, {}))
    admin_model_match = re.match(r"admin/(\w+/\w+)/<object_id>/", route)
    values = {}
    for name in names:
        if name == "object_id" and admin_model_match:
            values[name] = world.admin_objects[admin_model_match.group(1)].pk
        else:
            assert name in sources, f"No object for <{name}> of {route}: add it to URL_OBJECTS or KWARGS_OVERRIDE"
            values[name] = lookup(world, sources[name])
    return "/" + re.sub(r"<(\w+)>", lambda m: str(values[m.group(1)]), route)


def call(route, method, role, world):
    client = APIClient()
    is_api = route.startswith("api/")
    if role != "anonymous":
        if is_api:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        else:
            client.force_login(getattr(world.users, role))
    url = url_for(route, world)
    match = resolve(urlparse(url).path)
    assert normalise(match.route) == route, f"{url} resolves to {match.route}, not to {route}"
    send = getattr(client, method.lower())
    if method == "GET":
        return url, send(url)
    body = BODIES.get((route, method), {})
    body = body(world) if callable(body) else body
    # The API takes JSON; pages take forms (multipart, as a browser sends with a file).
    fmt = "multipart" if isinstance(body, Multipart) or not is_api else "json"
    return url, send(url, dict(body) if isinstance(body, Multipart) else body, format=fmt)


def matches(expected, response):
    if isinstance(expected, Redirect):
        return (
            response.status_code == 302 and re.fullmatch(expected.path, urlparse(response["Location"]).path) is not None
        )
    if isinstance(expected, set | frozenset):
        return response.status_code in expected
    return response.status_code == expected


def describe(response):
    if response.status_code in (301, 302):
        return f"{response.status_code} -> {response['Location']}"
    if getattr(response, "streaming", False):
        return str(response.status_code)
    return f"{response.status_code} {response.content[:300]!r}"


@pytest.mark.parametrize(("route", "method", "role"), CASES, ids=[f"{m} /{r} as {who}" for r, m, who in CASES])
def test_permission_matrix(route, method, role, world):
    expected = MATRIX[route][method][role]
    url, response = call(route, method, role, world)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # closes the file (the test client's wrapper closes it)
    assert matches(expected, response), f"{method} {url} as {role}: expected {expected!r}, got {describe(response)}"


# --- Lists are filtered, not only details ----------------------------------------------------------
VISIBLE_ASSESSMENTS = {
    "vendor_contact": set(),
    "auditor_not_on_team": {"elsewhere"},
    "auditor_on_team": {"submitted", "in_progress", "approved", "survey"},
    "lead_auditor": {"submitted", "in_progress", "approved", "survey"},
    "reviewer": {"submitted", "approved", "survey"},  # named to review the questionnaire
    "quality_admin": {"submitted", "in_progress", "approved", "elsewhere", "foreign", "survey"},
}
ALL_ASSESSMENTS = ("submitted", "in_progress", "approved", "elsewhere", "foreign", "survey")


@pytest.mark.parametrize("role", ROLES[1:])
def test_assessment_list_is_filtered_and_hidden_ones_are_404(role, world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    response = client.get("/api/assessments/", {"page_size": 200})
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["results"]}
    expected = {getattr(world, name).pk for name in VISIBLE_ASSESSMENTS[role]}
    assert listed == expected, {name: getattr(world, name).pk for name in ALL_ASSESSMENTS}
    for name in ALL_ASSESSMENTS:
        status = client.get(f"/api/assessments/{getattr(world, name).pk}/").status_code
        assert status == (200 if name in VISIBLE_ASSESSMENTS[role] else 404), (name, status)


@pytest.mark.parametrize("role", ROLES[1:])
def test_assessment_list_page_is_filtered(role, world, client):
    client.force_login(getattr(world.users, role))
    page = client.get("/assessments/").content.decode()
    shown = {name for name in ALL_ASSESSMENTS if f'href="/assessments/{getattr(world, name).pk}/"' in page}
    assert shown == VISIBLE_ASSESSMENTS[role]


@pytest.mark.parametrize("role", ROLES[2:])
def test_comparison_shows_only_visible_approved_assessments(role, world, client):
    """The comparison aggregates approved assessments: only those the user may see count."""
    client.force_login(getattr(world.users, role))
    response = client.get("/compare.csv", {"checklist": world.checklist.code})
    assert response.status_code == 200
    assert (world.vendor.name in response.content.decode()) == ("approved" in VISIBLE_ASSESSMENTS[role])


def test_report_verification_answers_everyone_alike(world):
    """Verifying a copy is public: a stranger and every role get the same answer, which names the
    report and nothing else of the record."""
    answers = []
    for role in ROLES:
        client = APIClient()
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        response = client.post(
            "/api/reports/verify/", {"file": SimpleUploadedFile("copy.pdf", REPORT_PDF)}, format="multipart"
        )
        assert response.status_code == 200
        answers.append(response.json())
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["genuine"] is True and answers[0]["report"]["vendor"] == world.vendor.name
    assert answers[0]["report"]["assessment"] == world.submitted.reference


@pytest.mark.parametrize("role", ROLES[1:])
def test_vendor_list_content(role, world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    response = client.get("/api/vendors/", {"search": "Matrix"})
    if role == "vendor_contact":
        assert response.status_code == 403 and "results" not in response.json()
    else:
        assert response.status_code == 200
        assert [v["name"] for v in response.json()["results"]] == ["Matrix Biologics"]


@pytest.mark.parametrize("role", ROLES[1:])
def test_portal_list_shows_only_the_contacts_vendors_shared_actions(role, world):
    """The contact sees exactly the world vendor's shared action (not another vendor's, also
    shared); nobody else has a portal."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    response = client.get("/api/portal/corrective-actions/")
    if role != "vendor_contact":
        assert response.status_code == 403 and "results" not in response.json()
        return
    assert [a["id"] for a in response.json()["results"]] == [world.action.pk]
    assert "Another vendor's deficiency." not in response.content.decode()
    assert client.get(f"/api/portal/corrective-actions/{world.foreign_action.pk}/").status_code == 404


def test_admin_assessment_changelist_lists_every_assessment_for_the_quality_admin(world, client):
    client.force_login(world.users.quality_admin)
    page = client.get("/admin/assessments/assessment/").content.decode()
    for name in ALL_ASSESSMENTS:
        assert f"/admin/assessments/assessment/{getattr(world, name).pk}/change/" in page, name


@pytest.mark.parametrize("role", ROLES[1:])
def test_view_assessment_agrees_with_visible_assessments(role, world):
    """Details ask `view_assessment`, lists `Assessment.objects.visible_to`: the two must give
    the same answer for every assessment, or a list would leak or hide a record."""
    from assessments.models import Assessment

    user = getattr(world.users, role)
    listed = set(Assessment.objects.visible_to(user).values_list("pk", flat=True))
    for name in ALL_ASSESSMENTS:
        assessment = getattr(world, name)
        assert user.has_perm("assessments.view_assessment", assessment) == (assessment.pk in listed), name


@pytest.mark.parametrize("role", ["vendor_contact", "auditor_on_team", "lead_auditor", "reviewer"])
def test_the_staff_flag_widens_no_role(role, world, client):
    """A quality administrator can tick "staff" on anyone; the admin must then still show them only
    what the rules allow: none of the admin's lists that span every assessment, its parts or the
    audit trail, and no way to add or change what only quality administrators manage."""
    from accounts.models import User

    User.objects.filter(pk=getattr(world.users, role).pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=getattr(world.users, role).pk))
    refused = [
        "/admin/assessments/assessment/",
        "/admin/assessments/finding/",
        "/admin/assessments/correctiveaction/",
        "/admin/audit/auditentry/",
        "/admin/accounts/user/add/",
        "/admin/vendors/vendor/add/",
        "/admin/checklists/checklist/add/",
        f"/admin/assessments/assessment/{world.elsewhere.pk}/change/",
        f"/admin/assessments/finding/{world.finding.pk}/change/",
        "/admin/authtoken/tokenproxy/",
        f"/admin/auth/group/{world.admin_objects['auth/group'].pk}/change/",
    ]
    got = {url: client.get(url).status_code for url in refused}
    assert got == dict.fromkeys(refused, 403)


def test_a_quality_admin_cannot_grant_superuser_or_model_permissions(world, client):
    """Either would bypass every permission rule of the product (the group's permissions are
    closed by auth.change_group, see the admin rows of auth/group)."""
    qa = world.users.quality_admin
    client.force_login(qa)
    page = client.get(f"/admin/accounts/user/{world.users.auditor_on_team.pk}/change/")
    assert page.status_code == 200
    assert 'name="groups"' in page.content.decode()  # roles are managed here
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="user_permissions"' not in page.content.decode()


def test_matrix_size():
    """Not a check of the product: keeps the size visible in the test output (-rA)."""
    routes = len(MATRIX)
    pairs = sum(len(methods) for methods in MATRIX.values())
    assert len(CASES) == pairs * len(ROLES)
    print(f"permission matrix: {routes} routes, {pairs} route-methods, {len(CASES)} cases")
