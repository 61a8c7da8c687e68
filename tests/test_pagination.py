from loops.services import loop_open
from tests.factories import CandidateFactory


def test_lists_page_with_link_headers_and_cap_the_page_size(api, hana, rubric):
    for _ in range(3):
        loop_open(candidate=CandidateFactory(created_by=hana), hiring_manager=hana, by=hana)
    api.force_authenticate(hana)

    first = api.get("/api/v1/loops/", {"page_size": 2})
    second = api.get("/api/v1/loops/", {"page_size": 2, "page": 2})
    capped = api.get("/api/v1/loops/", {"page_size": 100_000})
    bad = api.get("/api/v1/loops/", {"page_size": "lots", "page": 0})

    assert len(first.json()) == 2
    assert 'rel="next"' in first["Link"]
    assert "page=2" in first["Link"]
    assert len(second.json()) == 1
    assert 'rel="prev"' in second["Link"]
    assert 'rel="next"' not in second["Link"]
    assert len(capped.json()) == 3
    assert bad.status_code == 400
    assert set(bad.json()) == {"page_size", "page"}
