package query

import (
	"testing"
	"time"
)

func TestParseNow(t *testing.T) {
	t.Parallel()
	base := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"$NOW", base},
		{"$NOW()", base},
		{"$NOW(-1 hour)", base.Add(-time.Hour)},
		{"$NOW(+7 days)", base.AddDate(0, 0, 7)},
		{"$NOW(30 min)", base.Add(30 * time.Minute)},
		{"$NOW(30min)", base.Add(30 * time.Minute)},
		{"$NOW( - 2 h )", base.Add(-2 * time.Hour)},
		{"$NOW(500 ms)", base.Add(500 * time.Millisecond)},
		{"$NOW(1 millisecond)", base.Add(time.Millisecond)},
		{"$NOW(5 s)", base.Add(5 * time.Second)},
		{"$NOW(5 sec)", base.Add(5 * time.Second)},
		{"$NOW(5 secs)", base.Add(5 * time.Second)},
		{"$NOW(1 second)", base.Add(time.Second)},
		{"$NOW(-5 seconds)", base.Add(-5 * time.Second)},
		{"$NOW(2 m)", base.Add(2 * time.Minute)},
		{"$NOW(1 minute)", base.Add(time.Minute)},
		{"$NOW(2 minutes)", base.Add(2 * time.Minute)},
		{"$NOW(2 mins)", base.Add(2 * time.Minute)},
		{"$NOW(1 h)", base.Add(time.Hour)},
		{"$NOW(3 hours)", base.Add(3 * time.Hour)},
		{"$NOW(3 HOURS)", base.Add(3 * time.Hour)},
		{"$NOW(-1 d)", base.AddDate(0, 0, -1)},
		{"$NOW(1 day)", base.AddDate(0, 0, 1)},
		{"$NOW(2 w)", base.AddDate(0, 0, 14)},
		{"$NOW(1 week)", base.AddDate(0, 0, 7)},
		{"$NOW(-2 weeks)", base.AddDate(0, 0, -14)},
		{"$NOW(1 mo)", base.AddDate(0, 1, 0)}, // Jan 31 + 1 month normalizes to Mar 2 (2024 is leap)
		{"$NOW(1 month)", time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)},
		{"$NOW(-3 months)", base.AddDate(0, -3, 0)},
		{"$NOW(1 y)", base.AddDate(1, 0, 0)},
		{"$NOW(1 year)", base.AddDate(1, 0, 0)},
		{"$NOW(-10 years)", base.AddDate(-10, 0, 0)},
		{"$NOW(0 days)", base},
		{"$NOW(+0 h)", base},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			o, ok, err := ParseNow(tt.in)
			if !ok || err != nil {
				t.Fatalf("ok=%v err=%v", ok, err)
			}
			if got := o.From(base); !got.Equal(tt.want) {
				t.Errorf("From = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseNowNotNow(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "NOW", "$now", "$NOWHERE", "$NOW (-1 h)", "x$NOW", " $NOW", "$CURRENT_USER"} {
		if _, ok, err := ParseNow(in); ok || err != nil {
			t.Errorf("ParseNow(%q) = %v %v, want not a $NOW expression", in, ok, err)
		}
	}
}

func TestParseNowMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"$NOW(", "$NOW(-1 hour", "$NOW(x)", "$NOW(-)", "$NOW(1)", "$NOW(1 fortnight)", "$NOW(1.5 hours)",
		"$NOW(--1 h)", "$NOW(1 h 2 m)", "$NOW(h)", "$NOW(99999999999999999999 ms)", "$NOW(9999999999999 h)",
		"$NOW(2000000000 years)", "$NOW(-1 hour))x", "$NOW(1 hour)(",
	} {
		if _, ok, err := ParseNow(in); !ok || err == nil {
			t.Errorf("ParseNow(%q) = ok %v err %v, want an error", in, ok, err)
		}
	}
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	got := FormatTime(time.Date(2024, 1, 2, 4, 5, 6, 7_000_000, time.FixedZone("X", 2*3600)))
	if got != "2024-01-02T02:05:06.007Z" {
		t.Errorf("FormatTime = %s", got)
	}
}
