from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("assessments/<int:pk>/em/", views.review, name="review"),
    path("assessments/<int:pk>/em/import/", views.import_file, name="import"),
    path("assessments/<int:pk>/em/decisions/", views.decide, name="decide"),
    path("assessments/<int:pk>/em/data-sets/", views.review_data_set, name="review_data_set"),
    path("assessments/<int:pk>/em/answers/", views.answer, name="answer"),
    path("em/template.csv", views.template, {"file_format": "csv"}, name="template_csv"),
    path("em/template.xlsx", views.template, {"file_format": "xlsx"}, name="template_xlsx"),
]
