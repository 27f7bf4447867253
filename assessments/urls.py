from django.urls import path

from .views import workspace

app_name = "assessments"
urlpatterns = [
    path("assessments/", workspace.assessment_list, name="list"),
    path("assessments/new/", workspace.assessment_create, name="create"),
    path("assessments/<int:pk>/", workspace.workspace, name="detail"),
    path("assessments/<int:pk>/answers/<str:code>/", workspace.save_answer, name="save_answer"),
    path("assessments/<int:pk>/answers/<str:code>/evidence/", workspace.upload_evidence, name="upload_evidence"),
    path("evidence/<int:pk>/download/", workspace.download_evidence, name="download_evidence"),
    path("assessments/<int:pk>/findings/", workspace.findings_tab, name="findings"),
    path("assessments/<int:pk>/findings/new/", workspace.raise_finding, name="raise_finding"),
    path("assessments/<int:pk>/minor-reviews/", workspace.review_cluster, name="review_cluster"),
    path("assessments/<int:pk>/step/<str:name>/", workspace.step, name="step"),
    path("assessments/<int:pk>/sign/", workspace.sign, name="sign"),
    path("assessments/<int:pk>/review/", workspace.review, name="review"),
]
