package tests

import (
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
)

func TestRunRecordsHideCredentials(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateRole(t, "sender", map[string]any{"collection": "flows", "action": "trigger"})
	_, token := srv.CreateUser(t, "sender")
	// The flow copies credentials into fields whose names say nothing.
	url := flow(t, srv, `{"return": "$last"}`, `[
		{"id": "copy", "operation": "transform", "options": {"json": {
			"note": "password was {{$trigger.body.account.password}}", "header": "{{$trigger.headers.x-api-key}}",
			"who": "{{$trigger.headers.authorization}}", "account": "{{$trigger.body.account}}"}}},
		{"operation": "log", "options": {"message": "seen {{copy.note}}"}}]`)
	body := `{"user": "ada", "account": {"password": "hunter2-pw", "client_secret": "cs-4567", "keys": [{"api_key": "ak-7890"}], "plan": "pro"}}`
	resp := srv.Do(t, "POST", url+"?access_token="+token, body, "Authorization", "Bearer "+token,
		"X-Api-Key", "key-12345", "Cookie", "session=cookie-678")
	check(t, resp, 200, "")
	if !strings.Contains(string(resp.Body), "hunter2-pw") {
		t.Fatalf("the answer itself is the flow's business: %s", resp.Body)
	}
	_, raw := srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	for _, secret := range []string{token, "hunter2-pw", "cs-4567", "ak-7890", "key-12345", "cookie-678"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the run record shows %q: %s", secret, raw)
		}
	}
	for _, kept := range []string{`"user":"ada"`, `"plan":"pro"`, `password was [REDACTED]`, `seen password was [REDACTED]`} {
		if !strings.Contains(string(raw), kept) {
			t.Errorf("the run record lacks %s: %s", kept, raw)
		}
	}
}

func TestRunRecordsCutLargeValues(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.RunMaxValueSize = 1024; c.RunMaxRecordSize = 16 << 10 })
	url := flow(t, srv, `{"access": "public"}`, `[{"operation": "transform", "options": {"json": {"echo": "{{$trigger.text}}"}}}]`)
	long := strings.Repeat("é", 1000) // 2000 bytes
	resp := srv.Do(t, "POST", url, map[string]any{"text": long})
	if !strings.Contains(string(resp.Body), long) {
		t.Fatal("answers are never cut")
	}
	run, raw := srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	if strings.Contains(string(raw), long) || !strings.Contains(string(raw), "…[truncated: 2000 bytes]") {
		t.Fatalf("long strings are cut in the record: %s", raw)
	}
	if run["truncated"] != nil {
		t.Fatal("a record under the limit is whole")
	}
	// Many strings under the value limit add up past the record limit.
	many := make([]string, 40)
	for i := range many {
		many[i] = strings.Repeat("x", 1000)
	}
	resp = srv.Do(t, "POST", url, map[string]any{"text": many})
	run, raw = srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	if len(raw) > 17<<10 || run["truncated"] != true || run["status"] != "completed" {
		t.Fatalf("an oversized record loses its largest values (%d bytes): %.400s", len(raw), raw)
	}
}

func TestRunRetention(t *testing.T) {
	t.Parallel()
	clock := hookflowtest.NewClock(time.Now())
	srv := hookflowtest.New(t, func(c *hookflow.Config) {
		c.Now = clock.Now
		c.RunRetention = &storage.RunRetention{MaxAge: 24 * time.Hour, MaxPerFlow: 3, Interval: 20 * time.Millisecond}
	})
	url := flow(t, srv, `{"access": "public"}`, `[{"operation": "log"}]`)
	id := url[len("/flows/trigger/"):]
	var last string
	for range 6 {
		last = srv.Do(t, "POST", url, `{}`).Header.Get("X-Run-Id")
	}
	count := func() int { return len(srv.Do(t, "GET", "/flows/"+id+"/runs", nil).Data(t).([]any)) }
	waitFor(t, func() bool { return count() == 3 }, "the newest 3 runs stay")
	check(t, srv.Do(t, "GET", "/flows/runs/"+last, nil), 200, "")
	clock.Advance(25 * time.Hour)
	waitFor(t, func() bool { return count() == 0 }, "runs older than a day go")
}
