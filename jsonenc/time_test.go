package jsonenc

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAppendTimeAsEncodingJSON(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 12, 7, 19, 44, 32, 737210453, time.UTC)
	var times timeText // one writer for all, as a record's times share one
	for _, tm := range []time.Time{
		base, base.Add(18 * time.Microsecond), base.Add(time.Second), base.Truncate(time.Second),
		base.Add(-737210453 + 100), base.In(time.FixedZone("CET", 3600)), base.In(time.FixedZone("W", -(5*3600 + 30*60))),
		base.In(time.FixedZone("LMT", 3600+17)), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 1, time.UTC),
	} {
		got, err := times.append(nil, &tm)
		want, _ := json.Marshal(tm)
		if err != nil || string(got) != string(want) {
			t.Errorf("%v: %s %v, want %s", tm, got, err, want)
		}
	}
	if _, err := AppendTime(nil, new(time.Time)); err != nil {
		t.Fatal(err)
	}
	if _, err := AppendTime(nil, &[]time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}[0]); err == nil {
		t.Fatal("year 10000 must be refused, as encoding/json refuses it")
	}
	if got, _ := AppendTime(nil, nil); string(got) != "null" {
		t.Fatalf("%s", got)
	}
}
