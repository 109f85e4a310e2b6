package storage

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hookflow/hookflow/jsonenc"
)

// appendRecord appends a run's document as JSON, its fields in the order
// and under the names of RunRecord's tags (TestRecordEncodingMatchesTags
// holds the two together). Written by hand, it costs a few copies: the
// runner hands the record's large values over already encoded
// (jsonenc.Encoded).
func appendRecord(dst []byte, d *RunRecord) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst = jsonenc.AppendString(dst, d.ID)
	dst = append(dst, `,"flow":`...)
	dst = jsonenc.AppendString(dst, d.Flow)
	dst = append(dst, `,"status":`...)
	dst = jsonenc.AppendString(dst, d.Status)
	dst = appendBool(append(dst, `,"async":`...), d.Async)
	dst = appendBool(append(dst, `,"rejected":`...), d.Rejected)
	var err error
	for _, f := range []struct {
		name  string
		value any
	}{
		{`,"trigger":`, d.Trigger},
		{`,"accountability":`, d.Accountability},
		{`,"result":`, d.Result},
		{`,"error":`, d.Error},
		{`,"steps":`, d.Steps},
	} {
		if dst, err = jsonenc.Append(append(dst, f.name...), f.value); err != nil {
			return dst, fmt.Errorf("%s %w", f.name[2:len(f.name)-2], err)
		}
	}
	if dst, err = appendTime(append(dst, `,"created_at":`...), &d.CreatedAt); err != nil {
		return dst, err
	}
	if dst, err = appendTime(append(dst, `,"started_at":`...), d.StartedAt); err != nil {
		return dst, err
	}
	if dst, err = appendTime(append(dst, `,"finished_at":`...), d.FinishedAt); err != nil {
		return dst, err
	}
	dst = append(dst, `,"duration_ms":`...)
	if d.DurationMS == nil {
		dst = append(dst, "null"...)
	} else if dst, err = jsonenc.AppendFloat(dst, *d.DurationMS); err != nil {
		return dst, err
	}
	dst = strconv.AppendInt(append(dst, `,"attempts":`...), int64(d.Attempts), 10)
	return appendOrigin(dst, d)
}

// appendOrigin appends what started the run and closes the document; each
// member is left out when empty (omitempty).
func appendOrigin(dst []byte, d *RunRecord) ([]byte, error) {
	for _, f := range []struct{ name, value string }{
		{`,"replay_of":`, d.ReplayOf},
		{`,"started_by":`, d.StartedBy},
		{`,"event":`, d.Event},
	} {
		if f.value != "" {
			dst = jsonenc.AppendString(append(dst, f.name...), f.value)
		}
	}
	if d.EventDepth != 0 {
		dst = strconv.AppendInt(append(dst, `,"event_depth":`...), int64(d.EventDepth), 10)
	}
	if len(d.StoppedEvents) > 0 {
		var err error
		if dst, err = jsonenc.Append(append(dst, `,"stopped_events":`...), d.StoppedEvents); err != nil {
			return dst, fmt.Errorf("stopped_events %w", err)
		}
	}
	return append(dst, '}'), nil
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendTime writes a time as encoding/json does (RFC 3339 with
// nanoseconds, in the time's own zone), or null.
func appendTime(dst []byte, t *time.Time) ([]byte, error) {
	if t == nil {
		return append(dst, "null"...), nil
	}
	if y := t.Year(); y < 0 || y > 9999 {
		return dst, fmt.Errorf("%w: year %d outside [0,9999]", jsonenc.ErrUnsupportedValue, y)
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"'), nil
}
