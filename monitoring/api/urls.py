from django.urls import path

from .views import EMAnswersView, EMDataSetsView, EMDecisionView, EMLimitsView, EMResultsView, EMSummaryView

urlpatterns = [
    path("assessments/<int:pk>/em-results/", EMResultsView.as_view(), name="em-results"),
    path("assessments/<int:pk>/em-results/summary/", EMSummaryView.as_view(), name="em-summary"),
    path("assessments/<int:pk>/em-results/decisions/", EMDecisionView.as_view(), name="em-decisions"),
    path("assessments/<int:pk>/em-results/answers/", EMAnswersView.as_view(), name="em-answers"),
    path("assessments/<int:pk>/em-data-sets/", EMDataSetsView.as_view(), name="em-data-sets"),
    path("em-limits/", EMLimitsView.as_view(), name="em-limits"),
]
