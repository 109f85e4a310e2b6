package triggers

import (
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/jsonenc"
	"github.com/hookflow/hookflow/redact"
	"github.com/hookflow/hookflow/storage"
)

// unencodable stands in a run record for a value JSON cannot hold (a NaN
// from a custom operation): the run is recorded without it.
const unencodable = "[cannot be encoded as JSON]"

// recordWriter writes the parts of one run's record that hold the run's
// values — its trigger, steps, result and error — into one buffer,
// scrubbed as they are encoded: one pass over each value, and the record
// handed to storage as a few encoded pieces instead of maps to encode
// again.
type recordWriter struct {
	buf   []byte
	scrub *redact.Scrubber
	// options encodes the steps' planned options once for all runs
	// (nil: each run encodes them).
	options *optionsCache
	// step is the step being written and result where its result stands
	// (writeStepMember, made a func value once: member).
	step   engine.StepRecord
	result span
	member jsonenc.MemberWriter
}

// part appends one value scrubbed, or the unencodable marker, and returns
// where it stands in the buffer.
func (w *recordWriter) part(v any) span {
	start := len(w.buf)
	out, err := w.scrub.AppendJSON(w.buf, v)
	if err != nil {
		out = jsonenc.AppendString(w.buf, unencodable)
	}
	w.buf = out
	return span{start, len(w.buf)}
}

// trigger appends the stored trigger and takes on the scrubber that also
// hides the request's credentials.
func (w *recordWriter) trigger(trigger any) span {
	start := len(w.buf)
	out, sc, err := appendStoredTrigger(w.buf, trigger, w.scrub)
	if err != nil {
		out = jsonenc.AppendString(w.buf, unencodable)
	}
	w.buf, w.scrub = out, sc
	return span{start, len(w.buf)}
}

// span is a part's place in the buffer.
type span struct{ start, end int }

// encoded returns a part once the buffer has stopped growing.
func (w *recordWriter) encoded(s span) jsonenc.Encoded {
	return jsonenc.Encoded(w.buf[s.start:s.end:s.end])
}

// completedRecord returns the document of a finished run: doc (the run as
// it was queued, or a new one) with the outcome filled in, its values
// scrubbed of secrets and oversized strings.
func (r *Runner) completedRecord(doc *storage.RunRecord, p *engine.Plan, req Request, res *engine.Result) *storage.RunRecord {
	// One allocation for the record, the values it points to and the
	// writer of its parts.
	out := &struct {
		rec               storage.RunRecord
		started, finished time.Time
		ms                float64
		w                 recordWriter
	}{rec: *doc, started: res.Started, finished: res.Started.Add(res.Duration)}
	out.ms = float64(res.Duration.Microseconds()) / 1000
	rec := &out.rec
	rec.Status = storage.RunCompleted
	rec.StartedAt, rec.FinishedAt, rec.DurationMS = &out.started, &out.finished, &out.ms
	rec.Attempts = max(rec.Attempts, 1)
	rec.Rejected = res.Rejected
	rec.ReplayOf = req.ReplayOf

	w := &out.w
	w.buf, w.scrub, w.options = make([]byte, 0, recordSizeHint(req.Trigger)), r.scrub, r.options
	trigger := w.trigger(req.Trigger)
	accountability := w.accountability(req.Accountability)
	// The run's result is usually the last step's: it is written once.
	var lastIn any
	var lastOut span
	steps := span{-1, -1}
	if p.Flow.RecordsSteps() {
		start := len(w.buf)
		w.buf = append(w.buf, '[')
		for i := range res.Steps {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			lastIn = dedupeTrigger(res.Steps[i].Result, req.Trigger)
			lastOut = w.writeStep(&res.Steps[i], lastIn)
		}
		w.buf = append(w.buf, ']')
		steps = span{start, len(w.buf)}
	}
	result := lastOut
	if last := dedupeTrigger(res.Last, req.Trigger); !sameMap(last, lastIn) || lastOut.end == 0 {
		result = w.part(last)
	}
	failure := span{-1, -1}
	if res.Err != nil {
		rec.Status = storage.RunFailed
		failure = w.part(engine.ErrorObject(res.Err))
	}

	rec.Trigger, rec.Result = w.encoded(trigger), w.encoded(result)
	rec.Accountability = w.encoded(accountability)
	if steps.start >= 0 {
		rec.Steps = w.encoded(steps)
	}
	if failure.start >= 0 {
		rec.Error = w.encoded(failure)
	}
	return rec
}

// recordSizeHint is the usual size of a record's parts: the request body
// and a kilobyte for the rest.
func recordSizeHint(trigger any) int {
	t, _ := trigger.(map[string]any)
	raw, _ := t["raw"].(string)
	return len(raw) + 1024
}

// The layouts of the record's structs, read from their tags once.
var (
	stepLayout           = jsonenc.LayoutOf[engine.StepRecord]()
	accountabilityLayout = jsonenc.LayoutOf[engine.Accountability]()
)

// accountability appends who started the run, unscrubbed: it holds the
// caller's user, role, address and user agent. A system run has none:
// null, as Accountability.Value says.
func (w *recordWriter) accountability(a engine.Accountability) span {
	start := len(w.buf)
	if a.Value() == nil {
		w.buf = append(w.buf, "null"...)
		return span{start, len(w.buf)}
	}
	out, err := accountabilityLayout.Append(w.buf, &a, nil)
	if err != nil {
		out = jsonenc.AppendString(w.buf, unencodable)
	}
	w.buf = out
	return span{start, len(w.buf)}
}

// step appends one step, its options and result scrubbed, and returns
// where its result stands; the result written is result, the step's own
// deduplicated.
func (w *recordWriter) writeStep(s *engine.StepRecord, result any) span {
	w.step = *s
	w.step.Result = result
	w.result = span{}
	if w.member == nil {
		w.member = w.writeStepMember
	}
	encoded, err := stepLayout.Append(w.buf, &w.step, w.member)
	if err != nil {
		encoded, w.result = jsonenc.AppendString(w.buf, unencodable), span{}
	}
	w.buf = encoded
	return w.result
}

// writeStepMember writes a member of w.step scrubbed (planned options
// from the cache), noting where the result stands.
func (w *recordWriter) writeStepMember(dst []byte, name string, v any) ([]byte, error) {
	start := len(dst)
	var ok bool
	if name == "options" && w.step.PlannedOptions {
		dst, ok = w.options.appendOptions(dst, w.step.Options, w.scrub)
	} else {
		var err error
		dst, err = w.scrub.AppendJSON(dst, v)
		ok = err == nil
	}
	if !ok {
		dst = jsonenc.AppendString(dst, unencodable)
	}
	if name == "result" {
		w.result = span{start, len(dst)}
	}
	return dst, nil
}
