"""The webhook endpoints of the API (Product §7.1): admins only; the secret in the answer to a
creation or a rotation and nowhere else; URLs that would reach inside Keeper's network refused
with a 400 that says why; the delivery log read back."""

import pytest
from django.urls import reverse

from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from loops.services import loop_move

PUBLIC = "https://93.184.215.14/hooks/keeper"  # an address literal: no DNS needed, and public
ALL_EVENTS = ["scorecard.submitted", "loop.status_changed", "loop.decided"]


def create(api, url=PUBLIC, events=None, **extra):
    return api.post("/api/v1/webhooks/", {"url": url, "events": events or ["loop.decided"], **extra}, format="json")


def test_an_admin_registers_an_endpoint_and_reads_its_secret_once(api, ada):
    api.force_authenticate(ada)

    created = create(api, events=ALL_EVENTS, active=True)
    listed = api.get("/api/v1/webhooks/")
    detail = api.get(f"/api/v1/webhooks/{created.json()['id']}/")

    assert created.status_code == 201, created.content
    body = created.json()
    assert {"id", "url", "events", "active", "secret"} <= set(body)
    assert body["url"] == PUBLIC and body["events"] == ALL_EVENTS and body["active"] is True
    assert body["secret"].startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == body["secret"] and endpoint.owner == ada
    assert listed.status_code == detail.status_code == 200
    assert [e["id"] for e in listed.json()] == [endpoint.pk]
    assert "secret" not in listed.json()[0] and "secret" not in detail.json()
    assert body["secret"] not in listed.content.decode() + detail.content.decode()


