"""The home dashboard and the lists behind its cards, the risk matrix, the comparison and the
audit-trail pages."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("insights/my-assessments/", views.my_assessments, name="my_assessments"),
    path("insights/review-queue/", views.review_queue, name="review_queue"),
    path("insights/requalification-due/", views.requalification_due, name="requalification_due"),
    path("insights/corrective-actions/", views.open_actions, name="open_actions"),
    path("insights/documents-due/", views.documents_due, name="documents_due"),
    path("insights/vendors/", views.risk_vendors, name="risk_vendors"),
    path("compare/", views.compare, name="compare"),
    path("match/", views.match, name="match"),
    path("compare.csv", views.compare_csv, name="compare_csv"),
    path("assessments/<int:pk>/history/", views.history, name="history"),
    path("assessments/<int:pk>/history.csv", views.history_csv, name="history_csv"),
]
