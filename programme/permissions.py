"""Who may read and schedule the audit programme (built on the role predicates of
accounts/permissions.py): quality administrators and lead auditors schedule; auditors and QA
reviewers read; vendor contacts see nothing of it. The calendar feed is read with the permissions
of the user whose token it is."""

import rules

from accounts.permissions import is_lead_auditor, is_quality_admin, is_quality_staff

rules.add_perm("programme.view_programme", is_quality_staff)
rules.add_perm("programme.schedule_item", is_lead_auditor | is_quality_admin)
rules.add_perm("programme.use_feed", is_quality_staff)
