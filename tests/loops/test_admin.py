def test_the_loop_admin_shows_the_timeline_read_only(client, ada, loop):
    client.force_login(ada)

    page = client.get(f"/admin/loops/loop/{loop.pk}/change/")
    listing = client.get("/admin/loops/loop/", {"q": "Jordan"})
    refused = client.post(f"/admin/loops/loop/{loop.pk}/change/", {"status": "hired"})

    assert page.status_code == 200
    assert "Loop opened for Jordan Rivera" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert listing.status_code == 200
    assert "Jordan Rivera" in listing.content.decode()
    assert refused.status_code == 403
    loop.refresh_from_db()
    assert loop.status == "active"


def test_the_candidate_admin_searches_by_email(client, ada, candidate):
    client.force_login(ada)

    response = client.get("/admin/loops/candidate/", {"q": "jordan@example"})

    assert response.status_code == 200
    assert "Jordan Rivera" in response.content.decode()
