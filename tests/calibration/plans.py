"""The Netflix rubric's interview rounds exactly as ``calibration.services.rubric_round_plans``
reads them from a fresh database (values in the rubric's order, criteria with the ids loading the
rubric gives them), without the database: the same seed then plans the same loops here as
``manage.py simulate_loops`` writes there."""

from calibration.simulation import QuestionPlan, RoundPlan

VALUES = [
    "judgment",
    "selflessness",
    "courage",
    "curiosity",
    "innovation",
    "inclusion",
    "integrity",
    "passion",
    "communication",
]
ROUNDS = [
    RoundPlan("recruiter-screen", ("curiosity", "passion", "communication"), (QuestionPlan(7, (18, 19, 20)),)),
    RoundPlan(
        "hiring-manager-screen", ("judgment", "courage", "innovation", "communication"), (QuestionPlan(1, (1, 2, 3)),)
    ),
    RoundPlan("coding", ("curiosity", "innovation", "communication"), (QuestionPlan(5, (12, 13, 14)),)),
    RoundPlan(
        "system-design",
        ("judgment", "curiosity", "innovation"),
        (QuestionPlan(2, (4, 5, 6)), QuestionPlan(4, (9, 10, 11))),
    ),
    RoundPlan("behavioral", tuple(VALUES), (QuestionPlan(3, (7, 8)), QuestionPlan(8, (21, 22, 23)))),
    RoundPlan(
        "director-final",
        ("judgment", "selflessness", "courage", "inclusion", "integrity", "passion"),
        (QuestionPlan(6, (15, 16, 17)),),
        is_decision=True,
    ),
]
