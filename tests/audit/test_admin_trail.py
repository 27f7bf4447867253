"""The admin's audit trail stays bounded however long the trail grows (audit/admin.py): the list
counts at most `COUNT_CAP` + 1 entries, says "more than" past the cap, and filters by date
without reading every entry's date."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import admin as trail_admin
from audit.models import AuditEntry
from vendors.models import Vendor

pytestmark = pytest.mark.django_db
LIST = "/admin/audit/auditentry/"


@pytest.fixture
def trail():
    for n in range(6):
        Vendor.objects.create(name=f"Vendor {n}", country="DE")  # each creation is an entry
    return AuditEntry.objects.count()


def test_past_the_cap_the_list_says_more_than_and_never_counts_the_whole_trail(
    client, quality_admin, trail, monkeypatch
):
    monkeypatch.setattr(trail_admin, "COUNT_CAP", 3)
    client.force_login(quality_admin)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST)
    assert page.status_code == 200
    assert "More than 3 entries" in page.content.decode()
    counts = [
        q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "audit_auditentry" in q["sql"]
    ]
    assert counts and all("LIMIT 4" in sql for sql in counts)  # capped; no full count for "show all"


def test_under_the_cap_it_gives_the_number(client, quality_admin, trail):
    client.force_login(quality_admin)
    page = client.get(LIST).content.decode()
    assert f"{trail} audit trail" in page and "More than" not in page


def test_the_date_filter_narrows_the_list(client, quality_admin, trail):
    client.force_login(quality_admin)
    page = client.get(LIST).content.decode()
    assert "Past 7 days" in page  # DateFieldListFilter, not the date hierarchy
    assert 'class="xfull"' not in page and "date_hierarchy" not in page
    long_ago = client.get(
        LIST, {"timestamp__gte": "2000-01-01 00:00:00+00:00", "timestamp__lt": "2000-01-02 00:00:00+00:00"}
    )
    assert long_ago.status_code == 200 and "0 audit trail" in long_ago.content.decode()
