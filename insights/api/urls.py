from django.urls import path

from .views import MatchView

urlpatterns = [
    path("vendors/match/", MatchView.as_view(), name="vendor-match"),
]
