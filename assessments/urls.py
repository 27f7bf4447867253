from django.urls import path

from .views import findings, offline, planning, review, workspace

app_name = "assessments"
urlpatterns = [
    path("assessments/", planning.assessment_list, name="list"),
    path("assessments/new/", planning.assessment_create, name="create"),
    path("assessments/sw.js", offline.service_worker, name="service_worker"),
    path("assessments/<int:pk>/", workspace.workspace, name="detail"),
    path("assessments/<int:pk>/summary/", planning.report_summary, name="summary"),
    path("assessments/<int:pk>/answers/<str:code>/", workspace.save_answer, name="save_answer"),
    path("assessments/<int:pk>/answers/<str:code>/evidence/", workspace.upload_evidence, name="upload_evidence"),
    path("assessments/<int:pk>/answers/<str:code>/comments/", workspace.comment_on_question, name="comment"),
    path("assessments/<int:pk>/answers/<str:code>/finding-form/", workspace.finding_form, name="finding_form"),
    path("evidence/<int:pk>/download/", workspace.download_evidence, name="download_evidence"),
    path("evidence/<int:pk>/remove/", workspace.remove_evidence, name="remove_evidence"),
    path("assessments/<int:pk>/findings/", findings.findings_tab, name="findings"),
    path("assessments/<int:pk>/findings/new/", findings.raise_finding, name="raise_finding"),
    path("findings/<int:pk>/edit/", findings.edit_finding, name="edit_finding"),
    path("findings/<int:pk>/withdraw/", findings.withdraw_finding, name="withdraw_finding"),
    path("findings/<int:pk>/files/", findings.attach_to_finding, name="attach_to_finding"),
    path("finding-files/<int:pk>/download/", findings.download_finding_file, name="download_finding_file"),
    path("corrective-actions/<int:pk>/closure-evidence/", findings.attach_closure_evidence, name="closure_evidence"),
    path("assessments/<int:pk>/minor-reviews/", findings.review_cluster, name="review_cluster"),
    path("corrective-actions/<int:pk>/verification/", findings.verify_action, name="verify_action"),
    path("corrective-actions/<int:pk>/close/", findings.close_action, name="close_action"),
    path("assessments/<int:pk>/step/<str:name>/", review.step, name="step"),
    path("assessments/<int:pk>/sign/", review.sign, name="sign"),
    path("assessments/<int:pk>/review/", review.review, name="review"),
]
