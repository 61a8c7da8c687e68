"""The API's write endpoints, each with a caller allowed to use it and a valid body, as the
security tests call them (tests/security/world.py builds the objects they write)."""

from dataclasses import dataclass
from typing import Any

from django.db import models
from rest_framework import serializers

from integrations.models import WebhookEndpoint
from integrations.serializers import (
    WebhookEndpointInput,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateInput,
    WebhookEndpointWithSecretSerializer,
    WebhookRotateInput,
)
from loops.models import Assignment, Candidate, Loop, Round
from loops.serializers import (
    AssignmentInput,
    AssignmentSerializer,
    AssignmentUpdateInput,
    CandidateInput,
    CandidateSerializer,
    LoopDetailSerializer,
    LoopInput,
    LoopMoveInput,
    OutcomeInput,
    RoundInput,
    RoundSerializer,
)
from scorecards.models import KeeperDecision, Scorecard, ScorecardRevision
from scorecards.serializers import (
    DecisionInput,
    DecisionSerializer,
    ScorecardAmendmentInput,
    ScorecardDraftInput,
    ScorecardSerializer,
    ScorecardSubmitInput,
)
from tests.conftest import at, round_of


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: Any  # world -> path
    author: str
    body: Any  # world -> a valid body
    accepts: type[serializers.Serializer]
    answers: type[serializers.Serializer]
    writes: tuple[type[models.Model], ...]  # the rows it creates or changes
    expected: int


WRITES = [
    Write("open a candidate", "post", lambda w: "/api/v1/candidates/", "hana",
          lambda w: {"name": "Sam Forge", "email": "sam.forge@example.com", "level": "senior"},
          CandidateInput, CandidateSerializer, (Candidate,), 201),
    Write("open a loop", "post", lambda w: "/api/v1/loops/", "hana",
          lambda w: {"candidate": w.spare_candidate.pk, "hiring_manager": w.users["hana"].pk,
                     "recruiter": w.users["rick"].pk},
          LoopInput, LoopDetailSerializer, (Loop, Round), 201),
    Write("hold a loop", "post", lambda w: f"/api/v1/loops/{w.loops['a'].pk}/hold/", "hana",
          lambda w: {"reason": "waiting for references"}, LoopMoveInput, LoopDetailSerializer, (Loop,), 200),
    Write("withdraw a loop", "post", lambda w: f"/api/v1/loops/{w.loops['a'].pk}/withdraw/", "rick",
          lambda w: {"reason": "took another offer"}, LoopMoveInput, LoopDetailSerializer, (Loop,), 200),
    Write("skip a round", "patch", lambda w: f"/api/v1/rounds/{round_of(w.loops['a'], 'recruiter-screen').pk}/",
          "hana", lambda w: {"status": "skipped"}, RoundInput, RoundSerializer, (Round,), 200),
    Write("schedule a round", "patch",
          lambda w: f"/api/v1/rounds/{round_of(w.loops['a'], 'hiring-manager-screen').pk}/", "hana",
          lambda w: {"scheduled_start": at(5).isoformat()}, RoundInput, RoundSerializer, (Round,), 200),
    Write("set a round's place", "patch",
          lambda w: f"/api/v1/rounds/{round_of(w.loops['a'], 'hiring-manager-screen').pk}/", "rick",
          lambda w: {"location": "Room 4", "video_url": "https://meet.example.com/probe"},
          RoundInput, RoundSerializer, (Round,), 200),
    Write("record an outcome", "post",
          lambda w: f"/api/v1/rounds/{round_of(w.loops['a'], 'recruiter-screen').pk}/outcome/", "hana",
          lambda w: {"outcome": "advance"}, OutcomeInput, RoundSerializer, (Round,), 200),
    Write("assign an interviewer", "post",
          lambda w: f"/api/v1/rounds/{round_of(w.loops['a'], 'behavioral').pk}/assignments/", "hana",
          lambda w: {"interviewer": w.users["eve"].pk, "notes": "brief"},
          AssignmentInput, AssignmentSerializer, (Assignment, Scorecard), 201),
    Write("change an assignment", "patch", lambda w: f"/api/v1/assignments/{w.card('alice', 'a').assignment_id}/",
          "hana", lambda w: {"notes": "new brief"}, AssignmentUpdateInput, AssignmentSerializer, (Assignment,), 200),
    Write("save a draft", "patch", lambda w: f"/api/v1/scorecards/{w.card('alice', 'a').pk}/", "alice",
          lambda w: {"version": w.card("alice", "a").version, "summary": "rewritten"},
          ScorecardDraftInput, ScorecardSerializer, (Scorecard, ScorecardRevision), 200),
    Write("submit a scorecard", "post", lambda w: f"/api/v1/scorecards/{w.card('alice', 'a').pk}/submit/", "alice",
          lambda w: {"version": w.card("alice", "a").version}, ScorecardSubmitInput, ScorecardSerializer, (Scorecard,), 200),
    Write("amend a scorecard", "post", lambda w: f"/api/v1/scorecards/{w.card('alice', 'b').pk}/amendments/",
          "alice", lambda w: {"reason": "typo", "summary": "corrected"},
          ScorecardAmendmentInput, ScorecardSerializer, (Scorecard, ScorecardRevision), 201),
    Write("record the decision", "post", lambda w: f"/api/v1/loops/{w.loops['b'].pk}/decision/", "dora",
          lambda w: {"decision": "do_not_keep", "rationale": "not a keeper"},
          DecisionInput, DecisionSerializer, (KeeperDecision, Loop), 201),
    Write("register a webhook", "post", lambda w: "/api/v1/webhooks/", "ada",
          lambda w: {"url": "https://93.184.215.14/hooks/new", "events": ["loop.decided", "scorecard.submitted"]},
          WebhookEndpointInput, WebhookEndpointWithSecretSerializer, (WebhookEndpoint,), 201),
    Write("change a webhook", "patch", lambda w: f"/api/v1/webhooks/{w.webhook.pk}/", "ada",
          lambda w: {"url": "https://93.184.215.14/hooks/moved", "active": False},
          WebhookEndpointUpdateInput, WebhookEndpointSerializer, (WebhookEndpoint,), 200),
    Write("rotate a webhook's secret", "post", lambda w: f"/api/v1/webhooks/{w.webhook.pk}/rotate/", "ada",
          lambda w: {"overlap_hours": 2}, WebhookRotateInput, WebhookEndpointWithSecretSerializer,
          (WebhookEndpoint,), 200),
]  # fmt: skip
