"""Nobody reads what they may not (Product §4, §7): every route of the API and the web pages,
found by walking the URL configuration, is called with every method by every role on objects
in every relation to the caller, and each answer is held against a table written by hand.

- Every answer has the status its table says.
- No answer carries a canary string from an object the caller may not read (tests/security/world.py).
- An object the caller may not see answers exactly like a missing one: same status, same body.
- A method a route does not serve answers the same for every object (405 once signed in).
- A meta-test fails when a route has no row here, or a row names a route that is gone.

Relations, named from the caller's side (the admin and the outsider have no card of their own,
so for them "own" is alice's draft; the admin reads loop A in full, having no card to wait for):

    scorecards  own: the caller's open card in loop A · draft: carol's draft in A · before: bob's
                submitted card in A, while the caller's own is open · after: bob's submitted card
                in B, where the caller's own is submitted · led: dan's card in D, which hana and
                rick run without interviewing · foreign: zed's card in C · missing: no such id
    loops       open: A · submitted: B · led: D · foreign: C · missing
    rounds      the first step of A, B, D, C, missing; pages add crossed: B's step under A's id
    assignments own: the caller's in A · other: carol's in A · led: dan's · foreign: zed's ·
                missing; pages add crossed: dan's assignment under A's id
    candidates  own: A's candidate · foreign: C's · missing
    rubrics     published · draft (a new version, admins only) · missing
    feeds       own: the caller's calendar-feed secret (anonymous callers hold eve's, whose calendar
                is empty: the secret is the credential) · revoked: one turned off · missing
    webhooks    endpoint: ada's, with a delivery logged · missing
"""

import json
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from tests.conftest import round_of
from tests.security.world import CANARY_PATTERN, PANEL, ROLES, World, rolled_back

pytestmark = pytest.mark.django_db

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Not in the matrix: the Django admin (test_independent_scoring.py walks it), Django's sign-in
# views (tests/security/test_sign_in_throttle.py), the schema and its viewers and the health
# check (no objects, nobody's data), the benchmark's baselines (never mounted in production).
OUT_OF_SCOPE = re.compile(r"^(admin/|accounts/|api/schema/|api/docs/|api/redoc/|healthz$|bench/)")


def table(text: str) -> dict[str, dict[str, int]]:
    """A status table: a header of relations, then one row per role."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    parsed = {row[0]: dict(zip(header, map(int, row[1:]), strict=True)) for row in rows}
    assert set(parsed) == set(ROLES), f"a table needs a row for every role: {sorted(set(ROLES) ^ set(parsed))}"
    return parsed


def signed_out(statuses: dict, status: int) -> dict:
    """The same table, but a caller who is not signed in gets ``status`` (pages send them to sign in)."""
    return {**statuses, "anonymous": dict.fromkeys(statuses["anonymous"], status)}


# Scorecards ----------------------------------------------------------------------------------

CARD_READ = table("""
                own  draft  before  after  led  foreign  missing
interviewer     200  404    404     200    404  404      404
hiring_manager  200  404    404     200    200  404      404
director        200  404    404     200    200  200      404
recruiter       200  404    404     200    200  404      404
admin           404  404    200     200    200  200      404
outsider        404  404    404     404    404  404      404
anonymous       401  401    401     401    401  401      401
""")
CARD_EDIT = table("""
                own  draft  before  after  led  foreign  missing
interviewer     200  404    404     403    404  404      404
hiring_manager  200  404    404     403    403  404      404
director        200  404    404     403    403  403      404
recruiter       200  404    404     403    403  404      404
admin           404  404    403     403    403  403      404
outsider        404  404    404     404    404  404      404
anonymous       401  401    401     401    401  401      401
""")
CARD_AMEND = table("""
                own  draft  before  after  led  foreign  missing
interviewer     409  404    404     403    404  404      404
hiring_manager  409  404    404     403    403  404      404
director        409  404    404     403    403  403      404
recruiter       409  404    404     403    403  404      404
admin           404  404    201     201    201  201      404
outsider        404  404    404     404    404  404      404
anonymous       401  401    401     401    401  401      401
""")
CARD_AMEND_PAGE = table("""
                own  draft  before  after  led  foreign  missing
