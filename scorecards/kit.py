"""The interview kit of a scorecard, read from the loop's pinned rubric version so the
anchors and guidance an interviewer sees never change under a running loop (Product §2)."""

from rubric.models import FailureMode, Question
from scorecards.models import Scorecard

SCALE = {"1": "Strong no", "2": "No", "3": "Yes", "4": "Strong yes"}


def scorecard_kit(scorecard: Scorecard) -> dict:
    rubric_round = scorecard.round.rubric_round
    questions = (
        Question.objects.filter(pk__in=[q.pk for q in scorecard.assignment.questions.all()])
        .prefetch_related("values", "criteria")
        .order_by("number")
    )
    return {
        "round": {
            "slug": rubric_round.slug,
            "name": rubric_round.name,
            "purpose": rubric_round.purpose,
            "duration_minutes": rubric_round.duration_minutes,
            "scheduled_start": scorecard.round.scheduled_start,
            "scheduled_end": scorecard.round.scheduled_end,
            "location": scorecard.round.location,
            "video_url": scorecard.round.video_url,
        },
        "values": [
            {"slug": v.slug, "name": v.name, "definition": v.definition, "anchors": v.anchors}
            for v in sorted(scorecard.assignment.values_in_focus.all(), key=lambda v: v.order)
        ],
        "questions": [
            {
                "number": q.number,
                "kind": q.kind,
                "prompt": q.prompt,
                "why": q.why,
                "guidance": q.guidance,
                "values": [v.slug for v in sorted(q.values.all(), key=lambda v: v.order)],
                "criteria": [{"id": c.pk, "text": c.text} for c in q.criteria.all()],
            }
            for q in questions
        ],
        "failure_modes": [
            {"id": f.pk, "text": f.text, "severity": f.severity}
            for f in FailureMode.objects.filter(rubric_id=scorecard.loop.rubric_id).order_by("order")
        ],
        "scale": SCALE,
    }
