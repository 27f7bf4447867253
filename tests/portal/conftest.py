import pytest

from accounts.roles import Role
from portal import access
from vendors.models import Vendor


@pytest.fixture
def contact(vendor_contact, vendor):
    """`vendor_contact`, linked to `vendor`, with an e-mail address."""
    vendor_contact.email = "contact@cellvector.example"
    vendor_contact.save(update_fields=["email"])
    access.link(vendor_contact, vendor)
    return vendor_contact


@pytest.fixture
def other_contact(make_user):
    """A vendor contact of another vendor."""
    other = Vendor.objects.create(name="Other Cells AG", country="CH")
    user = make_user("othercontact", Role.VENDOR_CONTACT, email="other@othercells.example")
    access.link(user, other)
    return user


@pytest.fixture
def contact_api(api_as, contact):
    return api_as(contact)