interviewer     302  404    404     403    404  404      404
hiring_manager  302  404    404     403    403  404      404
director        302  404    404     403    403  403      404
recruiter       302  404    404     403    403  404      404
admin           404  404    302     302    302    302    404
outsider        404  404    404     404    404  404      404
anonymous       302  302    302     302    302  302      302
""")

# Loops ---------------------------------------------------------------------------------------

LOOP_READ = table("""
                open  submitted  led  foreign  missing
interviewer     200   200        404  404      404
hiring_manager  200   200        200  404      404
director        200   200        200  200      404
recruiter       200   200        200  404      404
admin           200   200        200  200      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")
LOOP_COORDINATE = table("""
                open  submitted  led  foreign  missing
interviewer     403   403        404  404      404
hiring_manager  200   200        200  404      404
director        403   403        403  403      404
recruiter       200   200        200  404      404
admin           200   200        200  200      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")
LOOP_RESUME = table("""
                open  submitted  led  foreign  missing
interviewer     403   403        404  404      404
hiring_manager  409   409        409  404      404
director        403   403        403  403      404
recruiter       409   409        409  404      404
admin           409   409        409  409      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")
LOOP_COORDINATE_PAGE = table("""
                open  submitted  led  foreign  missing
interviewer     403   403        404  404      404
hiring_manager  302   302        302  404      404
director        403   403        403  403      404
recruiter       302   302        302  404      404
admin           302   302        302  302      404
outsider        404   404        404  404      404
anonymous       302   302        302  302      302
""")
# The summary waits for the reader's own cards, leads' included (Product §4); admins have none.
SUMMARY_READ = table("""
                open  submitted  led  foreign  missing
interviewer     404   200        404  404      404
hiring_manager  404   200        200  404      404
director        404   200        200  200      404
recruiter       404   200        200  404      404
admin           200   200        200  200      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")
# A decision is taken on the summary (Product §5): who may not read it may not learn its verdict by deciding.
DECISION = table("""
                open  submitted  led  foreign  missing
interviewer     404   403        404  404      404
hiring_manager  404   403        403  404      404
director        404   201        201  201      404
recruiter       404   403        403  404      404
admin           403   403        403  403      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")
DECISION_PAGE = signed_out(
    {role: {k: 302 if v == 201 else v for k, v in row.items()} for role, row in DECISION.items()}, 302
)

# The loop's history (issue #11): its hiring team, whom the loop is visible to before that.
HISTORY_READ = table("""
                open  submitted  led  foreign  missing
interviewer     403   403        404  404      404
hiring_manager  200   200        200  404      404
director        200   200        200  200      404
recruiter       200   200        200  404      404
admin           200   200        200  200      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")

# Rounds --------------------------------------------------------------------------------------

ROUND_MANAGE = table("""
                open  submitted  led  foreign  missing
interviewer     403   403        404  404      404
hiring_manager  200   200        200  404      404
director        403   403        403  403      404
recruiter       403   403        403  404      404
admin           200   200        200  200      404
outsider        404   404        404  404      404
anonymous       401   401        401  401      401
""")
ROUND_ASSIGN = {role: {k: 201 if v == 200 else v for k, v in row.items()} for role, row in ROUND_MANAGE.items()}
ROUND_COORDINATE_PAGE = table("""
                open  submitted  led  foreign  missing  crossed
interviewer     403   403        404  404      404      404
hiring_manager  302   302        302  404      404      404
director        403   403        403  403      404      404
recruiter       302   302        302  404      404      404
admin           302   302        302  302      404      404
outsider        404   404        404  404      404      404
anonymous       302   302        302  302      302      302
""")
ROUND_MANAGE_PAGE = table("""
                open  submitted  led  foreign  missing  crossed
interviewer     403   403        404  404      404      404
hiring_manager  302   302        302  404      404      404
director        403   403        403  403      404      404
recruiter       403   403        403  404      404      404
admin           302   302        302  302      404      404
outsider        404   404        404  404      404      404
anonymous       302   302        302  302      302      302
""")

# Assignments ---------------------------------------------------------------------------------

ASSIGNMENT_READ = table("""
                own  other  led  foreign  missing
interviewer     200  404    404  404      404
hiring_manager  200  200    200  404      404
director        200  200    200  200      404
recruiter       200  200    200  404      404
admin           200  200    200  200      404
outsider        404  404    404  404      404
anonymous       401  401    401  401      401
""")
ASSIGNMENT_CHANGE = table("""
                own  other  led  foreign  missing
interviewer     403  404    404  404      404
hiring_manager  200  200    200  404      404
director        403  403    403  403      404
recruiter       403  403    403  404      404
admin           200  200    200  200      404
outsider        404  404    404  404      404
anonymous       401  401    401  401      401
""")
# Removing takes the draft with it; a submitted card keeps its interviewer on the record.
ASSIGNMENT_REMOVE = table("""
                own  other  led  foreign  missing
interviewer     403  404    404  404      404
hiring_manager  204  204    409  404      404
director        403  403    403  403      404
recruiter       403  403    403  404      404
admin           204  204    409  409      404
outsider        404  404    404  404      404
anonymous       401  401    401  401      401
""")
# The pages find the assignment through its loop, which an interviewer sees: 403, not 404.
ASSIGNMENT_PAGE = table("""
                own  other  led  foreign  missing  crossed
interviewer     403  403    404  404      404      404
hiring_manager  302  302    302  404      404      404
director        403  403    403  403      404      404
recruiter       403  403    403  404      404      404
admin           302  302    302  302      404      404
outsider        404  404    404  404      404      404
anonymous       302  302    302  302      302      302
""")

# Candidates and rubrics ----------------------------------------------------------------------

CANDIDATE_READ = table("""
                own  foreign  missing
interviewer     404  404      404
hiring_manager  200  404      404
director        200  200      404
recruiter       200  200      404
admin           200  200      404
outsider        404  404      404
anonymous       401  401      401
""")
RUBRIC_READ = table("""
                published  draft  missing
interviewer     200        404    404
hiring_manager  200        404    404
director        200        404    404
recruiter       200        404    404
admin           200        200    404
outsider        200        404    404
anonymous       401        401    401
""")

# A calendar feed (/calendar/<secret>.ics) needs no session: the secret decides, for anyone.
FEED_READ = table("""
                own  revoked  missing
interviewer     200  404      404
hiring_manager  200  404      404
director        200  404      404
recruiter       200  404      404
admin           200  404      404
outsider        200  404      404
anonymous       200  404      404
""")

# Webhooks (Product §8.3): admins only; anyone else is turned away before the id is looked at.
WEBHOOK_READ = table("""
                endpoint  missing
interviewer     403       403
hiring_manager  403       403
director        403       403
recruiter       403       403
admin           200       404
outsider        403       403
anonymous       401       401
""")
WEBHOOK_REMOVE = {role: {k: 204 if v == 200 else v for k, v in row.items()} for role, row in WEBHOOK_READ.items()}

# Calibration (Product §8.1): directors and admins, of the versions they see; everyone else is
# turned away before the version is looked up, so it never tells them a version exists.
CALIBRATION_READ = table("""
                published  draft  missing
interviewer     403        403    403
hiring_manager  403        403    403
director        200        404    404
recruiter       403        403    403
admin           200        200    404
outsider        403        403    403
anonymous       401        401    401
""")

# Routes without an id: what each role gets, and (checked for every route) no canary it may not read.


def everyone(signed_in: int, anonymous: int) -> dict:
    return {role: {"-": anonymous if role == "anonymous" else signed_in} for role in ROLES}


def by_role(**statuses: int) -> dict:
    return {role: {"-": statuses[role]} for role in ROLES}


HIRING_TEAM = by_role(
    interviewer=403, hiring_manager=200, director=200, recruiter=200, admin=200, outsider=403, anonymous=401
)
OPENERS = by_role(
    interviewer=403, hiring_manager=201, director=403, recruiter=201, admin=201, outsider=403, anonymous=401
)
BOARD_PAGE = signed_out(HIRING_TEAM, 302)
# The team's pages turn others away before they look at the method.
TEAM_PAGE_UNSERVED = by_role(
    interviewer=403, hiring_manager=405, director=405, recruiter=405, admin=405, outsider=403, anonymous=302
)
ADMINS = by_role(
    interviewer=403, hiring_manager=403, director=403, recruiter=403, admin=200, outsider=403, anonymous=401
)
ADMINS_CREATE = {role: {k: 201 if v == 200 else v for k, v in row.items()} for role, row in ADMINS.items()}
WEBHOOK_BODY = {"url": "https://93.184.215.14/hooks/probe", "events": ["loop.decided"]}
NEW_LOOP_PAGE = by_role(
    interviewer=403, hiring_manager=200, director=403, recruiter=200, admin=200, outsider=403, anonymous=302
)


# The routes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One route: its pattern as the resolver spells it, a path with {placeholders} filled from a
    relation's target, the kind of object it takes, and the methods it serves with their tables."""

    pattern: str
    path: str
    kind: str
    methods: dict[str, tuple[dict, Any]] = field(default_factory=dict)
    unserved: dict | None = None  # what a method it does not serve answers, when not the usual 405

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def label(self) -> str:
        """The path with its placeholders in brackets: reads well and works with ``pytest -k``."""
        return re.sub(r"\{(\w+)\}", r"[\1]", self.path.strip("/")) or "home"


def reads(statuses: dict) -> dict:
    return {"GET": (statuses, None), "HEAD": (statuses, None)}


def edit_body(target):
    return {"version": target.version or 1, "summary": "probe"}


AMEND_BODY = {"reason": "probe", "summary": "probe"}
AMEND_FORM = {"reason": "probe", "summary": "probe", "recommendation": "yes", "keeper": "yes"}

ROWS = [
    # API: scorecards
    Row("api/v1/scorecards/(?P<pk>[0-9]+)/$", "/api/v1/scorecards/{card}/", "card",
        {**reads(CARD_READ), "PATCH": (CARD_EDIT, edit_body)}),
    Row("api/v1/scorecards/(?P<pk>[0-9]+)/submit/$", "/api/v1/scorecards/{card}/submit/", "card",
        {"POST": (CARD_EDIT, {})}),
    Row("api/v1/scorecards/(?P<pk>[0-9]+)/amendments/$", "/api/v1/scorecards/{card}/amendments/", "card",
        {"POST": (CARD_AMEND, AMEND_BODY)}),
    Row("api/v1/scorecards/(?P<pk>[0-9]+)/kit/$", "/api/v1/scorecards/{card}/kit/", "card", reads(CARD_READ)),
    Row("api/v1/scorecards/(?P<pk>[0-9]+)/history/$", "/api/v1/scorecards/{card}/history/", "card",
        reads(CARD_READ)),
    # API: loops, the summary and the decision
    Row("api/v1/loops/(?P<pk>[0-9]+)/$", "/api/v1/loops/{loop}/", "loop", reads(LOOP_READ)),
    Row("api/v1/loops/(?P<pk>[0-9]+)/hold/$", "/api/v1/loops/{loop}/hold/", "loop",
        {"POST": (LOOP_COORDINATE, {"reason": "probe"})}),
    Row("api/v1/loops/(?P<pk>[0-9]+)/resume/$", "/api/v1/loops/{loop}/resume/", "loop",
        {"POST": (LOOP_RESUME, {})}),
    Row("api/v1/loops/(?P<pk>[0-9]+)/withdraw/$", "/api/v1/loops/{loop}/withdraw/", "loop",
        {"POST": (LOOP_COORDINATE, {"reason": "probe"})}),
    Row("api/v1/loops/<int:pk>/keeper-summary/", "/api/v1/loops/{loop}/keeper-summary/", "loop",
        reads(SUMMARY_READ)),
    Row("api/v1/loops/<int:pk>/keeper-summary.csv", "/api/v1/loops/{loop}/keeper-summary.csv", "loop",
        reads(SUMMARY_READ)),
    Row("api/v1/loops/<int:pk>/decision/", "/api/v1/loops/{loop}/decision/", "loop",
        {"POST": (DECISION, {"decision": "do_not_keep", "rationale": "probe"})}),
    Row("api/v1/loops/<int:pk>/history/", "/api/v1/loops/{loop}/history/", "loop", reads(HISTORY_READ)),
    # API: rounds and assignments
    Row("api/v1/rounds/(?P<pk>[0-9]+)/$", "/api/v1/rounds/{round}/", "round",
        {**reads(LOOP_READ), "PATCH": (LOOP_COORDINATE, {"status": "skipped"})}),
    Row("api/v1/rounds/(?P<pk>[0-9]+)/outcome/$", "/api/v1/rounds/{round}/outcome/", "round",
        {"POST": (ROUND_MANAGE, {"outcome": "advance"})}),
    Row("api/v1/rounds/(?P<pk>[0-9]+)/assignments/$", "/api/v1/rounds/{round}/assignments/", "round",
        {"POST": (ROUND_ASSIGN, lambda target: {"interviewer": target.newcomer})}),
    Row("api/v1/assignments/(?P<pk>[0-9]+)/$", "/api/v1/assignments/{assignment}/", "assignment",
        {**reads(ASSIGNMENT_READ), "PATCH": (ASSIGNMENT_CHANGE, {"notes": "probe"}),
         "DELETE": (ASSIGNMENT_REMOVE, None)}),
    # API: candidates and rubrics
    Row("api/v1/candidates/(?P<pk>[0-9]+)/$", "/api/v1/candidates/{candidate}/", "candidate",
        reads(CANDIDATE_READ)),
    Row("api/v1/rubrics/(?P<pk>[0-9]+)/$", "/api/v1/rubrics/{rubric}/", "rubric", reads(RUBRIC_READ)),
    # API: webhooks (admins) and the Greenhouse-shaped export (the loop's cards the caller may read)
    Row("api/v1/webhooks/$", "/api/v1/webhooks/", "none",
        {**reads(ADMINS), "POST": (ADMINS_CREATE, WEBHOOK_BODY)}),
    Row("api/v1/webhooks/(?P<pk>[0-9]+)/$", "/api/v1/webhooks/{webhook}/", "webhook",
        {**reads(WEBHOOK_READ), "PATCH": (WEBHOOK_READ, {"active": False}), "DELETE": (WEBHOOK_REMOVE, None)}),
    Row("api/v1/webhooks/(?P<pk>[0-9]+)/rotate/$", "/api/v1/webhooks/{webhook}/rotate/", "webhook",
        {"POST": (WEBHOOK_READ, {"overlap_hours": 2})}),
    Row("api/v1/webhooks/(?P<pk>[0-9]+)/deliveries/$", "/api/v1/webhooks/{webhook}/deliveries/", "webhook",
        reads(WEBHOOK_READ)),
    Row("api/v1/exports/greenhouse/scorecards/", "/api/v1/exports/greenhouse/scorecards/?loop={loop}", "loop",
        reads(LOOP_READ)),
    # API: calibration of a rubric version, named by a query parameter
    Row("api/v1/calibration/", "/api/v1/calibration/?rubric={rubric}", "rubric", reads(CALIBRATION_READ)),
    Row("api/v1/calibration.csv", "/api/v1/calibration.csv?rubric={rubric}", "rubric", reads(CALIBRATION_READ)),
    # API: routes without an id
    Row("api/v1/auth/token/", "/api/v1/auth/token/", "none", {"POST": (everyone(400, 400), {})}),
    Row("api/v1/me/", "/api/v1/me/", "none", reads(everyone(200, 401))),
    Row("api/v1/users/", "/api/v1/users/", "none", reads(HIRING_TEAM)),
    Row("api/v1/rubrics/$", "/api/v1/rubrics/", "none", reads(everyone(200, 401))),
    Row("api/v1/candidates/$", "/api/v1/candidates/", "none",
        {**reads(HIRING_TEAM), "POST": (OPENERS, {"name": "Sam", "email": "sam@example.com", "level": "senior"})}),
    Row("api/v1/loops/$", "/api/v1/loops/", "none",
        {**reads(everyone(200, 401)), "POST": (OPENERS, lambda target: target.new_loop)}),
    Row("api/v1/scorecards/$", "/api/v1/scorecards/", "none", reads(everyone(200, 401))),
    # Pages
    Row("scorecards/<int:pk>/", "/scorecards/{card}/", "card", reads(signed_out(CARD_READ, 302))),
    Row("scorecards/<int:pk>/amend/", "/scorecards/{card}/amend/", "card", {"POST": (CARD_AMEND_PAGE, AMEND_FORM)}),
    Row("loops/<int:pk>/", "/loops/{loop}/", "loop", reads(signed_out(LOOP_READ, 302))),
    # The loop page's "Who said what", served by the scorecards app: only the cards the reader may read.
    Row("loops/<int:pk>/scorecards/", "/loops/{loop}/scorecards/", "loop", reads(signed_out(LOOP_READ, 302))),
    # One view for the three moves (the move is a path parameter; the API rows above probe each).
    Row(r"^loops/(?P<pk>[0-9]+)/(?P<move>hold|resume|withdraw)/$", "/loops/{loop}/hold/", "loop",
        {"POST": (LOOP_COORDINATE_PAGE, {"reason": "probe"})}),
    Row("loops/<int:pk>/summary/", "/loops/{loop}/summary/", "loop", reads(signed_out(SUMMARY_READ, 302))),
    Row("loops/<int:pk>/keeper-summary/print/", "/loops/{loop}/keeper-summary/print/", "loop",
        reads(signed_out(SUMMARY_READ, 302))),
    Row("loops/<int:pk>/history/", "/loops/{loop}/history/", "loop", reads(signed_out(HISTORY_READ, 302))),
    Row("loops/<int:pk>/decision/", "/loops/{loop}/decision/", "loop",
        {"POST": (DECISION_PAGE, {"decision": "do_not_keep", "rationale": "probe"})}),
    Row("loops/<int:pk>/rounds/<int:round_pk>/schedule/", "/loops/{loop}/rounds/{round}/schedule/", "round",
        {"POST": (ROUND_COORDINATE_PAGE, {"status": "skipped"})}),
    Row("loops/<int:pk>/rounds/<int:round_pk>/outcome/", "/loops/{loop}/rounds/{round}/outcome/", "round",
        {"POST": (ROUND_MANAGE_PAGE, {"outcome": "advance"})}),
    Row("loops/<int:pk>/rounds/<int:round_pk>/assign/", "/loops/{loop}/rounds/{round}/assign/", "round",
        {"POST": (ROUND_MANAGE_PAGE, lambda target: {"interviewer": target.newcomer})}),
    Row("loops/<int:pk>/assignments/<int:assignment_pk>/remove/",
        "/loops/{loop}/assignments/{assignment}/remove/", "assignment", {"POST": (ASSIGNMENT_PAGE, {})}),
    Row("loops/<int:pk>/assignments/<int:assignment_pk>/questions/",
        "/loops/{loop}/assignments/{assignment}/questions/", "assignment",
        {"POST": (ASSIGNMENT_PAGE, {"questions": ["1"]})}),
    Row("", "/", "none", reads(everyone(302, 302))),
    Row("interviews/", "/interviews/", "none", reads(everyone(200, 302))),
    Row("loops/", "/loops/", "none", reads(BOARD_PAGE), unserved=TEAM_PAGE_UNSERVED),
    Row("loops/new/", "/loops/new/", "none", {**reads(NEW_LOOP_PAGE), "POST": (NEW_LOOP_PAGE, {})},
        unserved=TEAM_PAGE_UNSERVED),
    Row("rubric/", "/rubric/", "none", reads(everyone(200, 302))),
    # A person's own settings and calendar feed (Product §3)
    Row("profile/", "/profile/", "none", {**reads(everyone(200, 302)),
        "POST": (everyone(302, 302), {"time_zone": "Europe/Paris"})}),
    Row("profile/calendar/", "/profile/calendar/", "none", {"POST": (everyone(302, 302), {})}),
    Row("profile/calendar/revoke/", "/profile/calendar/revoke/", "none", {"POST": (everyone(302, 302), {})}),
    Row(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", "/calendar/{feed}.ics", "feed", reads(FEED_READ),
        unserved=everyone(405, 405)),
    Row("calibration/", "/calibration/?rubric={rubric}", "rubric", reads(signed_out(CALIBRATION_READ, 302))),
    # Each person's own leniency, a section of "My interviews": nobody else's is in it.
    Row("interviews/calibration/", "/interviews/calibration/", "none", reads(everyone(200, 302))),
]  # fmt: skip


# Relations: what each kind of object is probed with, resolved for the caller ----------------


@dataclass(frozen=True)
class Target:
    """The path parameters of one probe, and what a valid body needs to know about the object."""

    params: dict
    version: int | None = None
    newcomer: int | None = None  # someone who may be assigned and is not yet
    new_loop: dict | None = None


def targets(world: World, kind: str, role: str, with_crossed: bool) -> dict[str, Target]:
    """Relation name -> target for a caller in ``role`` (see the module docstring)."""
    missing = world.missing_id
    own = ROLES[role] if ROLES[role] in PANEL else "alice"
    loops = world.loops
    if kind == "card":
        picks = {
            "own": world.card(own, "a"),
            "draft": world.card("carol", "a"),
            "before": world.card("bob", "a"),
            "after": world.card("bob", "b"),
            "led": world.card("dan", "d"),
            "foreign": world.card("zed", "c"),
        }
        found = {name: Target({"card": card.pk}, version=card.version) for name, card in picks.items()}
        return {**found, "missing": Target({"card": missing})}
    newcomer = world.users["eve"].pk
    if kind == "loop":
        picks = {"open": "a", "submitted": "b", "led": "d", "foreign": "c"}
        found = {name: Target({"loop": loops[letter].pk}) for name, letter in picks.items()}
        return {**found, "missing": Target({"loop": missing})}
    if kind == "round":
        picks = {"open": "a", "submitted": "b", "led": "d", "foreign": "c"}
        first = {letter: round_of(loops[letter], "recruiter-screen") for letter in picks.values()}
        found = {
            name: Target({"loop": loops[letter].pk, "round": first[letter].pk}, newcomer=newcomer)
            for name, letter in picks.items()
        }
        found["missing"] = Target({"loop": missing, "round": missing}, newcomer=newcomer)
        if with_crossed:
            found["crossed"] = Target({"loop": loops["a"].pk, "round": first["b"].pk}, newcomer=newcomer)
        return found
    if kind == "assignment":
        picks = {
            "own": world.card(own, "a"),
            "other": world.card("carol", "a"),
            "led": world.card("dan", "d"),
            "foreign": world.card("zed", "c"),
        }
        found = {name: Target({"loop": card.loop_id, "assignment": card.assignment_id}) for name, card in picks.items()}
        found["missing"] = Target({"loop": missing, "assignment": missing})
        if with_crossed:
            found["crossed"] = Target({"loop": loops["a"].pk, "assignment": picks["led"].assignment_id})
        return found
    if kind == "candidate":
        return {
            "own": Target({"candidate": loops["a"].candidate_id}),
            "foreign": Target({"candidate": loops["c"].candidate_id}),
            "missing": Target({"candidate": missing}),
        }
    if kind == "rubric":
        return {
            "published": Target({"rubric": world.rubric.pk}),
            "draft": Target({"rubric": world.draft_rubric.pk}),
            "missing": Target({"rubric": missing}),
        }
    if kind == "webhook":
        return {"endpoint": Target({"webhook": world.webhook.pk}), "missing": Target({"webhook": missing})}
    if kind == "feed":
        return {
            "own": Target({"feed": world.feed_tokens[ROLES[role] or "eve"]}),
            "revoked": Target({"feed": world.revoked_feed_token}),
            "missing": Target({"feed": "m" * 43}),
        }
    assert kind == "none", kind
    spare = world.spare_candidate.pk
    return {"-": Target({}, new_loop={"candidate": spare, "hiring_manager": world.users["hana"].pk})}


def allowed_caller(world: World, row: Row, method: str) -> tuple[str, str, Target]:
    """A role, relation and target the row's table lets through with ``method`` (for the tests
    that must tell their own refusal from the matrix's); any signed-in role on the first object
    for a method the route does not serve."""
    if method in row.methods:
        statuses, _ = row.methods[method]
        for role in ROLES:
            for relation, status in statuses[role].items():
                if role != "anonymous" and status in (200, 201, 204, 302):
                    return role, relation, targets(world, row.kind, role, with_crossed=True)[relation]
    relations = targets(world, row.kind, "hiring_manager", with_crossed=False)
    return "hiring_manager", next(iter(relations)), next(iter(relations.values()))


# Calling -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clients(world) -> dict:
    """One API client and one browser client per role, signed in once: a new test client loads
    the middleware again (WhiteNoise scans every static file), which would cost more than the probes."""
    built = {}
    for role in ROLES:
        user = world.user(role)
        api, browser = APIClient(), Client()
        if user is not None:
            api.force_authenticate(user)
            browser.force_login(user)
        built[(role, True)], built[(role, False)] = api, browser
    return built


def call(client, row: Row, method: str, target: Target, body, undo: bool = True) -> Any:
    path = row.path.format(**target.params)
    if callable(body):
        body = body(target)
    client.cookies.pop("messages", None)  # a flash message from the last probe would show on this page
    # A write that succeeds is undone at once, so the next probe meets the same world; reads and
    # refused methods are undone with the rest of the test.
    with rolled_back() if undo and method in ("POST", "PUT", "PATCH", "DELETE") else nullcontext():
        if row.is_api:
            return client.generic(method, path, data=_json(body), content_type="application/json")
        if method == "POST":
            return client.post(path, body or {})
        return client.generic(method, path)


def _json(body) -> str:
    return "" if body is None else json.dumps(body)


@dataclass
class Probes:
    count: int = 0


PROBED = Probes()


def _row_id(row: Row) -> str:
    return row.label


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_route_answers_every_role_as_its_table_says(world, clients, row, role):
    client = clients[(role, row.is_api)]
    forbidden = set(world.forbidden_canaries(role))
    kinds_with_crossed = not row.is_api and row.kind in ("round", "assignment")
    relations = targets(world, row.kind, role, with_crossed=kinds_with_crossed)
    problems = []

    for method in METHODS:
        served = method in row.methods
        if served:
            statuses, body = row.methods[method]
            probed = relations
            if method == "HEAD":  # GET's view without the body: checked on a visible and a missing object
                probed = {name: relations[name] for name in {next(iter(relations)), "missing"} if name in relations}
        else:  # a method the route does not serve: one answer, the same for a visible and a missing object
            statuses, body = None, None
            probed = {name: relations[name] for name in {next(iter(relations)), "missing"} if name in relations}
        answers = {}
        for relation, target in probed.items():
            response = call(client, row, method, target, body)
            PROBED.count += 1
            answers[relation] = response
            leaked = set(CANARY_PATTERN.findall(response.content.decode(errors="replace"))) & forbidden
            if leaked:
                problems.append(f"{method} {relation}: leaks {sorted(leaked)}")
            if served:
                expected = statuses[role][relation]
                if response.status_code != expected:
                    problems.append(f"{method} {relation}: expected {expected}, got {response.status_code}")
        if served:
            missing = answers.get("missing")
            for relation, response in answers.items():
                if statuses[role][relation] == 404 and relation != "missing" and _shape(response) != _shape(missing):
                    problems.append(f"{method} {relation}: a 404 unlike the missing id's: {response.content[:120]!r}")
        else:
            expected = _unserved_status(row, method, role)
            for relation, response in answers.items():
                if response.status_code != expected:
                    problems.append(
                        f"{method} {relation} (not served): expected {expected}, got {response.status_code}"
                    )
            if len({_shape(r) for r in answers.values()}) > 1:
                problems.append(f"{method} (not served): answers differ between objects")

    assert problems == [], f"{row.label} as {role}:\n" + "\n".join(problems)


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _shape(response) -> tuple:
    """Status, type and body; a page's sign-out form carries a fresh CSRF token on every render."""
    return response.status_code, response.get("Content-Type"), CSRF_FIELD.sub(b"", response.content)


def _unserved_status(row: Row, method: str, role: str) -> int:
    """405 once signed in (DRF describes an API route to OPTIONS); before that, sign in first."""
    if row.unserved is not None:
        return row.unserved[role]["-"]
    signing_in = row.pattern == "api/v1/auth/token/"  # needs no sign-in
    if role == "anonymous" and not signing_in:
        return 401 if row.is_api else 302
    return 200 if method == "OPTIONS" and row.is_api else 405


# The meta-test: the table covers the URL configuration, no more and no less ------------------


def in_scope_routes() -> set[str]:
    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern).lstrip("^") if prefix else str(pattern.pattern)

    return {route for route in walk(get_resolver()) if not OUT_OF_SCOPE.match(route)}


def test_every_route_of_the_api_and_the_pages_has_a_row():
    rows = {row.pattern for row in ROWS}

    assert sorted(in_scope_routes() - rows) == [], "routes with no row in the access matrix"
    assert sorted(rows - in_scope_routes()) == [], "rows for routes that no longer exist"


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_each_rows_path_reaches_its_route(row):
    params = {
        "card": 1, "loop": 1, "round": 1, "assignment": 1, "candidate": 1, "rubric": 1, "feed": "f" * 43, "webhook": 1
    }  # fmt: skip

    assert resolve(row.path.format(**params).partition("?")[0]).route == row.pattern
