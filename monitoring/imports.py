"""Importing environmental-monitoring results into an assessment: a new data set of the
assessment's site, every sample judged against the limits in force, all in one transaction or
nothing. The API, the page and the benchmark call `import_samples`.

The content rules of the assessment apply (assessments/workflow.py): only its audit team imports,
never into a submitted, approved or cancelled assessment (409), and after a return with a reason.
The audit trail records the data set (site, period, sample count, the SHA-256 of the file and of
the samples as stored) and its review by the assessment, attributed to the person; the samples
are written once, in bulk, and never change."""

from django.db import transaction

from assessments import workflow
from assessments.models import Assessment
from config.exceptions import ConflictError, InvalidInput

from . import answers, classification, formats, limits
from .models import DataSet, DataSetReview, Sample

BATCH = 2_000


def check_may_import(assessment: Assessment, user, reason: str = "") -> None:
    """Whether `user` may import into `assessment` now: before anything is read."""
    workflow.check_editable(assessment, user, reason)
    if assessment.site_id is None:
        raise ConflictError(
            f"{assessment.reference} names no site: the lead auditor sets the audited site in the planning first; "
            "environmental-monitoring data belong to a site."
        )


def judge(rows: list[formats.Row], site, table) -> list[Sample]:
    """Unsaved samples with the limits they are judged by and their result."""
    by_key = limits.limits_for(site, table)
    samples = []
    for r in rows:
        action, alert = by_key.get((r.grade, r.state, r.kind), (None, None))
        samples.append(
            Sample(
                line=r.line,
                location=r.location,
                grade=r.grade,
                state=r.state,
                kind=r.kind,
                value=r.value,
                sampled_at=r.sampled_at,
                action_limit=action,
                alert_limit=alert,
                result=classification.classify(r.value, action, alert),
            )
        )
    return samples


def import_samples(
    assessment: Assessment,
    user,
    source: formats.Source,
    reason: str = "",
    *,
    check=check_may_import,
    answer_from_data: bool = True,
) -> tuple[DataSet, list]:
    """Check every row of `source`, then create the data set and its samples. Any bad row: an
    EMDataInvalid listing each one, and nothing is kept. `check(assessment, user, reason)` says
    who may import (the audit team; the portal passes the rule of a vendor's questionnaire);
    `answer_from_data`: answer the unanswered EM questions from the data, as the audit team's
    answers (never for a vendor's import: the audit's answers are the audit's own)."""
    check(assessment, user, reason)
    rows = formats.check_rows(source)
    table = limits.table_in_force()
    samples = judge(rows, assessment.site, table)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("site").get(pk=assessment.pk)
        check(locked, user, reason)
        data_set = DataSet(
            site=locked.site,
            period_start=min(r.sampled_at for r in rows).date(),
            period_end=max(r.sampled_at for r in rows).date(),
            limit_table=table,
            imported_for=locked,
            source_format=source.format,
            source_name=source.name,
            source_sha256=source.sha256,
            content_sha256=formats.content_sha256(rows),
            sample_count=len(rows),
            imported_by=user,
        )
        data_set._change_reason = reason
        data_set.save()
        for sample in samples:
            sample.data_set = data_set
        Sample.objects.bulk_create(samples, batch_size=BATCH)
        review = DataSetReview(assessment=locked, data_set=data_set, added_by=user)
        review._change_reason = reason
        review.save()
        if answer_from_data:
            answers.answer_unanswered(locked, user, reason)
    return data_set, samples


def data_sets_to_review(assessment: Assessment):
    """The data sets of the assessment's site that it does not review yet (imported for an earlier
    audit, or by the vendor for a questionnaire), newest first."""
    if assessment.site_id is None:
        return DataSet.objects.none()
    return (
        DataSet.objects.filter(site_id=assessment.site_id)
        .exclude(reviews__assessment=assessment)
        .select_related("site", "imported_by", "imported_for")
        .order_by("-period_end", "-pk")
    )


def review_data_set(assessment: Assessment, user, data_set_id, reason: str = "") -> DataSetReview:
    """The assessment reviews a data set imported before, of its own site: the same content rules
    as an import (the audit team, an open record, a reason after a return); another site's data
    set or one it reviews already is a 409, an id that is none 400. Its samples are the ones
    stored, judged by the limits they were judged by."""
    check_may_import(assessment, user, reason)
    if isinstance(data_set_id, bool) or not isinstance(data_set_id, int):
        raise InvalidInput({"data_set": ["Give the id of an EM data set of the assessment's site."]})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("site").get(pk=assessment.pk)
        check_may_import(locked, user, reason)
        data_set = DataSet.objects.select_related("site").filter(pk=data_set_id).first()
        if data_set is None:
            raise InvalidInput({"data_set": [f"There is no EM data set {data_set_id}."]})
        if data_set.site_id != locked.site_id:
            raise ConflictError(
                f"{data_set.reference} holds results of {data_set.site.name}; {locked.reference} audits "
                f"{locked.site.name}: an assessment reviews the data of its own site."
            )
        if DataSetReview.objects.filter(assessment=locked, data_set=data_set).exists():
            raise ConflictError(f"{locked.reference} reviews {data_set.reference} already.")
        review = DataSetReview(assessment=locked, data_set=data_set, added_by=user)
        review._change_reason = reason or f"{data_set.reference} reviewed in {locked.reference}."
        review.save()
        answers.answer_unanswered(locked, user, reason)
    return review
