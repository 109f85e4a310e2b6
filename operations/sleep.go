package operations

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/flows"
)

// MaxSleep is the longest `milliseconds` a sleep may ask for; the run's own
// deadline (FLOWS_SYNC_TIMEOUT, FLOWS_RUN_TIMEOUT) usually ends it sooner.
const MaxSleep = time.Hour

// Sleep waits `milliseconds` and hands `$last` on unchanged, so a pause
// between two steps does not lose data. It stops early, failing, when the
// run's deadline passes or the run is cancelled.
type Sleep struct{}

// Prepare checks a constant duration.
func (Sleep) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "milliseconds")
	v, ok := p.Options["milliseconds"]
	switch {
	case !ok || v == nil:
		errs.Add("milliseconds", "is required")
	case !isTemplate(v):
		if _, err := sleepDuration(v); err != nil {
			errs.Add("milliseconds", "%v", err)
		}
	}
	return sleepStep{}, errs.Err()
}

func sleepDuration(v any) (time.Duration, error) {
	n, ok := optionInt(v)
	if !ok || n < 0 || time.Duration(n)*time.Millisecond > MaxSleep {
		return 0, errBadSleep
	}
	return time.Duration(n) * time.Millisecond, nil
}

var errBadSleep = errors.New("must be a whole number of milliseconds from 0 to 3600000 (one hour)")

type sleepStep struct{}

// Run waits, or gives up when ctx is done.
func (sleepStep) Run(ctx context.Context, in Input) (any, error) {
	d, err := sleepDuration(in.Options["milliseconds"])
	if err != nil {
		return nil, Failf(http.StatusInternalServerError, "INVALID_OPTION", "sleep: milliseconds %v", err)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return in.Chain["$last"], nil
	case <-ctx.Done():
		return nil, Failf(http.StatusGatewayTimeout, "SLEEP_INTERRUPTED", "sleep: the run ended before %s had passed", d)
	}
}
