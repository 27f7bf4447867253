"""One filter set of EM samples, for the API's list (and any page that lists samples)."""

import django_filters

from .choices import Grade, Result, RoomState, SampleKind
from .models import Sample


class SampleFilterSet(django_filters.FilterSet):
    data_set = django_filters.NumberFilter(field_name="data_set_id", min_value=1, max_value=2**63 - 1)
    result = django_filters.ChoiceFilter(choices=Result.choices)
    grade = django_filters.ChoiceFilter(choices=Grade.choices)
    state = django_filters.ChoiceFilter(choices=RoomState.choices)
    kind = django_filters.ChoiceFilter(choices=SampleKind.choices)
    location = django_filters.CharFilter(max_length=120)

    class Meta:
        model = Sample
        fields = ["data_set", "result", "grade", "state", "kind", "location"]
