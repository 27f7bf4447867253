"""Dashboards, comparison and audit-trail pages (assessments/views/insights.py)."""
from django.urls import path

from .views import insights

app_name = "insights"
urlpatterns = [
    path("insights/vendors/", insights.risk_vendors, name="risk_vendors"),
    path("compare/", insights.compare, name="compare"),
    path("compare.csv", insights.compare_csv, name="compare_csv"),
    path("assessments/<int:pk>/history/", insights.history, name="history"),
    path("assessments/<int:pk>/history.csv", insights.history_csv, name="history_csv"),
]
