package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how resolved times ($NOW, $NOW(-1 hour)) are written: RFC 3339
// in UTC with fixed milliseconds, like JavaScript's toISOString. A fixed width
// keeps such strings in time order when compared as text (SQL, string order).
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatTime writes t the way $NOW resolves: TimeLayout in UTC.
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeLayout)
}

type unit uint8

const (
	unitNone unit = iota
	unitMs
	unitSec
	unitMin
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitYear
)

// units maps every accepted spelling (lower case) to its unit. "m" is
// minutes and "mo" months, as in the spec.
var units = map[string]unit{
	"ms": unitMs, "msec": unitMs, "msecs": unitMs, "millisecond": unitMs, "milliseconds": unitMs,
	"s": unitSec, "sec": unitSec, "secs": unitSec, "second": unitSec, "seconds": unitSec,
	"m": unitMin, "min": unitMin, "mins": unitMin, "minute": unitMin, "minutes": unitMin,
	"h": unitHour, "hr": unitHour, "hrs": unitHour, "hour": unitHour, "hours": unitHour,
	"d": unitDay, "day": unitDay, "days": unitDay,
	"w": unitWeek, "week": unitWeek, "weeks": unitWeek,
	"mo": unitMonth, "mos": unitMonth, "month": unitMonth, "months": unitMonth,
	"y": unitYear, "yr": unitYear, "yrs": unitYear, "year": unitYear, "years": unitYear,
}

var unitDurations = [...]time.Duration{
	unitMs:   time.Millisecond,
	unitSec:  time.Second,
	unitMin:  time.Minute,
	unitHour: time.Hour,
}

// maxCalendarAmount bounds day/week/month/year offsets so that AddDate stays
// far from integer overflow (a billion years is not a useful filter).
const maxCalendarAmount = 1_000_000_000

// Offset is the relative part of a $NOW expression: an amount of a unit. The
// zero Offset is plain $NOW.
type Offset struct {
	n int64
	u unit
}

// From applies the offset to now. Fixed units (ms to hours) add a duration;
// days, weeks, months and years use time.AddDate, so "+1 month" from January
// 31 normalizes the way AddDate does (to March 2 or 3).
func (o Offset) From(now time.Time) time.Time {
	switch o.u {
	case unitMs, unitSec, unitMin, unitHour:
		return now.Add(time.Duration(o.n) * unitDurations[o.u])
	case unitDay:
		return now.AddDate(0, 0, int(o.n))
	case unitWeek:
		return now.AddDate(0, 0, 7*int(o.n))
	case unitMonth:
		return now.AddDate(0, int(o.n), 0)
	case unitYear:
		return now.AddDate(int(o.n), 0, 0)
	}
	return now
}

// ParseNow parses "$NOW" and "$NOW(<sign><amount> <unit>)" such as
// "$NOW(-1 hour)", "$NOW(+7 days)", "$NOW(30min)". ok is false when s is not a
// $NOW expression at all (it is then an ordinary string, e.g. "$NOWHERE");
// err is set when s starts with "$NOW(" but the rest is malformed. The amount
// is a whole number (so months and years stay calendar-exact); "$NOW()" is
// plain $NOW. Unit names are case-insensitive.
func ParseNow(s string) (offset Offset, ok bool, err error) {
	rest, found := strings.CutPrefix(s, "$NOW")
	if !found {
		return Offset{}, false, nil
	}
	if rest == "" {
		return Offset{}, true, nil
	}
	if rest[0] != '(' {
		return Offset{}, false, nil
	}
	if !strings.HasSuffix(rest, ")") {
		return Offset{}, true, fmt.Errorf("%s: missing ')'", s)
	}
	o, err := parseOffset(strings.TrimSpace(rest[1 : len(rest)-1]))
	if err != nil {
		return Offset{}, true, fmt.Errorf("%s: %w", s, err)
	}
	return o, true, nil
}

func parseOffset(s string) (Offset, error) {
	if s == "" {
		return Offset{}, nil
	}
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = strings.TrimLeft(s[1:], " ")
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return Offset{}, fmt.Errorf("expected an amount like \"-1 hour\"")
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return Offset{}, fmt.Errorf("amount %s is too large", s[:i])
	}
	word := strings.TrimLeft(s[i:], " ")
	if strings.HasPrefix(word, ".") {
		return Offset{}, fmt.Errorf("amount must be a whole number")
	}
	if word == "" {
		return Offset{}, fmt.Errorf("missing unit after %s", s[:i])
	}
	u, known := units[strings.ToLower(word)]
	if !known {
		return Offset{}, fmt.Errorf("unknown unit %q", word)
	}
	limit := int64(maxCalendarAmount)
	if u <= unitHour {
		limit = math.MaxInt64 / int64(unitDurations[u])
	}
	if n > limit {
		return Offset{}, fmt.Errorf("amount %d is too large", n)
	}
	if neg {
		n = -n
	}
	return Offset{n: n, u: u}, nil
}
