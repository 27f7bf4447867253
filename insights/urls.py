"""The home dashboard, the risk matrix, the comparison and the audit-trail pages."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("insights/vendors/", views.risk_vendors, name="risk_vendors"),
    path("compare/", views.compare, name="compare"),
    path("compare.csv", views.compare_csv, name="compare_csv"),
    path("assessments/<int:pk>/history/", views.history, name="history"),
    path("assessments/<int:pk>/history.csv", views.history_csv, name="history_csv"),
]
