package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// DefaultMaxRunRecordSize bounds one encoded run record (512 KiB) when the
// store is opened without a limit.
const DefaultMaxRunRecordSize = 512 << 10

// droppedValue stands in an oversized record for a value that was left out.
func droppedValue(size int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`"[truncated: %d bytes]"`, size))
}

// recordSlot is one value of a record that may be dropped: a member of an
// object (the record, its trigger, one of its steps).
type recordSlot struct {
	in  map[string]json.RawMessage
	key string
}

// capRecord returns raw when it holds at most max bytes. A larger record
// keeps its shape, but its largest values — the trigger's body, the
// result, the error, step options and results — are replaced, biggest
// first, by a "[truncated: N bytes]" marker until it fits, and it gets
// "truncated": true. Only records over the limit pay for this.
func capRecord(raw []byte, max int) []byte {
	if max <= 0 || len(raw) <= max {
		return raw
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return raw
	}
	var trigger map[string]json.RawMessage
	_ = json.Unmarshal(doc["trigger"], &trigger)
	var steps []map[string]json.RawMessage
	_ = json.Unmarshal(doc["steps"], &steps)

	slots := []recordSlot{{doc, "result"}, {doc, "error"}}
	for _, k := range []string{"body", "raw", "query", "headers"} {
		if trigger != nil {
			slots = append(slots, recordSlot{trigger, k})
		}
	}
	for _, st := range steps {
		slots = append(slots, recordSlot{st, "options"}, recordSlot{st, "result"})
	}
	sort.SliceStable(slots, func(i, j int) bool {
		return len(slots[i].in[slots[i].key]) > len(slots[j].in[slots[j].key])
	})
	size := len(raw) + len(`,"truncated":true`)
	for _, s := range slots {
		if size <= max {
			break
		}
		v, ok := s.in[s.key]
		if !ok || len(v) <= 64 {
			continue
		}
		marker := droppedValue(len(v))
		size += len(marker) - len(v)
		s.in[s.key] = marker
	}
	if trigger != nil {
		doc["trigger"] = marshalRaw(trigger)
	}
	if steps != nil {
		doc["steps"] = marshalRaw(steps)
	}
	if size > max {
		// Many small values: keep the run's outcome, drop the details.
		doc["steps"] = droppedValue(len(doc["steps"]))
		doc["trigger"] = droppedValue(len(doc["trigger"]))
	}
	doc["truncated"] = json.RawMessage("true")
	return marshalRaw(doc)
}

// marshalRaw encodes decoded record parts again, leaving `<`, `>` and `&`
// as they were sent.
func marshalRaw(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
