import django_filters
from django.utils.translation import gettext_lazy, gettext_noop

from config.labels import shown

from .models import Event, Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=shown((("true", gettext_noop("Unread")), ("false", gettext_noop("Read")))),
        method="filter_unread",
        label=gettext_lazy("Read or not"),
        empty_label=gettext_lazy("All"),
    )
    event = django_filters.ChoiceFilter(
        choices=shown(Event.choices), label=gettext_lazy("Event"), empty_label=gettext_lazy("Any event")
    )

    class Meta:
        model = Notification
        fields = ["unread", "event"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=(value == "true"))
