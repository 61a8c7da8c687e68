"""The scorecard form's field names, shared by the page (HTML and its script) and the
server-side amendment view, turned into the API's content shape."""

from django.http import QueryDict

NOT_ASSESSED = "na"


def _whole_number(text: str | None) -> int | str | None:
    """A form posts every rating as text; the API's body takes numbers (anything else stays as
    it was, for the validation to name)."""
    return int(text) if text and text.isdigit() else text


def content_from_post(post: QueryDict, *, values: list[str], criteria: list[int], failure_modes: list[int]) -> dict:
    """The scorecard content a posted form describes, in the shape ``ScorecardContentInput`` validates."""
    value_ratings = []
    for slug in values:
        choice = post.get(f"rating-{slug}", "")
        evidence = post.get(f"evidence-{slug}", "")
        if choice == NOT_ASSESSED:
            value_ratings.append({"value": slug, "rating": None, "evidence": evidence})
        elif choice:
            value_ratings.append({"value": slug, "rating": _whole_number(choice), "evidence": evidence})
        elif evidence.strip():
            value_ratings.append({"value": slug, "evidence": evidence})
    criterion_ratings = [
        {
            "criterion": cid,
            "rating": _whole_number(post.get(f"crit-rating-{cid}")) or None,
            "notes": post.get(f"crit-notes-{cid}", ""),
        }
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
