from django.urls import path

from .views import DismissalView, FeedTokenView, ProgrammeView, ScheduleView

urlpatterns = [
    path("programme/", ProgrammeView.as_view(), name="programme"),
    path("programme/schedule/", ScheduleView.as_view(), name="programme-schedule"),
    path("programme/dismissal/", DismissalView.as_view(), name="programme-dismissal"),
    path("programme/feed-token/", FeedTokenView.as_view(), name="programme-feed-token"),
]
