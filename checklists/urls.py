from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("checklists/", views.ChecklistListView.as_view(), name="list"),
    path("checklists/<int:pk>/", views.ChecklistDetailView.as_view(), name="detail"),
]
