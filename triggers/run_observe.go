package triggers

import (
	"context"
	"log/slog"
	"time"

	"github.com/hookflow/hookflow/engine"
)

// RunObserver hears of every run whose outcome is final: the server's
// metrics. It is called on the run's goroutine, so it must be cheap.
type RunObserver interface {
	// RunFinished reports a run of a flow started by a trigger kind
	// ("webhook", "operation", …) that ended with status ("completed" or
	// "failed") after took.
	RunFinished(flowID, trigger, status string, took time.Duration)
}

// finished reports a run whose outcome is final: to the observer, and to
// the log at warn when it failed. Runs cut short by a shutdown or a lost
// claim are not final (they run again) and are not reported.
func (r *Runner) finished(p *engine.Plan, req Request, res *engine.Result) {
	if r.observer != nil {
		r.observer.RunFinished(p.Flow.ID, p.Flow.Trigger, res.Status, res.Duration)
	}
	if res.Err != nil {
		r.logFailure(p, req, res)
	}
}

// logFailure logs a failed run at warn with what an operator needs to find
// it and its cause. The error is scrubbed as the run's record is (the
// request's credentials and `$env` values hidden, long strings cut), so the
// log shows nothing the record would not.
func (r *Runner) logFailure(p *engine.Plan, req Request, res *engine.Result) {
	ctx := context.Background()
	if !r.logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	_, sc := storedTrigger(req.Trigger, r.scrub)
	errObj := sc.Object(engine.ErrorObject(res.Err))
	attrs := []slog.Attr{
		slog.String("run_id", res.RunID),
		slog.String("flow_id", p.Flow.ID),
		slog.String("flow_name", p.Flow.Name),
		slog.String("trigger", p.Flow.Trigger),
		slog.Any("code", errObj["code"]),
		slog.Any("message", errObj["message"]),
		slog.Float64("duration_ms", float64(res.Duration.Microseconds())/1000),
	}
	if key, ok := errObj["operation"]; ok {
		attrs = append(attrs, slog.Any("operation", key), slog.Any("operation_type", errObj["type"]))
	}
	if req.ReplayOf != "" {
		attrs = append(attrs, slog.String("replay_of", req.ReplayOf))
	}
	r.logger.LogAttrs(ctx, slog.LevelWarn, "run failed", attrs...)
}
