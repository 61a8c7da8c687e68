"""The Netflix rubric's interview rounds as the simulation plans them, without the database
(criterion ids are stand-ins): for the tests of the maths on simulated loops."""

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
    RoundPlan("recruiter-screen", ("passion", "communication", "curiosity"), (QuestionPlan(7, (19, 20, 21)),)),
    RoundPlan(
        "hiring-manager-screen", ("judgment", "courage", "innovation", "communication"), (QuestionPlan(1, (1, 2, 3)),)
    ),
    RoundPlan("coding", ("innovation", "curiosity", "communication"), (QuestionPlan(5, (13, 14, 15)),)),
    RoundPlan(
        "system-design",
        ("judgment", "innovation", "curiosity"),
        (QuestionPlan(2, (4, 5, 6)), QuestionPlan(4, (10, 11, 12))),
    ),
    RoundPlan("behavioral", tuple(VALUES), (QuestionPlan(3, (7, 8, 9)), QuestionPlan(8, (22, 23)))),
    RoundPlan(
        "director-final",
        ("judgment", "selflessness", "inclusion", "integrity", "passion", "courage"),
        (QuestionPlan(6, (16, 17, 18)),),
        is_decision=True,
    ),
]
