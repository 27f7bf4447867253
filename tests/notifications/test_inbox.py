"""The inbox: your own notifications only, newest first, an unread filter, marking read; the bell
fetched after the page loads; the choice of immediate e-mail or a daily digest."""

import re

import pytest

from notifications import events
from notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(lead_auditor, reviewer):
    first = events.tell([lead_auditor], "submitted", "First", "Body one", "/assessments/1/")[0]
    second = events.tell([lead_auditor], "returned", "Second", "Body two", "/assessments/1/")[0]
    theirs = events.tell([reviewer], "submitted", "For the reviewer", "Body", "/")[0]
    return first, second, theirs


def test_the_api_lists_your_own_newest_first_and_filters_unread(lead_api, rows):
    first, second, theirs = rows
    body = lead_api.get("/api/notifications/").json()
    assert [r["id"] for r in body["results"]] == [second.pk, first.pk] and body["count"] == 2
    assert body["results"][0]["event_display"] == "Assessment returned for rework" and body["results"][0]["unread"]

    read = lead_api.post(f"/api/notifications/{first.pk}/read/")
    assert read.status_code == 200 and read.json()["read_at"] and not read.json()["unread"]
    assert [r["id"] for r in lead_api.get("/api/notifications/?unread=true").json()["results"]] == [second.pk]
    assert [r["id"] for r in lead_api.get("/api/notifications/?unread=false").json()["results"]] == [first.pk]
    assert lead_api.get("/api/notifications/?unread=maybe").status_code == 400


def test_someone_elses_notification_is_a_404_and_stays_unread(lead_api, api, rows):
    first, second, theirs = rows
    assert lead_api.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    assert lead_api.post("/api/notifications/999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api.get("/api/notifications/").status_code == 401


def test_the_inbox_page_the_bell_and_marking_read(client, lead_auditor, rows):
    first, second, theirs = rows
    client.force_login(lead_auditor)
    home = client.get("/").content.decode()
    assert 'hx-get="/notifications/bell/"' in home  # the bell's count is its own request
    bell = client.get("/notifications/bell/").content.decode()
    assert 'aria-label="Notifications: 2 unread"' in bell and '<span class="badge">2</span>' in bell

    page = client.get("/notifications/").content.decode()
    assert "2 unread" in page and "First" in page and "Second" in page and "For the reviewer" not in page
    assert page.index("Second") < page.index("First")

    opened = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/assessments/1/"
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=lead_auditor, read_at__isnull=True).exists()
    assert 'aria-label="Notifications: 0 unread"' in client.get("/notifications/bell/").content.decode()


def test_the_digest_choice_is_kept_and_a_bad_one_changes_nothing(client, lead_auditor):
    client.force_login(lead_auditor)
    assert client.post("/notifications/preference/", {"delivery": "daily"}).status_code == 302
    assert Preference.objects.get(user=lead_auditor).delivery == "daily"
    client.post("/notifications/preference/", {"delivery": "hourly"})
    assert Preference.objects.get(user=lead_auditor).delivery == "daily"
    page = client.get("/notifications/").content.decode()
    assert re.search(r'<input type="radio" name="delivery" value="daily"[^>]*checked', page), page
