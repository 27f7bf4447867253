"""The demo records, built from the data file through the product's own rule modules: answers,
findings and corrective actions, workflow steps and password-checked signatures, each step as the
demo user who would take it, so that the scores, the audit trail and the signatures are real.
Approval time is "now" (signatures are real); the performed dates follow the data file.

Assessments and sites are created as their forms create them: no rule module makes them."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.test import RequestFactory

from accounts.management.commands.demo_accounts import demo_password
from accounts.models import User
from assessments import answers as answer_service
from assessments import evaluation, exceptions, signatures, workflow
from assessments import evidence as evidence_service
from assessments import findings as finding_service
from assessments.choices import ACTION_DONE
from assessments.models import Answer, Assessment, CorrectiveAction
from audit.context import acting
from checklists.models import Checklist, Question
from portal import access as portal_access
from portal import questionnaires as portal_questionnaires
from portal import sharing
from vendors.models import GMPCertificate, Site, Vendor

DEMO_MARK = "[demo]"
LABEL = "demo data"
DEMO_USERS = ("admin", "lead", "auditor", "reviewer", "vendor")
FINISHED = ("submitted", "returned", "approved")


@dataclass
class Demo:
    """What every step needs: the data file, the demo users, the checklist and its questions."""

    data: dict
    users: dict[str, User]
    checklist: Checklist
    questions: dict[str, Question]
    password: str
    today: date
    created: dict[str, Assessment] = field(default_factory=dict)

    def author(self, code: str) -> User:
        """Who answers, and raises findings on, a question: the auditor for their criteria, else the lead."""
        auditor_answers = self.questions[code].criterion.code in self.data["auditor_criteria"]
        return self.users["auditor" if auditor_answers else "lead"]


def as_user(user: User):
    return acting(user=user, label=LABEL)


def prepare(data: dict, today: date) -> Demo:
    """The demo set-up, or CommandError naming the command to run first."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    missing = set(DEMO_USERS) - set(users)
    if missing:
        raise CommandError(f"Demo users missing ({', '.join(sorted(missing))}): run `manage.py demo_accounts` first.")
    code, version = data["checklist"]["code"], data["checklist"]["version"]
    checklist = Checklist.objects.filter(code=code, version=version).first()
    if checklist is None:
        raise CommandError(f"Checklist {code} v{version} is missing: run `manage.py load_reference_data` first.")
    questions = {q.code: q for q in Question.objects.filter(checklist=checklist).select_related("criterion")}
    return Demo(data, users, checklist, questions, demo_password(), today)


def build(demo: Demo) -> list[Assessment]:
    """Every site and assessment of the data file, in its order; the assessments made."""
    sites = add_sites(demo)
    for spec in demo.data["assessments"]:
        demo.created[spec["key"]] = add_assessment(demo, spec, sites.get(spec["vendor"]))
    share_with_vendor(demo)
    return list(demo.created.values())


def share_with_vendor(demo: Demo) -> None:
    """The administrator links the demo vendor contact to their vendor; the lead shares one
    corrective action with it and sends it a questionnaire (portal/access.py, sharing.py,
    questionnaires.py)."""
    portal = demo.data["portal"]
    with as_user(demo.users["admin"]):
        portal_access.link(demo.users[portal["contact"]], vendor(portal["vendor"]))
    assessment = demo.created[portal["share"]["assessment"]]
    action = CorrectiveAction.objects.select_related("finding__assessment").get(
        finding__assessment=assessment, finding__question__code=portal["share"]["question"]
    )
    with as_user(demo.users["lead"]):
        sharing.share(action, demo.users["lead"])
    sent = portal.get("questionnaire")
    if sent:
        with as_user(demo.users["lead"]):
            portal_questionnaires.send(
                demo.created[sent["assessment"]],
                demo.users["lead"],
                [demo.users[portal["contact"]].pk],
                demo.today + timedelta(days=sent["due_days"]),
            )


def vendor(name: str) -> Vendor:
    try:
        return Vendor.objects.get(name=name)
    except Vendor.DoesNotExist:
        raise CommandError(f"Vendor {name!r} is missing: run `manage.py load_reference_data` first.") from None


