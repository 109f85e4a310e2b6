package tests

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestRetriesFollowTheScheduleWithAFakeClock: failed attempts are retried
// 5 s, then 5 min later (no jitter), with the same webhook-id and a fresh
// signature and timestamp each time, until one succeeds.
func TestRetriesFollowTheScheduleWithAFakeClock(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		if n <= 2 {
			return http.StatusInternalServerError, nil
		}
		return http.StatusOK, nil
	})
	srv := hookflowtest.New(t, allowLoopback, withFakeClock(clock))
	hook := createWebhook(t, srv, map[string]any{"name": "r", "actions": "create", "collections": "orders", "url": rc.URL})
	secret := hook["secret"].(string)
	start := clock.Now()
	check(t, srv.Do(t, "POST", "/items/orders", `{"total": 5}`), 200, "")

	rc.Wait(t, 1)
	d := deliveryState(t, srv, hook, 1, "pending")
	if d["next_attempt_at"] != start.Add(5*time.Second).Format("2006-01-02T15:04:05.000Z07:00") {
		t.Fatalf("first retry due at %v", d["next_attempt_at"])
	}
	clock.Advance(4 * time.Second)
	rc.Quiet(t, 1)
	clock.Advance(time.Second)
	rc.Wait(t, 2)
	deliveryState(t, srv, hook, 2, "pending")
	clock.Advance(5*time.Minute - time.Second)
	rc.Quiet(t, 2)
	clock.Advance(time.Second)
	got := rc.Wait(t, 3)
	deliveryState(t, srv, hook, 3, "succeeded")

	offsets := []time.Duration{0, 5 * time.Second, 5*time.Minute + 5*time.Second}
	for i, r := range got {
		if r.Header.Get("webhook-id") != got[0].Header.Get("webhook-id") {
			t.Fatalf("attempt %d has webhook-id %s, the first %s", i+1, r.Header.Get("webhook-id"), got[0].Header.Get("webhook-id"))
		}
		if string(r.Body) != string(got[0].Body) {
			t.Fatalf("attempt %d sent another body: %s", i+1, r.Body)
		}
		at := start.Add(offsets[i])
		if r.Header.Get("webhook-timestamp") != strconv.FormatInt(at.Unix(), 10) {
			t.Fatalf("attempt %d signed at %s, want %d", i+1, r.Header.Get("webhook-timestamp"), at.Unix())
		}
		if err := verifyStandardWebhook(secret, r.Header, r.Body, at); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		if !verifySeedSignature(secret, r.Header.Get("X-Webhook-Signature"), r.Body) {
			t.Fatalf("attempt %d: X-Webhook-Signature does not verify", i+1)
		}
	}
	detail := srv.Do(t, "GET", "/webhooks/deliveries/"+toJSONText(d["id"]), nil).Data(t).(map[string]any)
	attempts := detail["attempts"].([]any)
	if len(attempts) != 3 || attempts[0].(map[string]any)["error_class"] != "status" ||
		attempts[2].(map[string]any)["error_class"] != nil {
		t.Fatalf("attempt log %v", attempts)
	}
}

// TestRetryAfterIsHonoured: a 503 with Retry-After: 120 moves the next
// attempt from 5 s to 120 s.
func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		if n == 1 {
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {"120"}}
		}
		return http.StatusOK, nil
	})
	srv := hookflowtest.New(t, allowLoopback, withFakeClock(clock))
	hook := createWebhook(t, srv, map[string]any{"name": "r", "actions": "create", "collections": "orders", "url": rc.URL})
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	rc.Wait(t, 1)
	deliveryState(t, srv, hook, 1, "pending")
	clock.Advance(119 * time.Second)
	rc.Quiet(t, 1)
	clock.Advance(time.Second)
	rc.Wait(t, 2)
	deliveryState(t, srv, hook, 2, "succeeded")
}

// TestGoneDisablesTheWebhookAndAlerts: a 410 answer fails the delivery,
// disables the webhook and emits system.alert, which another webhook
// receives; events no longer reach the disabled one until it is switched
// back on.
func TestGoneDisablesTheWebhookAndAlerts(t *testing.T) {
	t.Parallel()
	gone, alerts := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	gone.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		if n == 1 {
			return http.StatusGone, nil
		}
		return http.StatusOK, nil
	})
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{"name": "gone", "actions": "create", "collections": "orders", "url": gone.URL})
	check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{"url": alerts.URL, "events": []any{"system.alert"}}), 201, "")
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")

	gone.Wait(t, 1)
	deliveryState(t, srv, hook, 1, "failed")
	var alert map[string]any
	if err := json.Unmarshal(alerts.Wait(t, 1)[0].Body, &alert); err != nil {
		t.Fatal(err)
	}
	data := alert["data"].(map[string]any)
	if alert["type"] != "system.alert" || data["type"] != "webhook.disabled" ||
		data["webhook"].(map[string]any)["id"] != hook["id"] || data["reason"] != "the endpoint answered 410 Gone" {
		t.Fatalf("alert %v", alert)
	}
	w := srv.Do(t, "GET", webhookPath(hook, ""), nil).Data(t).(map[string]any)
	if w["status"] != "disabled" || w["disabled_reason"] != "the endpoint answered 410 Gone" {
		t.Fatalf("webhook %v", w)
	}
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	gone.Quiet(t, 1)
	checkSubset(t, srv.Do(t, "PATCH", webhookPath(hook, ""), `{"status": "active"}`), 200, `{"data": {"status": "active", "disabled_reason": null}}`)
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	gone.Wait(t, 2)
}

