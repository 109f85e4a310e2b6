package tests

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestWebhookCallsQueryIsChecked: GET /webhook_calls refuses parameters it
// does not read and values of the wrong form with 400 INVALID_QUERY (a
// filter silently ignored answers the whole log as if it were filtered);
// the parameters it reads still work.
func TestWebhookCallsQueryIsChecked(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	for _, tc := range []struct{ query, mentions string }{
		{"filter[fields][webhook][eq]=1", "filter[fields][webhook][eq]"},
		{"filter[webhook_id]=1", "filter[webhook_id]"},
		{"filter[fields][status][neq]=failed", "filter[fields][status][neq]"},
		{"filter[fields][entity_type][eq]=item", "not supported"},
		{"filter[fields][created_at][gt]=2024-01-01T00:00:00Z", "not supported"},
		{"page[size]=10", "page[size]"},
		{"status=failed", "status"},
		{"filter[ids]=1,x", "filter[ids]"},
		{"filter[ids]=1,,2", "filter[ids]"},
		{"filter[ids]=-3", "filter[ids]"},
		{"filter[fields][webhook_id][eq]=abc", "webhook_id"},
		{"filter[fields][status][eq]=done", "status"},
		{"page[limit]=0", "page[limit]"},
		{"page[offset]=-1", "page[offset]"},
		{"order_by=name_asc", "order_by"},
	} {
		resp := srv.Do(t, "GET", "/webhook_calls?"+tc.query, nil, "X-Api-Version", "2")
		if resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "INVALID_QUERY" {
			t.Errorf("?%s: %d %s, want 400 INVALID_QUERY", tc.query, resp.Status, resp.Body)
			continue
		}
		if !strings.Contains(string(resp.Body), tc.mentions) {
			t.Errorf("?%s: the message should name %s: %s", tc.query, tc.mentions, resp.Body)
		}
	}
	for _, query := range []string{
		"", "filter[ids]=1,%202", "filter[fields][webhook_id][eq]=wh_1&filter[fields][status][eq]=rescheduled",
		"page[offset]=0&page[limit]=500&order_by=created_at_asc",
	} {
		check(t, srv.Do(t, "GET", "/webhook_calls?"+query, nil, "X-Api-Version", "2"), 200, `{"data": [], "meta": {"total_count": 0}}`)
	}
}
