"""Who may read which scorecard (Product §4: independent scoring)."""

import json
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from keeper.ids import ID_MAX
from keeper.lean import from_db
from loops.models import Loop
from loops.selectors import LOOP_OWN_FIELDS, is_hiring_team, loops_led_by
from scorecards.models import Exposure, Scorecard

User = AbstractBaseUser | AnonymousUser


def loops_unlocked_for(user: User) -> QuerySet:
    """Loops where the user has submitted every scorecard of their own: only then do they
    read their colleagues' (Product §4, independent scoring)."""
    mine = Scorecard.objects.filter(interviewer=user)
    return mine.submitted().exclude(loop__in=mine.drafts().values("loop")).values("loop")


def loops_read_in_full_by(user: User) -> QuerySet:
    """Loops whose submitted scorecards and summary the user reads as one of its leads: the
    hiring manager, recruiter, directors and admins. Someone who also interviews on the loop
    waits like any interviewer until their own card is in (Product §4), except a director's
    open card on the decision round: the final round is the one the summary informs (Product §5)."""
    open_own_cards = (
        Scorecard.objects.drafts()
        .filter(interviewer=user)
        .exclude(round__rubric_round__is_decision_round=True)
        .values("loop")
    )
    return loops_led_by(user).exclude(pk__in=open_own_cards)


def scorecards_visible_to(user: User) -> QuerySet[Scorecard]:
    """Drafts to their author alone; submitted ones to the loop's hiring manager, recruiter,
    directors and admins, and to interviewers who have submitted all of their own."""
    if not user.is_authenticated:
        return Scorecard.objects.none()
    return Scorecard.objects.filter(
        Q(interviewer=user)
        | Q(status=Scorecard.Status.SUBMITTED, loop__in=loops_read_in_full_by(user))
        | Q(status=Scorecard.Status.SUBMITTED, loop__in=loops_unlocked_for(user))
    )


def own_cards_on(user: User, loop_id: int) -> list[tuple[str, bool]]:
    """The user's own scorecards on one loop: (status, on the decision round?)."""
    return list(
        Scorecard.objects.filter(loop_id=loop_id, interviewer=user.pk).values_list(
            "status", "round__rubric_round__is_decision_round"
        )
    )


def reads_summary(user: User, loop: Loop, own_cards: list[tuple[str, bool]]) -> bool:
    """The per-object form of ``loops_with_summary_for`` (the same rules, over one loaded loop
    and ``own_cards_on``): reading one loop by its key and deciding here is cheaper than
    building the visibility query on every summary read (issue #9). A test holds the two equal."""
    if not user.is_authenticated:
        return False
    drafts = [decision for status, decision in own_cards if status == Scorecard.Status.DRAFT]
    leads = is_hiring_team(user, loop) and all(drafts)  # only the director's decision-round card may be open
    unlocked = bool(own_cards) and not drafts
    return leads or unlocked


def exposure_first_at(*, user: User, loop_id: int):
    """When the user first read a colleague's scorecard or the summary of this loop, if ever."""
    return Exposure.objects.filter(user=user, loop_id=loop_id).order_by("at").values_list("at", flat=True).first()


def loops_with_summary_for(user: User) -> QuerySet:
    """Loops whose Keeper summary the user reads: the hiring team's, and an interviewer's
    once all their own scorecards there are submitted (Product §5, §7)."""
    if not user.is_authenticated:
        return Loop.objects.none()
    return Loop.objects.filter(Q(pk__in=loops_read_in_full_by(user).values("pk")) | Q(pk__in=loops_unlocked_for(user)))


# The own scorecard a save or a submit works on -------------------------------------------


