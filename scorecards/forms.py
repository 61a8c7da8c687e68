"""The scorecard form's field names, shared by the page (HTML and its script) and the
server-side amendment view, turned into the API's content shape."""

from django.http import QueryDict

NOT_ASSESSED = "na"


def content_from_post(post: QueryDict, *, values: list[str], criteria: list[int], failure_modes: list[int]) -> dict:
    """The scorecard content a posted form describes, in the shape ``ScorecardContentInput`` validates."""
    value_ratings = []
    for slug in values:
        choice = post.get(f"rating-{slug}", "")
        evidence = post.get(f"evidence-{slug}", "")
        if choice == NOT_ASSESSED:
            value_ratings.append({"value": slug, "rating": None, "evidence": evidence})
        elif choice:
            value_ratings.append({"value": slug, "rating": choice, "evidence": evidence})
        elif evidence.strip():
            value_ratings.append({"value": slug, "evidence": evidence})
    criterion_ratings = [
        {"criterion": cid, "rating": post.get(f"crit-rating-{cid}") or None, "notes": post.get(f"crit-notes-{cid}", "")}
        for cid in criteria
        if post.get(f"crit-rating-{cid}") or post.get(f"crit-notes-{cid}", "").strip()
    ]
    red_flags = [
        {"failure_mode": fid, "note": post.get(f"flag-note-{fid}", "")}
        for fid in failure_modes
        if post.get(f"flag-{fid}")
    ]
    return {
        "value_ratings": value_ratings,
        "criterion_ratings": criterion_ratings,
        "red_flags": red_flags,
        "recommendation": post.get("recommendation", ""),
        "keeper": post.get("keeper", ""),
        "summary": post.get("summary", ""),
    }
