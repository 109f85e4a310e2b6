package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
)

// Bounds of a run listing's page.
const (
	defaultRunsLimit = 100
	maxRunsLimit     = 1000
)

// runStatuses and triggerKinds are what status= and trigger= take.
var (
	runStatuses  = []string{storage.RunQueued, storage.RunRunning, storage.RunCompleted, storage.RunFailed}
	triggerKinds = []string{
		flows.TriggerWebhook, flows.TriggerEvent, flows.TriggerSchedule, flows.TriggerOperation,
		flows.TriggerManual,
	}
)

// runListParams are the query parameters of a run listing.
var runListParams = []string{"status", "flow", "trigger", "since", "until", "limit", "page", "offset", "meta", "access_token"}

// runListing is a parsed run listing request.
type runListing struct {
	query       storage.RunQuery
	page, limit int
	// totalCount and filterCount are meta=total_count (every run of the
	// listing's scope: all flows, or the flow of the URL) and
	// meta=filter_count (the runs the filters select), as Directus counts.
	totalCount, filterCount bool
}

// parseRunListing reads status, trigger, since, until (RFC 3339), limit
// (1 to 1000, default 100), page (from 1) or offset, meta, and flow when
// the URL names no flow. Every parameter is checked, and one the listing
// does not know is refused: a misspelt filter must not list every run.
func parseRunListing(c echo.Context, flowInURL bool) (*runListing, error) {
	l := &runListing{limit: defaultRunsLimit, page: 1}
	for name, values := range c.QueryParams() {
		if !slices.Contains(runListParams, name) || flowInURL && name == "flow" {
			return nil, invalidQuery("unknown parameter %q (known: status, flow, trigger, since, until, limit, page, offset, meta)", name)
		}
		if len(values) > 1 && name != "meta" {
			return nil, invalidQuery("%s is given %d times; give it once", name, len(values))
		}
	}
	q := &l.query
	var err error
	if q.Status, err = oneOf(c, "status", runStatuses); err != nil {
		return nil, err
	}
	if q.Trigger, err = oneOf(c, "trigger", triggerKinds); err != nil {
		return nil, err
	}
	if !flowInURL {
		q.FlowID = c.QueryParam("flow")
	}
	if q.Since, err = timeParam(c, "since"); err != nil {
		return nil, err
	}
	if q.Until, err = timeParam(c, "until"); err != nil {
		return nil, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return nil, invalidQuery("until (%s) is before since (%s)", c.QueryParam("until"), c.QueryParam("since"))
	}
	if err := l.parsePage(c); err != nil {
		return nil, err
	}
	for _, list := range c.QueryParams()["meta"] {
		for m := range strings.SplitSeq(list, ",") {
			switch strings.TrimSpace(m) {
			case "total_count":
				l.totalCount = true
			case "filter_count":
				l.filterCount = true
			case "*":
				l.totalCount, l.filterCount = true, true
			default:
				return nil, invalidQuery("unknown meta %q (known: total_count, filter_count, *)", m)
			}
		}
	}
	return l, nil
}

// parsePage reads limit and page or offset.
func (l *runListing) parsePage(c echo.Context) error {
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxRunsLimit {
			return invalidQuery("limit must be an integer from 1 to %d (0: the default, %d)", maxRunsLimit, defaultRunsLimit)
		}
		if n > 0 {
			l.limit = n
		}
	}
	page, offset := c.QueryParam("page"), c.QueryParam("offset")
	switch {
	case page != "" && offset != "":
		return invalidQuery("give page or offset, not both")
	case page != "":
		n, err := strconv.Atoi(page)
		if err != nil || n < 0 {
			return invalidQuery("page must be a positive integer")
		}
		l.page = max(n, 1)
	case offset != "":
		n, err := strconv.Atoi(offset)
		if err != nil || n < 0 {
			return invalidQuery("offset must be a non-negative integer")
		}
		l.query.Offset = n
	}
	if page != "" || offset == "" {
		l.query.Offset = (l.page - 1) * l.limit
	}
	l.query.Limit = l.limit
	return nil
}

// oneOf reads a parameter that takes one of a few values ("" when absent).
func oneOf(c echo.Context, name string, allowed []string) (string, error) {
	v := c.QueryParam(name)
	if v != "" && !slices.Contains(allowed, v) {
		return "", invalidQuery("%s must be one of %s", name, strings.Join(allowed, ", "))
	}
	return v, nil
}

// timeParam reads an RFC 3339 time ("2026-12-07T10:00:00Z").
func timeParam(c echo.Context, name string) (time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, invalidQuery("%s must be an RFC 3339 time (2026-12-07T10:00:00Z), not %q", name, v)
	}
	return t, nil
}

// invalidQuery is a 400 INVALID_QUERY.
func invalidQuery(format string, args ...any) error {
	return badRequest("INVALID_QUERY", fmt.Sprintf(format, args...))
}

// listAllRuns lists runs of every flow, newest first (GET /flows/runs).
func (s *server) listAllRuns(c echo.Context) error {
	l, err := parseRunListing(c, false)
	if err != nil {
		return err
	}
	return s.writeRuns(c, l, storage.RunQuery{})
}

// writeRuns answers a run listing: the records, and meta with the page,
// the limit and the counts asked for. scope is the listing without its
// filters, what total_count counts.
func (s *server) writeRuns(c echo.Context, l *runListing, scope storage.RunQuery) error {
	ctx := c.Request().Context()
	runs, err := s.Store.QueryRuns(ctx, l.query)
	if err != nil {
		return err
	}
	records := make([]json.RawMessage, len(runs))
	for i, r := range runs {
		records[i] = r.Record
	}
	meta := map[string]any{"page": l.page, "limit": l.limit}
	if l.query.Offset != (l.page-1)*l.limit {
		meta = map[string]any{"offset": l.query.Offset, "limit": l.limit}
	}
	if l.totalCount {
		if meta["total_count"], err = s.Store.CountRuns(ctx, scope); err != nil {
			return err
		}
	}
	if l.filterCount {
		if meta["filter_count"], err = s.Store.CountRuns(ctx, l.query); err != nil {
			return err
		}
	}
	return writeJSON(c, http.StatusOK, map[string]any{"data": records, "meta": meta})
}