@lru_cache(maxsize=4)
def _card_read(vendor: str) -> tuple:
    """The scorecard's one-row read: with its revision, round, loop and rubric, and its rows
    (ratings, criteria, flags, and the assignment's values in focus and questions)."""
    from django.db import connection

    from keeper.lean import Joined
    from loops.models import Assignment, Round
    from rubric.models import Question, Rubric, RubricValue
    from scorecards.models import CriterionRating, RedFlag, ScorecardRevision, ValueRating

    quote = connection.ops.quote_name
    card = Joined(
        {
            "scorecard": (
                Scorecard,
                "s",
                [
                    "id",
                    "assignment",
                    "loop",
                    "round",
                    "interviewer",
                    "status",
                    "version",
                    "current_revision",
                    "ratings_completed_at",
                    "submitted_at",
                    "created_at",
                    "updated_at",
                ],
            ),
            "current_revision": (
                ScorecardRevision,
                "r",
                [
                    "id",
                    "scorecard",
                    "number",
                    "kind",
                    "recommendation",
                    "keeper",
                    "summary",
                    "reason",
                    "author",
                    "is_after_exposure",
                    "created_at",
                ],
            ),
            "round": (Round, "d", ["id", "loop", "rubric_round", "order", "ratings_due_at", "evidence_due_at"]),
            "loop": (Loop, "l", ["id", "rubric"]),
            "rubric": (Rubric, "b", ["id", "status", "published_at"]),
        }
    )
    focus, asked = Assignment.values_in_focus.through._meta, Assignment.questions.through._meta
    order = quote(RubricValue._meta.get_field("order").column)
    rows = (
        f"SELECT 'value' AS kind, id, value_id AS ref, rating, evidence AS text, pending "
        f"FROM {ValueRating._meta.db_table} WHERE revision_id = s.current_revision_id "
        f"UNION ALL SELECT 'criterion', id, criterion_id, rating, notes, NULL FROM {CriterionRating._meta.db_table} "
        "WHERE revision_id = s.current_revision_id "
        f"UNION ALL SELECT 'flag', id, failure_mode_id, NULL, note, NULL FROM {RedFlag._meta.db_table} "
        "WHERE revision_id = s.current_revision_id "
        f"UNION ALL SELECT 'focus', v.id, v.{order}, NULL, v.slug, NULL FROM {focus.db_table} f "
        f"JOIN {RubricValue._meta.db_table} v ON v.id = f.{focus.get_field('rubricvalue').column} "
        f"WHERE f.{focus.get_field('assignment').column} = s.assignment_id "
        f"UNION ALL SELECT 'question', q.id, q.number, NULL, NULL, NULL FROM {asked.db_table} a "
        f"JOIN {Question._meta.db_table} q ON q.id = a.{asked.get_field('question').column} "
        f"WHERE a.{asked.get_field('assignment').column} = s.assignment_id"
    )
    # The rows come along as one JSON array in the same row: one round trip for the whole read.
    aggregate = "json_agg(json_build_array" if vendor == "postgresql" else "json_group_array(json_array"
    card_sql = (
        f"SELECT {card.columns()}, "
        f"(SELECT {aggregate}(x.kind, x.id, x.ref, x.rating, x.text, x.pending)) FROM ({rows}) x) "
        f"FROM {Scorecard._meta.db_table} s "
        f"JOIN {ScorecardRevision._meta.db_table} r ON r.id = s.current_revision_id "
        f"JOIN {Round._meta.db_table} d ON d.id = s.round_id "
        f"JOIN {Loop._meta.db_table} l ON l.id = s.loop_id "
        f"JOIN {Rubric._meta.db_table} b ON b.id = l.rubric_id "
        "WHERE s.id = %s AND s.interviewer_id = %s"
    )
    return card, card_sql


def own_scorecard_for_writing(user: User, pk: int) -> Scorecard | None:
    """The user's own scorecard ``pk`` loaded as ``Scorecard.objects.with_ratings()`` loads it
    (its current revision with its rows, its round, its loop's rubric, its assignment's plan),
    in one plain query instead of eight: the read of every save and submit, where the ORM's
    joins and prefetches cost more than the write itself (issue #9). The objects carry the
    fields a save, a submit and their answer use; any other field loads when first read (a
    test holds the answers equal to the ORM's). None when the user owns no scorecard ``pk``."""
    from django.db import connection

    from loops.models import Assignment
    from rubric.models import Question, RubricValue
    from rubric.selectors import rubric_structure
    from scorecards.models import CriterionRating, RedFlag, ValueRating

    if not 0 < pk <= ID_MAX:  # no such key: and out of range, the database would refuse the parameter
        return None
    card, card_sql = _card_read(connection.vendor)
    found = card.read(card_sql, [pk, user.pk])
    if found is None:
        return None
    loaded, (rows,) = found
    if isinstance(rows, str):  # SQLite hands JSON back as text
        rows = json.loads(rows)
    scorecard, revision, loop = loaded["scorecard"], loaded["current_revision"], loaded["loop"]
    revision_id, assignment_id = revision.pk, scorecard.assignment_id
    loop._state.fields_cache["rubric"] = loaded["rubric"]
    structure = rubric_structure(loaded["rubric"])
    by_kind: dict[str, list] = {"value": [], "criterion": [], "flag": [], "focus": [], "question": []}
    for kind, *rest in rows or ():
        by_kind[kind].append(rest)
    value_ratings = [
        from_db(
            ValueRating,
            {
                "id": i,
                "revision_id": revision_id,
                "value_id": ref,
                "rating": rating,
                "evidence": text,
                "pending": bool(pending),
            },
        )
        for i, ref, rating, text, pending in by_kind["value"]
    ]
    criterion_ratings = [
        from_db(
            CriterionRating, {"id": i, "revision_id": revision_id, "criterion_id": ref, "rating": rating, "notes": text}
        )
        for i, ref, rating, text, _ in by_kind["criterion"]
    ]
    red_flags = [
        from_db(RedFlag, {"id": i, "revision_id": revision_id, "failure_mode_id": ref, "note": text})
        for i, ref, _, text, _ in by_kind["flag"]
    ]
    # In the order the models' Meta.ordering gives a read.
    revision._prefetched_objects_cache = {
        "value_ratings": sorted(value_ratings, key=lambda r: structure.value_order[r.value_id]),
        "criterion_ratings": sorted(criterion_ratings, key=lambda r: structure.criterion_order[r.criterion_id]),
        "red_flags": sorted(red_flags, key=lambda r: structure.failure_mode_order[r.failure_mode_id]),
    }
    assignment = from_db(Assignment, {"id": assignment_id})
    assignment._prefetched_objects_cache = {
        "values_in_focus": sorted(
            (
                from_db(RubricValue, {"id": i, "order": order, "slug": slug})
                for i, order, _, slug, _ in by_kind["focus"]
            ),
            key=lambda v: (v.order, v.pk),
        ),
        "questions": sorted(
            (from_db(Question, {"id": i, "number": number}) for i, number, *_ in by_kind["question"]),
            key=lambda q: q.number,
        ),
    }
    for name, value in (
        ("current_revision", revision),
        ("round", loaded["round"]),
        ("loop", loop),
        ("assignment", assignment),
    ):
        scorecard._state.fields_cache[name] = value
    return scorecard


