from loops.models import Candidate
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


def test_no_page_holds_more_than_500_rows_whatever_is_asked(api, hana, rubric):
    """The cap of keeper.api.Pagination, shown with more rows than it allows."""
    Candidate.objects.bulk_create(
        Candidate(name=f"Candidate {n:03}", email=f"c{n}@example.com", level="senior", created_by=hana)
        for n in range(501)
    )
    api.force_authenticate(hana)

    asked = {size: api.get("/api/v1/candidates/", {"page_size": size}) for size in (500, 501, 100_000, 999_999_999)}
    default = api.get("/api/v1/candidates/")
    last = api.get("/api/v1/candidates/", {"page_size": 500, "page": 2})

    assert {size: len(r.json()) for size, r in asked.items()} == dict.fromkeys(asked, 500)
    assert all('rel="next"' in r["Link"] and "page_size=500" in r["Link"] for r in asked.values())
    assert len(default.json()) == 100
    assert [c["name"] for c in last.json()] == ["Candidate 500"]
    assert 'rel="next"' not in last["Link"]


def test_a_page_size_or_number_past_nine_digits_is_a_400(api, hana, rubric):
    api.force_authenticate(hana)

    responses = [
        api.get("/api/v1/loops/", {"page_size": "1" + "0" * 9}),
        api.get("/api/v1/loops/", {"page": "1" + "0" * 9}),
        api.get("/api/v1/loops/", {"page_size": "-1"}),
        api.get("/api/v1/loops/", {"page": "1.5"}),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400, 400]
    assert [sorted(r.json()) for r in responses] == [["page_size"], ["page"], ["page_size"], ["page"]]
