package tests

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestTestDeliveriesAreNoDeliveries: the test endpoints of both dialects
// send and log a message, but leave last_triggered alone and never count
// toward the failure streak that disables a webhook — neither a failed
// test starting one nor a successful test ending one. A test answered 410
// does not disable the webhook either.
func TestTestDeliveriesAreNoDeliveries(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var status atomic.Int64
	status.Store(http.StatusBadGateway)
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(int, *http.Request) (int, http.Header) { return int(status.Load()), nil })
	srv := hookflowtest.New(t, allowLoopback, withFakeClock(clock), func(c *hookflow.Config) {
		c.Webhooks.DisableAfter = time.Hour
	})
	hook := createWebhook(t, srv, map[string]any{
		"name": "streak", "actions": "create", "collections": "orders",
		"url": rc.URL, "retry_schedule": []any{},
	})
	tests := []string{webhookPath(hook, "/test"), fmt.Sprintf("/api/v1/webhooks/wh_%v/test", hook["id"])}
	lastTriggered := func() any {
		return srv.Do(t, "GET", webhookPath(hook, ""), nil).Data(t).(map[string]any)["last_triggered"]
	}
	webhookStatus := func() any {
		return srv.Do(t, "GET", webhookPath(hook, ""), nil).Data(t).(map[string]any)["status"]
	}

	// Failed tests, then real failures more than an hour later: the
	// streak starts with the first real failure.
	for _, path := range tests {
		if r := srv.Do(t, "POST", path, nil); r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	rc.Wait(t, 2)
	if got := lastTriggered(); got != nil {
		t.Fatalf("a test set last_triggered to %v", got)
	}
	clock.Advance(2 * time.Hour)
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	deliveryState(t, srv, hook, 1, "failed")
	if got := lastTriggered(); got == nil {
		t.Fatal("a delivery sets last_triggered")
	}
	if got := webhookStatus(); got != "active" {
		t.Fatalf("failing for no time, the webhook is %v: the failed tests counted", got)
	}

	// Successful tests (and one answered 410) do not end the streak: an
	// hour after the first real failure the next one disables the webhook.
	status.Store(http.StatusOK)
	for _, path := range tests {
		check(t, srv.Do(t, "POST", path, nil), 200, "")
	}
	status.Store(http.StatusGone)
	check(t, srv.Do(t, "POST", tests[0], nil), 200, "")
	rc.Wait(t, 6)
	if got := webhookStatus(); got != "active" {
		t.Fatalf("a test answered 410 left the webhook %v", got)
	}
	status.Store(http.StatusBadGateway)
	clock.Advance(time.Hour)
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	rc.Wait(t, 7)
	deadline := time.Now().Add(10 * time.Second)
	for webhookStatus() != "disabled" {
		if time.Now().After(deadline) {
			t.Fatal("failing for an hour, the webhook is still active: the successful tests ended the streak")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestResentTestDeliveryStaysATest: a test delivery resent through the
// queue is still a test: answered 410 it neither disables the webhook nor
// sets last_triggered.
func TestResentTestDeliveryStaysATest(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(int, *http.Request) (int, http.Header) { return http.StatusGone, nil })
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{"name": "gone", "actions": "create", "collections": "orders", "url": rc.URL})
	tested := srv.Do(t, "POST", webhookPath(hook, "/test"), nil)
	check(t, tested, 200, "")
	id := fmt.Sprint(tested.Data(t).(map[string]any)["id"])
	check(t, srv.Do(t, "POST", "/webhooks/deliveries/"+id+"/resend", nil), 202, "")
	rc.Wait(t, 2)
	deliveryState(t, srv, hook, 2, "failed")
	rc.Quiet(t, 2)
	w := srv.Do(t, "GET", webhookPath(hook, ""), nil).Data(t).(map[string]any)
	if w["status"] != "active" || w["last_triggered"] != nil {
		t.Fatalf("after a resent test answered 410: %v", w)
	}
}

// TestTestDeliveryReportsStoredAttemptID: the test endpoint answers with
// the attempt as stored: its id is the one the delivery log shows, not 0.
func TestTestDeliveryReportsStoredAttemptID(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{"name": "ids", "actions": "create", "collections": "orders", "url": rc.URL})
	for range 2 { // the second test's attempt is not the first one's
		resp := srv.Do(t, "POST", webhookPath(hook, "/test"), nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("test: %d %s", resp.Status, resp.Body)
		}
		answered := resp.Data(t).(map[string]any)
		attempt := answered["attempts"].([]any)[0].(map[string]any)
		logged := srv.Do(t, "GET", fmt.Sprintf("/webhooks/deliveries/%v", answered["id"]), nil).Data(t).(map[string]any)
		stored := logged["attempts"].([]any)[0].(map[string]any)
		if attempt["id"] == 0.0 || attempt["id"] != stored["id"] {
			t.Fatalf("the test answered attempt id %v, the log shows %v", attempt["id"], stored["id"])
		}
	}
}
