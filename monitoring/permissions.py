"""Who may see and change the environmental-monitoring records outside an assessment (the admin
and the limit table of the API). Inside an assessment the assessment's own rules apply
(assessments/permissions.py): its audit team imports and decides, whoever may see it reads."""

import rules

from accounts.permissions import is_quality_admin, is_quality_staff

rules.add_perm("monitoring", is_quality_staff)
# The limit table is reference data: the quality organisation reads it; a new version ships as data.
for _model in ("limittable", "actionlimit"):
    rules.add_perm(f"monitoring.view_{_model}", is_quality_staff)
    for _verb in ("add", "change", "delete"):
        rules.add_perm(f"monitoring.{_verb}_{_model}", rules.always_deny)
# A site's alert limits belong to the registry: quality administrators keep them.
rules.add_perm("monitoring.view_alertlimit", is_quality_staff)
for _verb in ("add", "change", "delete"):
    rules.add_perm(f"monitoring.{_verb}_alertlimit", is_quality_admin)
# Data sets and decisions are reached through their assessment; the admin's lists span them all.
for _model in ("dataset", "sample", "datasetreview", "excursionreview"):
    rules.add_perm(f"monitoring.view_{_model}", is_quality_admin)
    for _verb in ("add", "change", "delete"):
        rules.add_perm(f"monitoring.{_verb}_{_model}", rules.always_deny)
