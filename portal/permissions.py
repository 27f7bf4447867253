"""Who may do what in the portal, registered with django-rules like accounts/permissions.py and
assessments/permissions.py. The portal's pages and API ask `portal.use_portal`; a vendor contact's
actions are limited to their own vendor by portal/access.py."""

import rules

from accounts.permissions import is_quality_admin, is_quality_staff
from assessments.permissions import is_lead_of

from . import access


@rules.predicate
def is_linked_vendor_contact(user):
    return access.is_vendor_contact(user)


#: The portal is for the vendor contacts linked to a vendor; the quality organisation works in
#: the assessment's own pages.
rules.add_perm("portal.use_portal", is_linked_vendor_contact)
#: Sharing a corrective action with the vendor, and accepting or rejecting the vendor's response:
#: the lead auditor of its assessment.
rules.add_perm("portal.share_action", is_quality_staff & is_lead_of)
rules.add_perm("portal.decide_response", is_quality_staff & is_lead_of)
#: Sending an assessment in questionnaire mode to the vendor's contacts: its lead auditor.
rules.add_perm("portal.send_questionnaire", is_quality_staff & is_lead_of)

# The admin: quality administrators link vendor contacts to their vendor. Shares and responses
# are written by the portal's rules only, so the admin shows them to nobody.
rules.add_perm("portal", is_quality_admin)
for _perm in ("view", "add", "change", "delete"):
    rules.add_perm(f"portal.{_perm}_vendoraccess", is_quality_admin)
    for _model in ("sharedaction", "vendorresponse", "responseevidence"):
        rules.add_perm(f"portal.{_perm}_{_model}", rules.always_deny)
