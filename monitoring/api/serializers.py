"""The shapes of the EM endpoints (docs/api.md "Added in the second round"; docs/em-format.md)."""

from rest_framework import serializers

from assessments.choices import FindingClass
from config.limits import LONG_TEXT, REASON

from ..choices import Grade, Result, ReviewOutcome, RoomState, SampleKind


def number(value):
    """A Decimal as a JSON number: an integer when it is whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class NumberField(serializers.FloatField):
    def to_representation(self, value):
        return number(value)


class SampleInputSerializer(serializers.Serializer):
    """One sample sent (for the schema: the import checks each row itself and names the bad ones)."""

    location = serializers.CharField(max_length=120)
    grade = serializers.ChoiceField(choices=Grade.choices)
    state = serializers.ChoiceField(choices=RoomState.choices)
    kind = serializers.ChoiceField(choices=SampleKind.choices)
    value = serializers.FloatField(min_value=0)
    sampled_at = serializers.DateTimeField()


class SampleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, allow_null=True)
    data_set = serializers.IntegerField(source="data_set_id", read_only=True)
    line = serializers.IntegerField(read_only=True, help_text="Line of the file, or item of the JSON list (from 1).")
    location = serializers.CharField(read_only=True)
    grade = serializers.ChoiceField(choices=Grade.choices, read_only=True)
    state = serializers.ChoiceField(choices=RoomState.choices, read_only=True)
    kind = serializers.ChoiceField(choices=SampleKind.choices, read_only=True)
    value = NumberField(read_only=True)
    unit = serializers.CharField(read_only=True)
    sampled_at = serializers.DateTimeField(read_only=True)
    limit = NumberField(source="action_limit", read_only=True, allow_null=True, help_text="The action limit, or null.")
    alert_limit = NumberField(read_only=True, allow_null=True)
    result = serializers.ChoiceField(choices=Result.choices, read_only=True)


class GroupSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    state = serializers.ChoiceField(choices=RoomState.choices)
    kind = serializers.ChoiceField(choices=SampleKind.choices)
    location = serializers.CharField()
    unit = serializers.CharField()
    samples = serializers.IntegerField()
    excursions = serializers.IntegerField()
    alerts = serializers.IntegerField()
    highest = NumberField()
    limit = NumberField(allow_null=True)
    alert_limit = NumberField(allow_null=True)
    first = serializers.DateTimeField()
    last = serializers.DateTimeField()


class DataSetSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="data_set.pk")
    reference = serializers.CharField(source="data_set.reference")
    site = serializers.IntegerField(source="data_set.site_id")
    site_name = serializers.CharField(source="data_set.site.name")
    period_start = serializers.DateField(source="data_set.period_start")
    period_end = serializers.DateField(source="data_set.period_end")
    limit_table = serializers.IntegerField(source="data_set.limit_table.version")
    source_format = serializers.CharField(source="data_set.source_format")
    source_name = serializers.CharField(source="data_set.source_name")
    source_sha256 = serializers.CharField(source="data_set.source_sha256")
    content_sha256 = serializers.CharField(source="data_set.content_sha256")
    imported_by = serializers.CharField(source="data_set.imported_by.username")
    imported_at = serializers.DateTimeField(source="data_set.imported_at")
    samples = serializers.IntegerField()
    excursions = serializers.IntegerField()
    alerts = serializers.IntegerField()
    no_limit = serializers.IntegerField()
    older_than_12_months = serializers.IntegerField(source="older")
    stale = serializers.BooleanField()
    repeated_locations = serializers.SerializerMethodField()
    groups = GroupSerializer(many=True)

    def get_repeated_locations(self, obj) -> list[str]:
        return [loc.name for loc in obj.repeated_locations]


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    finding = serializers.IntegerField(source="finding_id", allow_null=True)
    reason = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username")
    decided_at = serializers.DateTimeField()


class ProposalSerializer(serializers.Serializer):
    data_set = serializers.IntegerField(source="data_set.pk")
    location = serializers.CharField()
    grades = serializers.SerializerMethodField()
    excursions = serializers.IntegerField()
    repeated = serializers.BooleanField()
    classification = serializers.ChoiceField(choices=["major", "minor"])
    question = serializers.CharField(source="question_code")
    decision = DecisionSerializer(allow_null=True)

    def get_grades(self, obj) -> list[str]:
        return sorted(obj.grades)


class EMAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    value = serializers.IntegerField()
    comment = serializers.CharField()
    current = serializers.JSONField(allow_null=True, help_text="The stored answer, null when unanswered.")


class TotalsSerializer(serializers.Serializer):
    samples = serializers.IntegerField(default=0)
    excursions = serializers.IntegerField(default=0)
    alerts = serializers.IntegerField(default=0)
    no_limit = serializers.IntegerField(default=0)
    older = serializers.IntegerField(default=0)
    repeated_locations = serializers.IntegerField(default=0)


class SummarySerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    assessment_date = serializers.DateField()
    stale_before = serializers.DateTimeField()
    totals = TotalsSerializer()
    data_sets = DataSetSummarySerializer(many=True, source="summaries")
    proposed_findings = ProposalSerializer(many=True, source="proposals")
    answers = EMAnswerSerializer(many=True, source="em_answers")


class DecisionRequestSerializer(serializers.Serializer):
    data_set = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    location = serializers.CharField(max_length=120)
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    classification = serializers.ChoiceField(
        choices=FindingClass.choices, required=False, help_text="The finding's class; the proposed one when left out."
    )
    downgrade_rationale = serializers.CharField(required=False, allow_blank=True, max_length=LONG_TEXT)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON)


class ActionLimitSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    state = serializers.ChoiceField(choices=RoomState.choices)
    kind = serializers.ChoiceField(choices=SampleKind.choices)
    unit = serializers.CharField()
    limit = NumberField(source="value", allow_null=True, help_text="The action limit; null: none set.")


class AlertLimitSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id")
    grade = serializers.ChoiceField(choices=Grade.choices)
    state = serializers.ChoiceField(choices=RoomState.choices)
    kind = serializers.ChoiceField(choices=SampleKind.choices)
    alert_limit = NumberField(source="value")


class LimitTableSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    source = serializers.CharField()
    effective_from = serializers.DateField()
    limits = ActionLimitSerializer(many=True)
    alert_limits = AlertLimitSerializer(many=True, help_text="The site's alert limits, with ?site=")


class DataSetSerializer(serializers.Serializer):
    """An EM data set as a list of them shows it: which site, which period, how many samples,
    who imported it for which assessment."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    site = serializers.IntegerField(source="site_id")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sample_count = serializers.IntegerField()
    source_sha256 = serializers.CharField()
    imported_by = serializers.CharField(source="imported_by.full_name")
    imported_at = serializers.DateTimeField()
    imported_for = serializers.IntegerField(source="imported_for_id", allow_null=True)


class DataSetsSerializer(serializers.Serializer):
    reviewed = DataSetSerializer(many=True)
    to_review = DataSetSerializer(many=True)


class DataSetReviewRequestSerializer(serializers.Serializer):
    data_set = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True)
