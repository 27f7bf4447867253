from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("checklists/", views.ChecklistListView.as_view(), name="checklists"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="checklist"),
]
