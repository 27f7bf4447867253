"""Events of the assessment lifecycle that apps above assessments act on, so that assessments
never imports them: `reports` renders the final report when an assessment is approved."""

from django.dispatch import Signal

#: Sent after the approval has been committed, with `assessment_id` and `user_id` (the approver).
assessment_approved = Signal()