def test_an_admin_changes_rotates_and_removes_an_endpoint(api, ada):
    api.force_authenticate(ada)
    endpoint_id = create(api).json()["id"]
    first_secret = WebhookEndpoint.objects.get().secret

    changed = api.patch(f"/api/v1/webhooks/{endpoint_id}/", {"active": False, "events": ALL_EVENTS}, format="json")
    rotated = api.post(f"/api/v1/webhooks/{endpoint_id}/rotate/", {"overlap_hours": 2}, format="json")
    endpoint = WebhookEndpoint.objects.get()
    removed = api.delete(f"/api/v1/webhooks/{endpoint_id}/")

    assert changed.status_code == 200 and changed.json()["active"] is False
    assert changed.json()["events"] == ALL_EVENTS
    assert rotated.status_code == 200
    assert rotated.json()["secret"] == endpoint.secret != first_secret
    assert endpoint.previous_secret == first_secret
    assert rotated.json()["previous_secret_valid_until"] is not None
    assert removed.status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/hook", "127.0.0.1 is a loopback address; Keeper does not send webhooks there."),
        ("http://localhost/hook", "Localhost resolves to 127.0.0.1 is a loopback address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("http://192.168.0.10/hook", "192.168.0.10 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://0.0.0.0/hook", "0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/hook", "224.0.0.1 is a multicast address"),
        ("http://[::ffff:127.0.0.1]/hook", "127.0.0.1 is a loopback address"),
        ("http://192.0.2.7/hook", "192.0.2.7 is not a public address"),
        ("http://name.invalid/hook", "name.invalid names no address Keeper can find."),
        ("https://user:pw@93.184.215.14/hook", "Credentials in the URL are not accepted"),
    ],
)
def test_internal_targets_are_refused_with_the_reason(api, ada, url, message):
    api.force_authenticate(ada)

    response = create(api, url=url)

    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert message in response.json()["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/hook", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https_urls_are_taken(api, ada, url):
    api.force_authenticate(ada)

    response = create(api, url=url)

    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_loopback_is_accepted_when_webhooks_allow_private(api, ada, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    api.force_authenticate(ada)

    loopback = create(api, url="http://127.0.0.1:8000/hook")
    private = create(api, url="http://10.1.2.3/hook")
    metadata = create(api, url="http://169.254.169.254/latest/meta-data/")

    assert loopback.status_code == private.status_code == 201
    assert metadata.status_code == 400  # link-local stays refused: where clouds serve credentials


def test_a_bad_request_names_every_problem_at_once(api, ada):
    api.force_authenticate(ada)
    endpoint_id = create(api).json()["id"]

    created = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1/", "events": ["loop.bogus"]}, format="json")
    changed = api.patch(f"/api/v1/webhooks/{endpoint_id}/", {"url": "http://10.0.0.1/", "events": []}, format="json")

    assert created.status_code == changed.status_code == 400
    assert set(created.json()) == set(changed.json()) == {"url", "events"}
    assert "127.0.0.1 is a loopback address" in created.json()["url"][0]
    assert "10.0.0.1 is a private address" in changed.json()["url"][0]
    assert WebhookEndpoint.objects.get().url == PUBLIC


@pytest.mark.parametrize("who", ["alice", "hana", "dora", "rick", "eve"])
def test_everyone_but_admins_is_refused_every_webhook_route(api, who, request, ada):
    api.force_authenticate(ada)
    endpoint_id = create(api).json()["id"]
    api.force_authenticate(request.getfixturevalue(who))

    answers = [
        api.get("/api/v1/webhooks/"),
        create(api),
        api.get(f"/api/v1/webhooks/{endpoint_id}/"),
        api.patch(f"/api/v1/webhooks/{endpoint_id}/", {"active": False}, format="json"),
        api.post(f"/api/v1/webhooks/{endpoint_id}/rotate/", {}, format="json"),
        api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/"),
        api.delete(f"/api/v1/webhooks/{endpoint_id}/"),
        api.get("/api/v1/webhooks/999999/"),
    ]

    assert [a.status_code for a in answers] == [403] * len(answers)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.is_active and WebhookEndpoint.objects.count() == 1
    assert all(endpoint.secret not in a.content.decode() for a in answers)


def test_nobody_signed_out_reaches_webhooks(api):
    assert api.get("/api/v1/webhooks/").status_code == 401
    assert create(api).status_code == 401


def test_an_admin_reads_the_delivery_log(api, ada, loop, hana, receivers, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    receiver = receivers(503, 200)
    api.force_authenticate(ada)
    endpoint_id = create(api, url=receiver.url, events=["loop.status_changed"]).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)
    WebhookDelivery.objects.update(next_attempt_at=WebhookDelivery.objects.get().created_at)
    from integrations.tasks import webhooks_sweep_task

    webhooks_sweep_task.delay()

    log = api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/")

    assert log.status_code == 200
    lines = log.json()
    assert [(line["attempt"], line["status_code"], line["outcome"]) for line in lines] == [
        (2, 200, "delivered"),
        (1, 503, "failed"),
    ]
    assert lines[0]["event"]["type"] == "loop.status_changed"
    assert lines[0]["event"]["data"]["loop"] == loop.pk
    assert lines[0]["webhook_id"] == receiver.requests[0].headers["webhook-id"]
    assert lines[1]["error"] == "The receiver answered 503."
    assert lines[0]["response_excerpt"] == '{"ok": true}'
    assert all(line["duration_ms"] is not None and line["replay"] is False for line in lines)
    assert lines[0]["delivery_status"] == "delivered"


def test_an_admin_replays_a_delivery_from_the_admin(
    client, ada, loop, hana, receivers, endpoint_for, django_capture_on_commit_callbacks
):
    receiver = receivers(200)
    endpoint_for(receiver.url, ["loop.status_changed"])
    with django_capture_on_commit_callbacks(execute=True):
        loop_move(loop=loop, to="on_hold", by=hana)
    delivered = WebhookDelivery.objects.get()
    client.force_login(ada)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:integrations_webhookdelivery_changelist"),
            {"action": "replay", "_selected_action": [delivered.pk]},
        )

    assert response.status_code == 302
    assert len(receiver.requests) == 2
    assert receiver.requests[0].headers["webhook-id"] == receiver.requests[1].headers["webhook-id"]
    replay = WebhookDelivery.objects.exclude(pk=delivered.pk).get()
    assert (replay.replay_of, replay.requested_by, replay.status) == (delivered, ada, "delivered")
    assert WebhookAttempt.objects.filter(delivery=replay).count() == 1
    assert WebhookAttempt.objects.count() == 2


def test_the_admin_shows_a_new_endpoints_secret_once(client, ada, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    client.force_login(ada)

    response = client.post(
        reverse("admin:integrations_webhookendpoint_add"),
        {"url": "http://127.0.0.1:9/hook", "events": ["loop.decided"], "is_active": "on"},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    again = client.get(reverse("admin:integrations_webhookendpoint_change", args=[endpoint.pk]))

    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert endpoint.owner == ada
    assert endpoint.secret not in again.content.decode()


def test_the_admin_refuses_an_internal_url(client, ada):
    client.force_login(ada)

    response = client.post(
        reverse("admin:integrations_webhookendpoint_add"),
        {"url": "http://127.0.0.1:9/hook", "events": ["loop.decided"], "is_active": "on"},
    )

    assert response.status_code == 200  # the form again, with the error
    assert "127.0.0.1 is a loopback address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
