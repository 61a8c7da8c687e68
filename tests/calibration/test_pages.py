"""The calibration page for directors and admins, and each interviewer's own leniency on
"My interviews" (Product §8.1): an interviewer never sees a colleague's."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_page_draws_both_plots_and_a_table_per_question(client, dora, calibrated, rubric):
    client.force_login(dora)

    response = client.get("/calibration/", {"rubric": rubric.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 2
    assert "Shrunk leniency per interviewer with 90 % intervals" in page
    assert "Krippendorff's alpha per value with 95 % intervals" in page
    assert page.count('<div class="card">\n    <h3>Q') == 8
    assert "Alice Ng" in page and "Bob Ruiz" in page
    assert "How many reads are enough" in page
    assert "https://" not in page  # nothing from a CDN
    assert "evidence_" not in page


def test_without_a_rubric_the_page_shows_the_published_version(client, ada, calibrated, rubric):
    client.force_login(ada)

    response = client.get("/calibration/")

    assert response.status_code == 200
    assert response.context["rubric"] == rubric
    assert "Calibration" in response.content.decode()


def test_the_page_is_for_directors_and_admins(client, alice, hana, calibrated, rubric):
    for person in (alice, hana):
        client.force_login(person)
        assert client.get("/calibration/", {"rubric": rubric.pk}).status_code == 403
    client.logout()
    assert client.get("/calibration/").status_code == 302


def test_a_bad_or_unseen_rubric_on_the_page(client, dora, rubric):
    client.force_login(dora)

    assert client.get("/calibration/", {"rubric": "x"}).status_code == 400
    assert client.get("/calibration/", {"rubric": "999999"}).status_code == 404


def test_the_nav_shows_calibration_only_to_directors_and_admins(client, dora, alice, rubric):
    client.force_login(dora)
    director = client.get("/interviews/").content.decode()
    client.force_login(alice)
    interviewer = client.get("/interviews/").content.decode()

    assert 'href="/calibration/"' in director
    assert 'href="/calibration/"' not in interviewer


def test_my_interviews_loads_my_own_calibration(client, alice, rubric):
    client.force_login(alice)

    page = client.get("/interviews/").content.decode()

    assert 'hx-get="/interviews/calibration/"' in page


def test_an_interviewer_sees_their_own_leniency_with_how_to_read_it_and_nobody_elses(client, alice, bob, calibrated):
    people = {row["name"]: row for row in calibrated.data["interviewers"]}
    client.force_login(alice)

    mine = client.get("/interviews/calibration/").content.decode()

    assert f"{people['Alice Ng']['leniency']['shrunk']:.2f}" in mine
    assert "How to read it" in mine
    assert "Bob" not in mine and "Hana" not in mine
    assert f"{people['Bob Ruiz']['leniency']['shrunk']:.2f}" not in mine


def test_someone_with_no_rating_beside_a_colleagues_is_told_so(client, eve, calibrated):
    client.force_login(eve)

    response = client.get("/interviews/calibration/")

    assert response.status_code == 200
    assert "No calibration for you yet" in response.content.decode()
