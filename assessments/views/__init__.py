"""Web pages of the assessments app, one module per area: checklists (read-only pages for
auditors), workspace (filling, reviewing and signing an assessment) and insights (dashboards,
comparison, audit-trail timeline)."""
