"""Which vendor a vendor contact speaks for, and what of it they may see: the rules every portal
page, the portal API and the admin call."""

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.permissions import is_quality_staff
from accounts.roles import Role
from assessments.models import Assessment, CorrectiveAction


def link_problem(user) -> str:
    """Why `user` may not be linked to a vendor, or "" when they may: only a user with the
    vendor-contact role, and not one who also works in the quality organisation (they would
    judge their own company's answers)."""
    if user is None:
        return "Choose the user to link."
    if not user.has_role(Role.VENDOR_CONTACT):
        return f"{user.get_username()} does not have the vendor contact role; give it to them first."
    if is_quality_staff(user):
        return f"{user.get_username()} holds a role of the quality organisation and cannot speak for a vendor."
    return ""


def check_link(user) -> None:
    """Raise a validation error (a form error in the admin, a 400 in the API) when `user` may not
    be linked to a vendor."""
    problem = link_problem(user)
    if problem:
        raise ValidationError({"user": [problem]})


def link(user, vendor):
    """Link `user` (a vendor contact) to `vendor`, or move their link to it."""
    from .models import VendorAccess

    check_link(user)
    access = VendorAccess.objects.filter(user=user).first() or VendorAccess(user=user)
    access.vendor = vendor
    access.full_clean()
    access.save()
    return access


def vendor_of(user):
    """The vendor an active vendor contact speaks for, or None."""
    if not (user and user.is_authenticated and user.is_active and user.has_role(Role.VENDOR_CONTACT)):
        return None
    if is_quality_staff(user):
        return None
    access = getattr(user, "vendor_access", None)
    return access.vendor if access is not None else None


def is_vendor_contact(user) -> bool:
    """A user the portal is for: active, with the role, linked to a vendor."""
    return vendor_of(user) is not None


def shared_actions(user):
    """The corrective actions shared with the vendor `user` speaks for (none for anyone else), of
    assessments that were not cancelled."""
    vendor = vendor_of(user)
    if vendor is None:
        return CorrectiveAction.objects.none()
    return (
        CorrectiveAction.objects.filter(vendor_share__isnull=False, finding__assessment__vendor=vendor)
        .exclude(finding__assessment__status=Assessment.Status.CANCELLED)
        .select_related("finding__assessment__vendor", "vendor_share")
        .order_by("due_date", "pk")
    )


def shared_action_or_404(user, pk):
    """One shared action of the vendor `user` speaks for; 404 for any other, so that a contact of
    another vendor learns nothing of it."""
    action = shared_actions(user).filter(pk=pk).first()
    if action is None:
        raise Http404("Not found.")
    return action
