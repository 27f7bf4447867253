"""The audit programme's pages and its calendar feed."""

from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("programme.csv", views.programme_csv, name="csv"),
    path("programme.ics", views.feed, name="feed"),
    path("programme/feed-token/", views.issue_feed_token, name="issue_feed_token"),
    path("programme/feed-token/revoke/", views.revoke_feed_token, name="revoke_feed_token"),
    path("programme/items/<str:key>/schedule/", views.schedule, name="schedule"),
    path("programme/items/<str:key>/dismiss/", views.dismiss, name="dismiss"),
]