# --- Sites ------------------------------------------------------------------------------------
def add_sites(demo: Demo) -> dict[str, Site]:
    """A site with cleanroom grades and a GMP certificate for each vendor of the file, as the admin."""
    dates = demo.data["certificate_dates"]
    sites = {}
    with as_user(demo.users["admin"]):
        for spec in demo.data["sites"]:
            grades = {f"grade_{g.lower()}": g in spec["grades"] for g in "ABCD"}
            defaults = {"city": spec["city"], "country": spec["country"], "notes": demo.data["site_note"]}
            defaults.update(floor_area_sq_ft=spec["floor_area_sq_ft"], **grades)
            site, created = Site.objects.get_or_create(
                vendor=vendor(spec["vendor"]), name=spec["name"], defaults=defaults
            )
            if created:
                GMPCertificate.objects.create(
                    site=site,
                    covers_atmp=True,
                    issued_on=demo.today - timedelta(days=dates["issued_days_ago"]),
                    expires_on=demo.today + timedelta(days=dates["expires_in_days"]),
                    **spec["certificate"],
                )
            sites[spec["vendor"]] = site
    return sites


# --- One assessment ---------------------------------------------------------------------------
def add_assessment(demo: Demo, spec: dict, site: Site | None) -> Assessment:
    """Plan the assessment, then take it as far as its stage: answers, findings, workflow steps."""
    assessment = plan(demo, spec, site)
    if spec["stage"] == "planned":
        return assessment
    answer(demo, assessment, spec)
    attach_evidence(demo, assessment)
    follow_ups = raise_findings(demo, assessment, spec)
    assessment.refresh_from_db()  # the first answer started it (planned -> in progress)
    advance(demo, assessment, spec, follow_ups)
    assessment.refresh_from_db()
    return assessment


def audit_days(demo: Demo, spec: dict) -> tuple[date, date]:
    start = demo.today - timedelta(days=spec["days_ago"])
    return start, start + timedelta(days=spec["duration_days"] - 1)


def plan(demo: Demo, spec: dict, site: Site | None) -> Assessment:
    """The planned assessment as the lead auditor, with the answers of the one it is based on."""
    lead = demo.users["lead"]
    start, end = audit_days(demo, spec)
    with as_user(lead):
        assessment = Assessment.objects.create(
            vendor=vendor(spec["vendor"]),
            site=site,
            checklist=demo.checklist,
            kind=spec["kind"],
            mode=spec["mode"],
            scope=f"{DEMO_MARK} {spec['scope']}",
            planned_start=start,
            planned_end=end,
            performed_start=start if spec["stage"] != "planned" else None,
            performed_end=end if spec["stage"] in FINISHED else None,
            lead_auditor=lead,
            reviewer=demo.users["reviewer"],
            created_by=lead,
            **spec.get("narrative", {}),
        )
        assessment.audit_team.set([demo.users["auditor"]])
        if spec.get("based_on"):
            answer_service.carry_over(assessment, demo.created[spec["based_on"]], lead)
        evaluation.refresh(assessment)
    return assessment


def answer_items(demo: Demo, spec: dict) -> list[dict]:
    """The answer items of this assessment, in checklist order: the baseline with its own answers."""
    own = spec.get("answers", {})
    only = spec.get("answer_only")
    ordered = sorted(demo.questions.values(), key=lambda q: (q.criterion.order, q.order))
    items = []
    for question in ordered:
        if only and question.code not in only and question.criterion.code not in only:
            continue
        # Without a comment of its own, a carried-over comment is kept as it was.
        baseline = {"value": demo.data["baseline"][question.code]}
        items.append({"question": question.code, **own.get(question.code, baseline)})
    return items


def answer(demo: Demo, assessment: Assessment, spec: dict) -> None:
    """The auditor answers the criteria of their speciality, the lead auditor the rest."""
    items = answer_items(demo, spec)
    for user in (demo.users["lead"], demo.users["auditor"]):
        mine = [item for item in items if demo.author(item["question"]) == user]
        if mine:
            with as_user(user):
                answer_service.save_answers(assessment, user, mine)


def attach_evidence(demo: Demo, assessment: Assessment) -> None:
    """Whoever answered a question that requires evidence attaches a file to it (N/A needs none)."""
    needing = (
        Answer.objects.filter(assessment=assessment, question__evidence_required=True)
        .exclude(value="na")
        .exclude(value=None)
        .values_list("question__code", flat=True)
    )
    for code in needing:
        user = demo.author(code)
        upload = SimpleUploadedFile(
            f"{code} record seen on site.pdf", evidence_pdf(f"Demo evidence for {code}"), "application/pdf"
        )
        with as_user(user):
            evidence_service.attach(assessment, user, code, upload)


