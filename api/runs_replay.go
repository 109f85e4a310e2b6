package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/labstack/echo/v4"
)

// replayRun starts a new run from a run's record (POST
// /flows/runs/{id}/replay) and answers as the flow's trigger would: the
// result (200) or the run's failure, or 202 for a queued run; meta says
// which run it replays and whether the record had redacted values, which
// the new run sees redacted.
func (s *server) replayRun(c echo.Context) error {
	ctx := c.Request().Context()
	run, err := s.Store.GetRun(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	rec, err := run.Doc()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	out, err := s.Replayer.Replay(ctx, rec, callerOf(c), h)
	if err != nil {
		var rejected *triggers.RejectedError
		if _, failed := engine.DescribeFailure(err); failed || errors.As(err, &rejected) {
			return &envHidden{error: err, hide: s.Webhook.HideEnv}
		}
		return err
	}
	if out.Location != "" {
		h.Set(echo.HeaderLocation, out.Location)
	}
	return writeJSON(c, out.Status, map[string]any{
		"data": out.Data,
		"meta": map[string]any{"replay_of": rec.ID, "redacted": out.Redacted},
	})
}

// replayRunsFields are the members of a bulk replay's body.
var replayRunsFields = []string{"status", "since", "until", "dry_run"}

// replayRuns replays many runs of a flow (POST /flows/{id}/runs/replay)
// selected by {"status", "since", "until"}: with "dry_run": true it
// answers how many match; otherwise it queues them and answers 202 with
// how many were queued ("count") of how many matched ("matched").
func (s *server) replayRuns(c echo.Context) error {
	doc, err := readObject(c)
	if err != nil {
		return err
	}
	q, dryRun, err := parseReplayRuns(doc)
	if err != nil {
		return err
	}
	flow, err := s.Store.GetFlow(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	q.FlowID = flow.ID
	out, err := s.Replayer.ReplayMany(c.Request().Context(), q, callerOf(c), dryRun)
	if err != nil {
		return err
	}
	if dryRun {
		return writeData(c, http.StatusOK, map[string]any{"count": out.Matched, "dry_run": true})
	}
	return writeData(c, http.StatusAccepted, map[string]any{"count": out.Queued, "matched": out.Matched})
}

// parseReplayRuns checks a bulk replay's body, reporting every finding
// with its path; a member it does not know is one (a misspelt filter must
// not replay every run).
func parseReplayRuns(doc map[string]any) (storage.RunQuery, bool, error) {
	var q storage.RunQuery
	var errs flows.ValidationErrors
	for name := range doc {
		if !slices.Contains(replayRunsFields, name) {
			errs.Add(name, "unknown member (known: %s)", strings.Join(replayRunsFields, ", "))
		}
	}
	if v, ok := doc["status"]; ok && v != nil {
		st, isString := v.(string)
		if !isString || !slices.Contains(runStatuses, st) {
			errs.Add("status", "must be one of %s", strings.Join(runStatuses, ", "))
		}
		q.Status = st
	}
	q.Since = replayTime(doc, "since", &errs)
	q.Until = replayTime(doc, "until", &errs)
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		errs.Add("until", "is before since")
	}
	dryRun := false
	if v, ok := doc["dry_run"]; ok && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			errs.Add("dry_run", "must be true or false")
		}
		dryRun = b
	}
	if len(errs) > 0 {
		return q, false, errs
	}
	return q, dryRun, nil
}

// replayTime reads an RFC 3339 time member of a bulk replay.
func replayTime(doc map[string]any, name string, errs *flows.ValidationErrors) time.Time {
	v, ok := doc[name]
	if !ok || v == nil {
		return time.Time{}
	}
	text, _ := v.(string)
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		errs.Add(name, "must be an RFC 3339 time (2026-12-07T10:00:00Z), not %s", fmt.Sprint(v))
	}
	return t
}
