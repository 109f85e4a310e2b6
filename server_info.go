package hookflow

import (
	"time"

	"github.com/hookflow/hookflow/api"
	"github.com/hookflow/hookflow/buildinfo"
	"github.com/hookflow/hookflow/storage"
)

// serverInfo is what GET /server/info reports: the build, the database and
// the limits in force. c has its defaults applied.
func (c Config) serverInfo() api.ServerInfo {
	return api.ServerInfo{
		Build:    buildinfo.Read(),
		Database: string(c.DBClient),
		Started:  c.Now(),
		Limits:   c.limits(),
	}
}

// limits are the bounds in force, named after the variables that set them
// (in lower case); durations are Go durations ("30s"), sizes bytes.
func (c Config) limits() map[string]any {
	return map[string]any{
		"flows_max_steps":           c.MaxSteps,
		"flows_sync_timeout":        c.SyncTimeout.String(),
		"flows_run_timeout":         c.RunTimeout.String(),
		"flows_workers":             c.Workers,
		"flows_queue_limit":         c.QueueLimit,
		"flows_trigger_max_items":   c.TriggerMaxItems,
		"flows_trigger_max_runs":    c.TriggerMaxRuns,
		"flows_max_render_size":     c.MaxRenderSize,
		"flows_run_max_value_size":  c.RunMaxValueSize,
		"flows_run_max_record_size": c.RunMaxRecordSize,
		"flows_run_retention": map[string]any{
			"max_age":      c.RunRetention.MaxAge.String(),
			"max_per_flow": c.RunRetention.MaxPerFlow,
		},
		"max_payload_size":          c.MaxPayloadSize,
		"request_max_response_size": c.RequestMaxResponseSize,
		"db_query_timeout":          c.queryTimeout().String(),
		"http_read_timeout":         c.HTTP.ReadTimeout.String(),
		"http_write_timeout":        c.HTTP.WriteTimeout.String(),
		"cache_ttl":                 c.CacheTTL.String(),
		"cache_max_size":            c.CacheMaxSize,
		"rate_limiter": map[string]any{
			"enabled":  c.RateLimiter.Enabled,
			"points":   c.RateLimiter.Points,
			"duration": c.RateLimiter.Duration.String(),
		},
	}
}

// queryTimeout is DB_QUERY_TIMEOUT as the store applies it.
func (c Config) queryTimeout() time.Duration {
	if c.QueryTimeout <= 0 {
		return storage.DefaultQueryTimeout
	}
	return c.QueryTimeout
}
