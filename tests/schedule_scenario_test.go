package tests

import (
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// tickFlow records every tick it gets.
const tickFlow = `{"name": "ticks", "trigger": "schedule", "options": {"cron": %q},
  "operations": [{"operation": "item-create", "options": {"collection": "ticks",
    "payload": {"at": "{{$trigger.timestamp}}", "accountability": "{{$accountability}}"}}}]}`

// scheduledServer starts a server whose schedules follow clock, on db
// (nil for a new database).
func scheduledServer(t *testing.T, clock *hookflowtest.Clock, db *hookflowtest.Database) *hookflowtest.Server {
	t.Helper()
	return hookflowtest.New(t, func(c *hookflow.Config) {
		c.ScheduleClock = clock
		if db != nil {
			db.Use(c)
		}
	})
}

// waitNextTick waits until the scheduler sleeps until at.
func waitNextTick(t *testing.T, clock *hookflowtest.Clock, at time.Time) {
	t.Helper()
	waitFor(t, func() bool {
		next, ok := clock.NextTimer()
		return ok && next.Equal(at)
	}, "the scheduler to wait for "+at.Format(time.RFC3339Nano))
}

// advanceTo moves the clock to target the way time passes: one waiting
// timer after the other (the scheduler wakes at least every minute), each
// once the server has set it.
func advanceTo(t *testing.T, clock *hookflowtest.Clock, target time.Time) {
	t.Helper()
	for clock.Now().Before(target) {
		var next time.Time
		waitFor(t, func() bool {
			n, ok := clock.NextTimer()
			next = n
			return ok && n.After(clock.Now())
		}, "the scheduler to wait")
		if next.After(target) {
			next = target
		}
		clock.Advance(next.Sub(clock.Now()))
	}
}

// TestScheduleFiresEverySecondUntilDeactivated: a 6-field cron with
// seconds fires once per tick — five runs over five seconds of the clock
// — each with the tick's time and no accountability (its item operation
// acts with the flow's authority); deactivating the flow stops it before
// its next tick, and reactivating plans the next tick from then.
func TestScheduleFiresEverySecondUntilDeactivated(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	clock := hookflowtest.NewClock(start)
	srv := scheduledServer(t, clock, nil)
	id := srv.CreateFlow(t, fmt.Sprintf(tickFlow, "*/1 * * * * *"))
	tick := start.Truncate(time.Second)
	for k := 1; k <= 5; k++ {
		waitNextTick(t, clock, tick.Add(time.Duration(k)*time.Second))
		clock.Advance(time.Second)
		waitRuns(t, srv, id, k)
	}
	items := waitItems(t, srv, "ticks", 5)
	for k, it := range items {
		want := tick.Add(time.Duration(k+1) * time.Second).Format(time.RFC3339)
		if it["at"] != want || it["accountability"] != nil {
			t.Fatalf("tick %d: %v, want at %s and no accountability", k+1, it, want)
		}
	}
	checkJSONSubset(t, waitRuns(t, srv, id, 5)[0], `{"started_by": "schedule", "accountability": null,
	  "trigger": {"timestamp": "2030-01-02T03:04:06Z"}}`)

	waitNextTick(t, clock, tick.Add(6*time.Second))
	if r := srv.Do(t, "PATCH", "/flows/"+id, `{"status": "inactive"}`); r.Status != 200 {
		t.Fatalf("deactivate: %d %s", r.Status, r.Body)
	}
	// The scheduler no longer waits for the flow's next tick.
	waitFor(t, func() bool {
		next, ok := clock.NextTimer()
		return ok && !next.Equal(tick.Add(6*time.Second))
	}, "the scheduler to drop the deactivated flow's tick")
	clock.Advance(3 * time.Second)
	if r := srv.Do(t, "PATCH", "/flows/"+id, `{"status": "active"}`); r.Status != 200 {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	// Reactivated at 03:04:13.5: the ticks it was inactive for never fire.
	waitNextTick(t, clock, tick.Add(9*time.Second))
	clock.Advance(time.Second)
	runs := waitRuns(t, srv, id, 6)
	checkJSONSubset(t, runs[5], `{"trigger": {"timestamp": "2030-01-02T03:04:14Z"}}`)
}

// TestScheduleMissedTicksFireOnceAtStart: ticks due while no server ran
// fire once when a server starts again on the database, with the time of
// the first missed tick, and the schedule goes on from the start.
func TestScheduleMissedTicksFireOnceAtStart(t *testing.T) {
	t.Parallel()
	db := hookflowtest.NewDatabase(t)
	start := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	clock := hookflowtest.NewClock(start)
	first := scheduledServer(t, clock, &db)
	id := first.CreateFlow(t, fmt.Sprintf(tickFlow, "*/1 * * * * *"))
	waitNextTick(t, clock, start.Truncate(time.Second).Add(time.Second))
	clock.Advance(time.Second)
	waitRuns(t, first, id, 1)
	waitNextTick(t, clock, start.Truncate(time.Second).Add(2*time.Second))
	first.Close()
	if err := first.Hookflow.Close(); err != nil {
		t.Fatal(err)
	}

	// An hour later, on the same database.
	later := hookflowtest.NewClock(start.Add(time.Hour))
	second := scheduledServer(t, later, &db)
	waitNextTick(t, later, start.Add(time.Hour).Truncate(time.Second).Add(time.Second))
	runs := waitRuns(t, second, id, 2)
	checkJSONSubset(t, runs[1], `{"started_by": "schedule", "trigger": {"timestamp": "2030-01-02T03:04:07Z"}}`)
	later.Advance(time.Second)
	runs = waitRuns(t, second, id, 3)
	checkJSONSubset(t, runs[2], `{"trigger": {"timestamp": "2030-01-02T04:04:06Z"}}`)
}

// TestScheduleForms: a 5-field cron, @every and @hourly fire at the ticks
// they name; editing the expression takes effect before the old one's
// next tick.
func TestScheduleForms(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := hookflowtest.NewClock(start)
	srv := scheduledServer(t, clock, nil)
	id := srv.CreateFlow(t, fmt.Sprintf(tickFlow, "*/15 * * * *"))
	advanceTo(t, clock, time.Date(2030, 1, 2, 3, 15, 5, 0, time.UTC))
	runs := waitRuns(t, srv, id, 1)
	checkJSONSubset(t, runs[0], `{"trigger": {"timestamp": "2030-01-02T03:15:00Z"}}`)

	if r := srv.Do(t, "PATCH", "/flows/"+id, `{"options": {"cron": "@hourly"}}`); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	// 03:30 and 03:45 were the old expression's ticks.
	advanceTo(t, clock, time.Date(2030, 1, 2, 4, 0, 5, 0, time.UTC))
	runs = waitRuns(t, srv, id, 2)
	checkJSONSubset(t, runs[1], `{"trigger": {"timestamp": "2030-01-02T04:00:00Z"}}`)

	if r := srv.Do(t, "PATCH", "/flows/"+id, `{"options": {"cron": "@every 30s"}}`); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	waitNextTick(t, clock, time.Date(2030, 1, 2, 4, 0, 35, 0, time.UTC))
	clock.Advance(30 * time.Second)
	runs = waitRuns(t, srv, id, 3)
	checkJSONSubset(t, runs[2], `{"trigger": {"timestamp": "2030-01-02T04:00:35Z"}}`)

	checkSubset(t, srv.Do(t, "POST", "/flows", fmt.Sprintf(tickFlow, "61 * * * *")), 400,
		`{"errors": [{"extensions": {"code": "INVALID_PAYLOAD", "path": "options.cron"}}]}`)
	checkSubset(t, srv.Do(t, "POST", "/flows", fmt.Sprintf(tickFlow, "0 0 30 2 *")), 400,
		`{"errors": [{"extensions": {"code": "INVALID_PAYLOAD", "path": "options.cron"}}]}`)
}
