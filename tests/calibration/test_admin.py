"""Calibration in the Django admin (Product §8.1): the G-study's reads per value beside the
rubric's own, read-only, and a recompute on demand."""

import pytest

from calibration.models import Calibration

pytestmark = pytest.mark.django_db


def test_the_admin_shows_the_reads_needed_beside_the_rubrics_reads_per_value(client, ada, calibrated, rubric):
    client.force_login(ada)

    page = client.get("/admin/calibration/calibration/")

    text = page.content.decode().lower()
    assert page.status_code == 200
    assert "reads per value (rubric)" in text and "reads per value for g ≥ 0.80 (g-study)" in text
    assert f"/admin/rubric/rubric/{rubric.pk}/change/" in text
    assert client.get(f"/admin/calibration/calibration/{calibrated.pk}/change/").status_code == 200
    assert client.get("/admin/calibration/calibration/add/").status_code == 403


def test_the_admin_action_recomputes(client, ada, calibrated):
    Calibration.objects.filter(pk=calibrated.pk).update(text="", computed_at=None)
    client.force_login(ada)

    response = client.post(
        "/admin/calibration/calibration/", {"action": "recompute", "_selected_action": [calibrated.pk]}, follow=True
    )

    assert response.status_code == 200
    assert Calibration.objects.get(pk=calibrated.pk).data["scorecards"] == 9
