"""Events of the assessment lifecycle that apps above assessments act on, so that assessments
never imports them: `reports` renders the final report when an assessment is approved, and
`notifications` tells the people concerned."""

from django.dispatch import Signal

#: Sent after the approval has been committed, with `assessment_id` and `user_id` (the approver).
assessment_approved = Signal()

# Sent inside the transaction of the change, with `assessment` and `user` (who acted): what a
# receiver writes commits or rolls back with the change itself.
#: People newly named on an assessment (lead, reviewer or team): `people`, a list of users.
people_assigned = Signal()
#: The lead submitted the assessment for review.
assessment_submitted = Signal()
#: The reviewer returned it for rework, with `reason`.
assessment_returned = Signal()
#: The reviewer's approval is recorded (`assessment_approved` follows after the commit).
approval_recorded = Signal()
