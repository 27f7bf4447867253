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
from config.exceptions import ConflictError

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


def import_samples(assessment: Assessment, user, source: formats.Source, reason: str = "") -> tuple[DataSet, list]:
    """Check every row of `source`, then create the data set and its samples. Any bad row: an
    EMDataInvalid listing each one, and nothing is kept."""
    check_may_import(assessment, user, reason)
    rows = formats.check_rows(source)
    table = limits.table_in_force()
    samples = judge(rows, assessment.site, table)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("site").get(pk=assessment.pk)
        check_may_import(locked, user, reason)
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
        answers.answer_unanswered(locked, user, reason)
    return data_set, samples