# The loop a summary read works on ----------------------------------------------------------


@lru_cache(maxsize=1)
def _summary_read() -> tuple:
    from django.contrib.auth import get_user_model

    from keeper.lean import Joined
    from loops.models import Round
    from rubric.models import Rubric, RubricRound
    from scorecards.models import KeeperDecision, KeeperSummary

    joined = Joined(
        {
            "loop": (
                Loop,
                "l",
                LOOP_OWN_FIELDS,
            ),
            "rubric": (
                Rubric,
                "b",
                ["id", "status", "published_at", "version", "window_min_weeks", "window_max_weeks"],
            ),
            "keeper_summary": (KeeperSummary, "k", ["id", "loop", "wanted", "computed_for", "text", "computed_at"]),
            "keeper_decision": (KeeperDecision, "d", ["id", "loop", "decision", "rationale", "answers", "by", "at"]),
            "by": (get_user_model(), "u", ["id", "username", "first_name", "last_name"]),
        }
    )
    own = (
        f"SELECT COUNT(*) FROM {Scorecard._meta.db_table} s "
        f"JOIN {Round._meta.db_table} rd ON rd.id = s.round_id "
        f"JOIN {RubricRound._meta.db_table} rr ON rr.id = rd.rubric_round_id "
        "WHERE s.loop_id = l.id AND s.interviewer_id = %s AND s.status = {status} AND {decision}"
    )
    return joined, (
        "SELECT {columns}, "
        f"({own.format(status=repr('draft'), decision='NOT rr.is_decision_round')}), "
        f"({own.format(status=repr('draft'), decision='rr.is_decision_round')}), "
        f"({own.format(status=repr('submitted'), decision='1 = 1')}) "
        f"FROM {Loop._meta.db_table} l JOIN {Rubric._meta.db_table} b ON b.id = l.rubric_id "
        f"LEFT JOIN {KeeperSummary._meta.db_table} k ON k.loop_id = l.id "
        f"LEFT JOIN {KeeperDecision._meta.db_table} d ON d.loop_id = l.id "
        f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = d.by_id "
        "WHERE l.id = %s"
    )


def summary_loop_read(user: User, pk: int) -> tuple[Loop, list[tuple[str, bool]]] | None:
    """Loop ``pk`` with its rubric, stored summary and decision (its author's name), and the
    user's own cards on it in the form of ``own_cards_on``: one statement, where the ORM's
    joins and a second query cost more than serving the stored summary (issue #9). None when
    there is no such loop. The decision's frozen summary is left unread (it loads if read)."""
    if not 0 < pk <= ID_MAX:
        return None
    joined, sql = _summary_read()
    me = user.pk if user.is_authenticated else None
    found = joined.read(sql.replace("{columns}", joined.columns()), [me, me, me, pk])
    if found is None:
        return None
    parts, (open_others, open_decision, submitted) = found
    loop = parts["loop"]
    loop._state.fields_cache["rubric"] = parts["rubric"]
    loop._state.fields_cache["keeper_summary"] = parts["keeper_summary"]
    loop._state.fields_cache["keeper_decision"] = parts["keeper_decision"]
    if parts["keeper_decision"] is not None:
        parts["keeper_decision"]._state.fields_cache["by"] = parts["by"]
    own_cards = (
        [(Scorecard.Status.DRAFT, False)] * open_others
        + [(Scorecard.Status.DRAFT, True)] * open_decision
        + [(Scorecard.Status.SUBMITTED, False)] * submitted
    )
    return loop, own_cards
