"""Who may do what with one assessment (assessments/permissions.py): every permission asked of
every kind of user, in the states where the answer differs, and who counts as having written the
record. Written where mutation testing showed a broken rule would have gone unnoticed (21 CFR
11.10(g), Annex 11 §12; docs/compliance.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from accounts.roles import Role
from assessments import answers, evidence, findings, permissions
from assessments.models import Answer, Assessment, Finding
from audit import context
from checklists.models import Criterion
from tests.factories import new_assessment

pytestmark = pytest.mark.django_db
Status = Assessment.Status

ROLES = {
    "admin": (Role.ADMIN,),
    "lead": (Role.LEAD_AUDITOR, Role.AUDITOR),
    "member": (Role.AUDITOR,),
    "former": (),  # on the team, but every role has been taken away
    "other_lead": (Role.LEAD_AUDITOR, Role.AUDITOR),
    "reviewer": (Role.REVIEWER,),
    "other_reviewer": (Role.REVIEWER,),
    "outsider": (Role.AUDITOR,),
    "contact": (Role.VENDOR_CONTACT,),
}
USERS = tuple(ROLES)


@pytest.fixture
def people(make_user):
    return {name: make_user(name, *roles) for name, roles in ROLES.items()}


@pytest.fixture
def record(checklist, vendor, people):
    """Led by `lead`, with `member` and `former` on the team, reviewed by `reviewer`; nobody has
    written anything yet."""
    assessment = new_assessment(
        checklist, vendor, people["lead"], people["reviewer"], team=[people["member"], people["former"]]
    )
    return assessment


def may(people, perm, assessment=None):
    """The users (by name) who have `perm`, on `assessment` or without an object."""
    return {name for name, user in people.items() if user.has_perm(f"assessments.{perm}", assessment)}


def in_state(assessment, status):
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    return Assessment.objects.get(pk=assessment.pk)


# --- the permissions, by state ------------------------------------------------------------------
def test_who_sees_an_assessment_before_and_after_submission(people, record):
    team = {"admin", "lead", "member", "reviewer"}
    assert may(people, "view_assessment", record) == team
    assert may(people, "view_assessment", in_state(record, Status.SUBMITTED)) == team | {"other_reviewer"}
    assert may(people, "view_assessment") == {"admin"}
    seen = set(Assessment.objects.visible_to(people["other_reviewer"]))
    assert seen == {record}  # lists agree with the rule


def test_who_plans_and_changes_the_plan(people, record):
    assert may(people, "add_assessment") == {"admin", "lead", "other_lead"}
    assert may(people, "change_assessment", record) == {"admin", "lead"}
    assert may(people, "delete_assessment", record) == set()
    assert may(people, "cancel_assessment", record) == {"admin", "lead"}


def test_who_writes_the_content_and_submits_it(people, record):
    assert may(people, "edit_assessment_content", record) == {"lead", "member"}
    assert may(people, "edit_assessment_content") == set()
    assert may(people, "submit_assessment", record) == {"lead"}


def test_who_reviews_reopens_and_verifies_actions(people, record):
    submitted = in_state(record, Status.SUBMITTED)
    assert may(people, "review_assessment", submitted) == {"reviewer"}
    assert may(people, "reopen_assessment", in_state(record, Status.APPROVED)) == {"reviewer", "admin"}
    assert may(people, "verify_action", submitted) == {"reviewer", "other_reviewer"}


def test_who_follows_up_corrective_actions(people, record):
    assert may(people, "follow_up_action", record) == {"admin", "lead", "member", "reviewer"}
    approved = in_state(record, Status.APPROVED)
    assert may(people, "follow_up_action", approved) == {"admin", "lead", "member", "reviewer", "other_reviewer"}


def test_who_asks_and_who_answers_comments_on_a_question(people, record):
    """QA asks, the audit team and the reviewers who may see the record answer: an auditor off the
    team never answers, nor a reviewer before the record is theirs to see."""
    assert may(people, "open_comment", record) == {"reviewer"}
    assert may(people, "reply_comment", record) == {"lead", "member", "reviewer"}
    submitted = in_state(record, Status.SUBMITTED)
    assert may(people, "open_comment", submitted) == {"reviewer", "other_reviewer"}
    assert may(people, "reply_comment", submitted) == {"lead", "member", "reviewer", "other_reviewer"}


def test_the_admin_lists_of_the_parts_are_the_administrators_alone(people, record):
    for model in ("answer", "evidence", "finding", "correctiveaction", "minorfindingsreview", "signature"):
        assert may(people, f"view_{model}") == {"admin"}
        for action in ("add", "change", "delete"):
            assert may(people, f"{action}_{model}") == set()


def test_the_assessments_app_is_for_the_quality_organisation(people):
    assert {name for name, user in people.items() if user.has_module_perms("assessments")} == {
        "admin",
        "lead",
        "member",
        "other_lead",
        "reviewer",
        "other_reviewer",
        "outsider",
    }


# --- independence: whoever wrote any part never reviews ----------------------------------------------
def test_a_reviewer_who_wrote_part_of_the_record_neither_reviews_reopens_nor_verifies(people, record, make_user):
    writer = make_user("writer", Role.AUDITOR, Role.REVIEWER)
    record.audit_team.add(writer)
    answers.save_answers(record, writer, [{"question": "A.3", "value": "compliant"}])
    record.audit_team.remove(writer)
    Assessment.objects.filter(pk=record.pk).update(reviewer=writer)
    submitted = in_state(record, Status.SUBMITTED)
    assert not permissions.is_independent_of(writer, submitted)
    assert permissions.is_independent_of(people["other_reviewer"], submitted)
    assert not permissions.is_independent_of(people["member"], submitted)  # on the team
    for perm in ("review_assessment", "verify_action"):
        assert not writer.has_perm(f"assessments.{perm}", submitted)
    assert not writer.has_perm("assessments.reopen_assessment", in_state(record, Status.APPROVED))


def test_every_writer_of_any_part_is_a_contributor(people, record, make_user):
    lead, member = people["lead"], people["member"]
    finder, decider, overwritten = (make_user(n, Role.AUDITOR) for n in ("finder", "decider", "overwritten"))
    record.audit_team.add(finder, decider, overwritten)
    assert permissions.contributor_ids(record) == set()
    answers.save_answers(record, lead, [{"question": "A.3", "value": "compliant"}])
    evidence.attach(record, member, "A.3", SimpleUploadedFile("sop.pdf", b"%PDF-1.4 sop"))
    criterion = Criterion.objects.filter(checklist=record.checklist).order_by("order").first()
    for n in range(3):
        findings.raise_finding(record, finder, criterion=criterion, classification="minor", description=f"Gap {n}")
    findings.review_minor_cluster(record, decider, criterion, "justified", justification="Unrelated slips.")
    with context.acting(overwritten):
        answers.save_answers(record, overwritten, [{"question": "A.8", "value": "partial"}])
    with context.acting(lead):
        answers.save_answers(record, lead, [{"question": "A.8", "value": "compliant"}])
    assert Answer.objects.get(assessment=record, question__code="A.8").updated_by == lead
    assert permissions.contributor_ids(record) == {u.pk for u in (lead, member, finder, decider, overwritten)}
    assert Finding.objects.filter(assessment=record).count() == 3


def test_the_system_and_missing_writers_are_nobody(people, record):
    with context.as_system():
        answers.save_answers(record, people["lead"], [{"question": "A.3", "value": "compliant"}])
    Answer.objects.filter(assessment=record).update(updated_by=None)
    assert permissions.contributor_ids(record) == set()


def test_an_unsaved_or_missing_assessment_has_no_contributors(checklist):
    assert permissions.contributor_ids(None) == set()
    assert permissions.contributor_ids(Assessment(checklist=checklist)) == set()


def test_the_predicates_hold_for_no_assessment(people):
    lead = people["lead"]
    for predicate in (
        permissions.is_on_audit_team,
        permissions.is_lead_of,
        permissions.is_assigned_reviewer,
        permissions.is_independent_of,
        permissions.reviewer_may_see,
    ):
        assert not predicate(lead, None)


def test_the_predicates_name_the_lead_and_the_assigned_reviewer_only(people, record):
    assert {n for n, u in people.items() if permissions.is_lead_of(u, record)} == {"lead"}
    assert {n for n, u in people.items() if permissions.is_assigned_reviewer(u, record)} == {"reviewer"}
    assert {n for n, u in people.items() if permissions.is_on_audit_team(u, record)} == {"lead", "member", "former"}


# --- parts of an assessment -----------------------------------------------------------------------
def test_a_part_is_found_only_through_an_assessment_its_reader_may_see(people, record):
    answers.save_answers(record, people["lead"], [{"question": "A.3", "value": "compliant"}])
    answer = Answer.objects.get(assessment=record)
    part = permissions.visible_part_or_404(Answer.objects.all(), people["member"], answer.pk, lambda a: a.assessment)
    assert part == answer
    with pytest.raises(Http404):
        permissions.visible_part_or_404(Answer.objects.all(), people["outsider"], answer.pk, lambda a: a.assessment)
    with pytest.raises(Http404):
        permissions.visible_part_or_404(Answer.objects.all(), people["member"], answer.pk + 99, lambda a: a.assessment)
