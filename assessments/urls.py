from django.urls import path

from .views import checklists

app_name = "assessments"
urlpatterns = [
    path("checklists/", checklists.ChecklistListView.as_view(), name="checklists"),
    path("checklists/<int:pk>/", checklists.ChecklistDetailView.as_view(), name="checklist"),
]