def evidence_pdf(text: str) -> bytes:
    """A one-page PDF saying `text`: small, valid, made without a renderer (demo data only)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def raise_findings(demo: Demo, assessment: Assessment, spec: dict) -> list[tuple[CorrectiveAction, dict]]:
    """The findings and their corrective actions; the vendor's follow-ups, which come after approval."""
    lead = demo.users["lead"]
    _, end = audit_days(demo, spec)
    follow_ups = []
    for finding_spec in spec.get("findings", []):
        author = demo.author(finding_spec["question"])
        fmea = finding_spec.get("fmea", {})
        with as_user(author):
            finding = finding_service.raise_finding(
                assessment,
                author,
                question=demo.questions[finding_spec["question"]],
                classification=finding_spec["classification"],
                description=finding_spec["description"],
                downgrade_rationale=finding_spec.get("downgrade_rationale", ""),
                requirement=finding_spec.get("requirement", ""),
                **{f"fmea_{name}": fmea.get(name) for name in ("severity", "occurrence", "detectability")},
            )
        action_spec = finding_spec.get("action")
        if action_spec:
            due = end + timedelta(days=action_spec["due_days"])
            with as_user(lead):
                action = finding_service.plan_action(
                    finding,
                    lead,
                    description=action_spec["description"],
                    owner=action_spec["owner"],
                    due_date=due,
                    planned_on=end,  # planned at the closing meeting of an audit in the past
                )
            if finding_spec.get("follow_up"):
                follow_ups.append((action, finding_spec["follow_up"]))
    return follow_ups


def advance(demo: Demo, assessment: Assessment, spec: dict, follow_ups: list) -> None:
    """Submit, sign, return or approve as far as the stage, then record the vendor's follow-ups."""
    lead, reviewer, stage = demo.users["lead"], demo.users["reviewer"], spec["stage"]
    if stage in FINISHED:
        with as_user(lead):
            workflow.submit(assessment, lead)
            if stage != "returned":  # the lead signs once the rework is done
                sign(demo, assessment, lead, signatures.Meaning.PERFORMED)
    if stage == "returned":
        with as_user(reviewer):
            workflow.return_for_rework(assessment, reviewer, spec["return_reason"])
    if stage == "approved":
        with as_user(reviewer):
            sign(demo, assessment, reviewer, signatures.Meaning.APPROVED)
        # The vendor's answers to the corrective actions arrive after the approval; the QA
        # reviewer verifies their effectiveness (a signature) and closes the verified ones.
        for action, fields in follow_ups:
            response = {k: v for k, v in fields.items() if k not in ("status", "verification")}
            if fields.get("status") not in ACTION_DONE:
                response["status"] = fields.get("status", CorrectiveAction.Status.OPEN)
            with as_user(lead):
                action = CorrectiveAction.objects.select_related("finding__assessment").get(pk=action.pk)
                finding_service.update_action(action, lead, **response)
            if fields.get("status") in ACTION_DONE:
                with as_user(reviewer):
                    verify(demo, action, reviewer, fields["verification"])
                    if fields["status"] == CorrectiveAction.Status.CLOSED:
                        finding_service.close_action(action, reviewer)


def sign(demo: Demo, assessment: Assessment, user: User, meaning: str):
    request = RequestFactory().post("/")
    request.user = user
    try:
        return signatures.sign(assessment, user, meaning, demo.password, request=request)
    except exceptions.SignatureRefused as exc:
        # Everything is rolled back, including the failed attempt's lock-out count.
        raise CommandError(
            f"{user.username} could not sign {assessment.reference}: {exc} Run "
            "`manage.py demo_accounts` again (it resets the demo passwords)."
        ) from exc


def verify(demo: Demo, action: CorrectiveAction, user: User, verification: str):
    """The QA reviewer's verification signature, with the same password as `sign`."""
    request = RequestFactory().post("/")
    request.user = user
    try:
        return finding_service.verify_action(action, user, verification, demo.password, request=request)
    except exceptions.SignatureRefused as exc:
        raise CommandError(f"{user.username} could not verify {action}: {exc}") from exc
