package flows

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ScheduleOptions are the decoded trigger options of a flow whose trigger
// is "schedule" (Directus's "Schedule (CRON)").
type ScheduleOptions struct {
	// Cron is the expression as written (trimmed).
	Cron string
	// schedule is Cron parsed.
	schedule cron.Schedule
}

// cronParser reads standard 5-field expressions, 6-field ones whose first
// field is the second (as Directus writes them), and the descriptors
// @every <duration>, @hourly, @daily, @weekly, @monthly, @yearly.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow |
	cron.Descriptor)

// scheduleOptionKeys are the trigger options a schedule flow may carry.
var scheduleOptionKeys = map[string]bool{"cron": true}

// ParseScheduleOptions decodes and checks a schedule flow's trigger
// options; findings are relative to the options object.
func ParseScheduleOptions(opts map[string]any) (*ScheduleOptions, ValidationErrors) {
	var errs ValidationErrors
	for _, k := range sortedKeys(opts) {
		if !scheduleOptionKeys[k] {
			errs.Add(k, "unknown schedule trigger option (known: cron)")
		}
	}
	s, isStr := opts["cron"].(string)
	if !isStr || strings.TrimSpace(s) == "" {
		errs.Add("cron", `is required: a cron expression such as "*/15 * * * *", "*/10 * * * * *" or "@every 30s"`)
		return &ScheduleOptions{}, errs
	}
	o, err := ParseCron(s)
	if err != nil {
		errs.Add("cron", "%v", err)
	}
	return o, errs
}

// ParseCron parses a cron expression. An expression that cannot fire (the
// 30th of February) is refused as well.
func ParseCron(expr string) (o *ScheduleOptions, err error) {
	expr = strings.TrimSpace(expr)
	o = &ScheduleOptions{Cron: expr}
	defer func() {
		// robfig/cron v3.0.1 panics on a few malformed time zone
		// prefixes ("TZ=" without a space); user input never panics.
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid cron expression %q", expr)
		}
	}()
	sched, err := cronParser.Parse(expr)
	if err != nil {
		return o, fmt.Errorf("invalid cron expression %q: %v", expr, err)
	}
	if sched.Next(time.Now().UTC()).IsZero() {
		return o, fmt.Errorf("cron expression %q never fires", expr)
	}
	o.schedule = sched
	return o, nil
}

// Next is the first tick after t (in UTC, unless the expression starts
// with CRON_TZ=<zone>), or the zero time when there is none.
func (o *ScheduleOptions) Next(t time.Time) time.Time {
	if o.schedule == nil {
		return time.Time{}
	}
	return o.schedule.Next(t.UTC()).UTC()
}
