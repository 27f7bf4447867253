import django_filters

from .models import Event, Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=(("true", "Unread"), ("false", "Read")), method="filter_unread", label="Read or not", empty_label="All"
    )
    event = django_filters.ChoiceFilter(choices=Event.choices, empty_label="Any event")

    class Meta:
        model = Notification
        fields = ["unread", "event"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=(value == "true"))