// TestSustainedFailureDisablesTheWebhook: a webhook whose attempts have
// all failed for WEBHOOKS_DISABLE_AFTER is disabled, its pending
// deliveries failed, and system.alert emitted.
func TestSustainedFailureDisablesTheWebhook(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	failing, alerts := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	failing.SetAnswer(func(int, *http.Request) (int, http.Header) { return http.StatusBadGateway, nil })
	srv := hookflowtest.New(t, allowLoopback, withFakeClock(clock), func(c *hookflow.Config) {
		c.Webhooks.DisableAfter = 10 * time.Minute
	})
	hook := createWebhook(t, srv, map[string]any{
		"name": "down", "actions": "create", "collections": "orders",
		"url": failing.URL, "retry_schedule": []any{"5m", "5m", "5m", "5m"},
	})
	check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{"url": alerts.URL, "events": []any{"system.*"}}), 201, "")
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	failing.Wait(t, 1)
	deliveryState(t, srv, hook, 1, "pending")
	clock.Advance(5 * time.Minute)
	failing.Wait(t, 2)
	deliveryState(t, srv, hook, 2, "pending")
	alerts.Quiet(t, 0)
	clock.Advance(5 * time.Minute)
	failing.Wait(t, 3)
	// The delivery had retries left; disabling the webhook failed it.
	d := deliveryState(t, srv, hook, 3, "failed")
	if d["last_error"] != "every attempt has failed since 2030-01-02T03:04:05Z" || d["last_status"] != 502.0 {
		t.Fatalf("delivery %v", d)
	}
	var alert map[string]any
	_ = json.Unmarshal(alerts.Wait(t, 1)[0].Body, &alert)
	if data := alert["data"].(map[string]any); data["type"] != "webhook.disabled" {
		t.Fatalf("alert %v", alert)
	}
	w := srv.Do(t, "GET", webhookPath(hook, ""), nil).Data(t).(map[string]any)
	if w["status"] != "disabled" {
		t.Fatalf("webhook %v", w)
	}
	clock.Advance(time.Hour)
	failing.Quiet(t, 3)
}

// TestRotatedSecretKeepsSigningForADay: after rotate-secret, deliveries
// carry signatures by both secrets for 24 hours, then by the new one only.
func TestRotatedSecretKeepsSigningForADay(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	rc := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback, withFakeClock(clock))
	hook := createWebhook(t, srv, map[string]any{"name": "r", "actions": "create", "collections": "orders", "url": rc.URL})
	oldSecret := hook["secret"].(string)
	rotated := srv.Do(t, "POST", webhookPath(hook, "/rotate-secret"), nil)
	check(t, rotated, 200, "")
	newSecret := rotated.Data(t).(map[string]any)["secret"].(string)
	if newSecret == oldSecret || len(newSecret) != len(oldSecret) {
		t.Fatalf("rotated secret %q", newSecret)
	}
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	r := rc.Wait(t, 1)[0]
	for _, secret := range []string{oldSecret, newSecret} {
		if err := verifyStandardWebhook(secret, r.Header, r.Body, clock.Now()); err != nil {
			t.Fatalf("during the grace period: %v", err)
		}
	}
	if !verifySeedSignature(newSecret, r.Header.Get("X-Webhook-Signature"), r.Body) ||
		!verifySeedSignature(oldSecret, r.Header.Get("X-Webhook-Signature-Previous"), r.Body) {
		t.Fatal("hex signatures do not verify")
	}
	clock.Advance(24*time.Hour + time.Second)
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	r = rc.Wait(t, 2)[1]
	if err := verifyStandardWebhook(newSecret, r.Header, r.Body, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if verifyStandardWebhook(oldSecret, r.Header, r.Body, clock.Now()) == nil || r.Header.Get("X-Webhook-Signature-Previous") != "" {
		t.Fatal("the old secret still signs after 24 hours")
	}
}
