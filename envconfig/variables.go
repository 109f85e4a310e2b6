package envconfig

// Variable is one row of the configuration table: environment
// variables that belong together, their defaults and what they mean, in
// Markdown. Variables is the one list: `hookflow --help` prints it
// and the README's configuration table is generated from it (a test keeps
// the two equal and checks that Read reads nothing else).
type Variable struct {
	Names   []string
	Default string
	Meaning string
}

// Variables lists every environment variable hookflow reads, in the
// order the README shows them.
func Variables() []Variable {
	return []Variable{
		{
			Names:   []string{"HOST", "PORT"},
			Default: "`0.0.0.0`, `8055`",
			Meaning: "listen address",
		},
		{
			Names:   []string{"PUBLIC_URL"},
			Default: "",
			Meaning: "how the server is reached from outside",
		},
		{
			Names:   []string{"DB_CLIENT"},
			Default: "`sqlite`",
			Meaning: "database: `sqlite` (one file) or `postgres` ([Running on PostgreSQL](#running-on-postgresql))",
		},
		{
			Names:   []string{"DB_FILENAME"},
			Default: "`./data/hookflow.db`",
			Meaning: "SQLite: database file, created with its directory; one server per file (it locks `<DB_FILENAME>.lock`; a second one refuses to start)",
		},
		{
			Names:   []string{"DB_CONNECTION_STRING"},
			Default: "",
			Meaning: "PostgreSQL: `postgres://user:password@host:5432/database?sslmode=require` (required with `DB_CLIENT=postgres`)",
		},
		{
			Names:   []string{"DB_POOL_SIZE"},
			Default: "`10`",
			Meaning: "PostgreSQL: connections per server (at least 3: the item and run writers hold one each)",
		},
		{
			Names:   []string{"DB_STATEMENT_TIMEOUT"},
			Default: "the server's",
			Meaning: "PostgreSQL: `statement_timeout` of the server's connections (`30s`, `2m`); a guard beside `DB_QUERY_TIMEOUT`",
		},
		{
			Names:   []string{"DB_QUERY_TIMEOUT"},
			Default: "`30s`",
			Meaning: "longest item query (a read, or the selection of a write by query); then `503 QUERY_TIMEOUT`",
		},
		{
			Names:   []string{"ADMIN_TOKEN"},
			Default: "generated and printed once",
			Meaning: "the admin's token (stored hashed)",
		},
		{
			Names:   []string{"SECRET_KEY"},
			Default: "SQLite: generated on the first start into `hookflow.key` beside the database (mode 0600); PostgreSQL: required",
			Meaning: "at least 32 characters; the key that encrypts webhook secrets, basic-auth passwords and credential headers at rest ([docs/webhooks.md](docs/webhooks.md#credentials-at-rest))",
		},
		{
			Names:   []string{"SECRET_KEY_PREVIOUS"},
			Default: "",
			Meaning: "comma-separated former `SECRET_KEY`s: what they encrypted is encrypted again under `SECRET_KEY` at start (key rotation)",
		},
		{
			Names:   []string{"FLOWS_ENV_ALLOW_LIST"},
			Default: "",
			Meaning: "comma-separated variables visible as `$env`",
		},
		{
			Names:   []string{"FLOWS_MAX_STEPS"},
			Default: "`1000`",
			Meaning: "steps per run",
		},
		{
			Names:   []string{"FLOWS_TRIGGER_MAX_ITEMS", "FLOWS_TRIGGER_MAX_RUNS"},
			Default: "`1000`, `10000`",
			Meaning: "array elements one `trigger` step runs a flow for; flow runs a run and the flows it triggers start together ([docs/operations.md](docs/operations.md#trigger))",
		},
		{
			Names:   []string{"FLOWS_SYNC_TIMEOUT"},
			Default: "`30s`",
			Meaning: "deadline of a synchronous run (then `504`)",
		},
		{
			Names:   []string{"FLOWS_RUN_TIMEOUT"},
			Default: "`5m`",
			Meaning: "deadline of a queued run",
		},
		{
			Names:   []string{"FLOWS_WORKERS"},
			Default: "`4`",
			Meaning: "queued runs executed at once",
		},
		{
			Names:   []string{"FLOWS_QUEUE_LIMIT"},
			Default: "`10000`",
			Meaning: "async runs queued or running (over all servers sharing a PostgreSQL database); past it async triggers answer `503 QUEUE_FULL` with `Retry-After` ([docs/access.md](docs/access.md#async-runs-the-queue))",
		},
		{
			Names:   []string{"QUEUE_LEASE"},
			Default: "`30s`",
			Meaning: "how long a server's claim on a queued run, a webhook delivery and the elected server's role holds unless renewed (every third of it); another server takes a dead one's work over after it ([Running several instances](#running-several-instances))",
		},
		{
			Names:   []string{"FLOWS_MAX_EVENT_DEPTH"},
			Default: "`5`",
			Meaning: "depth of a chain of events: the flows a run's writes start run one level deeper, and a run at this depth starts none ([docs/operations.md](docs/operations.md#chains-of-events))",
		},
		{
			Names:   []string{"FLOWS_FILTER_TIMEOUT"},
			Default: "`5s`",
			Meaning: "how long the filter flows of one item write may take; then the write is refused with `504 FLOW_TIMEOUT` ([docs/operations.md](docs/operations.md#event-flows-that-filter-a-write-filter))",
		},
		{
			Names:   []string{"MAX_PAYLOAD_SIZE"},
			Default: "`1mb`",
			Meaning: "largest request body (then `413`)",
		},
		{
			Names:   []string{"FLOWS_MAX_RENDER_SIZE"},
			Default: "`16mb`",
			Meaning: "largest value a run renders or builds (options, `exec` results, return values), measured as JSON; then `413 RENDER_TOO_LARGE` ([docs/operations.md](docs/operations.md#rendered-values-are-bounded))",
		},
		{
			Names:   []string{"HTTP_READ_TIMEOUT"},
			Default: "`60s`",
			Meaning: "reading a whole request, headers and body (then `408`); never cuts a run ([docs/server.md](docs/server.md))",
		},
		{
			Names:   []string{"HTTP_WRITE_TIMEOUT"},
			Default: "read + sync timeout + `10s` (`100s`)",
			Meaning: "from a request's headers to the end of its answer; must exceed `FLOWS_SYNC_TIMEOUT`",
		},
		{
			Names:   []string{"HTTP_MAX_CONNECTIONS"},
			Default: "`10000` (lowered to fit `ulimit -n`)",
			Meaning: "connections served at once; past it only `/server/health` and `/server/ping` answer, others get `503`",
		},
		{
			Names:   []string{"OUTBOUND_ALLOW_CIDRS"},
			Default: "",
			Meaning: "internal ranges outgoing requests may reach (all are refused by default)",
		},
		{
			Names:   []string{"OUTBOUND_ALLOW_PORTS"},
			Default: "",
			Meaning: "ports besides 80/443 public addresses may be reached on (`*` for any)",
		},
		{
			Names:   []string{"REQUEST_MAX_RESPONSE_SIZE"},
			Default: "`5mb`",
			Meaning: "largest response body the `request` operation reads",
		},
		{
			Names:   []string{"TRUSTED_PROXIES"},
			Default: "",
			Meaning: "ranges whose `X-Forwarded-For` is believed for the client address",
		},
		{
			Names:   []string{"RATE_LIMITER_ENABLED", "RATE_LIMITER_POINTS", "RATE_LIMITER_DURATION"},
			Default: "`false`, `50`, `1`",
			Meaning: "the server-wide limit per client address (on PostgreSQL counted over all servers)",
		},
		{
			Names:   []string{"CACHE_TTL", "CACHE_MAX_SIZE"},
			Default: "`5m`, `32mb`",
			Meaning: "cached GET answers",
		},
		{
			Names:   []string{"FLOWS_RUN_RETENTION"},
			Default: "`7d,10000`",
			Meaning: "age and per-flow count of kept run records",
		},
		{
			Names:   []string{"FLOWS_RUN_MAX_VALUE_SIZE", "FLOWS_RUN_MAX_RECORD_SIZE"},
			Default: "`8kb`, `512kb`",
			Meaning: "longer strings and larger records are cut in run records",
		},
		{
			Names:   []string{"WEBHOOKS_TIMEOUT", "WEBHOOKS_RETRY_SCHEDULE"},
			Default: "`15s`, `5s,5m,30m,2h,5h,10h,14h,20h,24h`",
			Meaning: "one delivery attempt; delays between attempts",
		},
		{
			Names:   []string{"WEBHOOKS_CONCURRENCY", "WEBHOOKS_MAX_IN_FLIGHT"},
			Default: "`8`, `256`",
			Meaning: "attempts in flight per webhook (over all servers sharing a PostgreSQL database) and overall (per server)",
		},
		{
			Names:   []string{"WEBHOOKS_DISABLE_AFTER", "WEBHOOKS_LOG_RETENTION"},
			Default: "`120h`, `720h`",
			Meaning: "sustained failure before a webhook is disabled; delivery log kept",
		},
		{
			Names:   []string{"LOG_LEVEL", "LOG_FORMAT"},
			Default: "`info`, `text`",
			Meaning: "logging (`json`: one object a line); failed runs at `warn`, every request at `debug` ([docs/operating.md](docs/operating.md#logs))",
		},
		{
			Names:   []string{"METRICS_ENABLED"},
			Default: "`true`",
			Meaning: "`GET /metrics` and the collection behind it ([docs/operating.md](docs/operating.md#metrics))",
		},
		{
			Names:   []string{"METRICS_TOKENS"},
			Default: "",
			Meaning: "comma-separated tokens (16 characters or more) that may read `/metrics` besides admins: give one to your scraper",
		},
		{
			Names:   []string{"OTEL_EXPORTER_OTLP_ENDPOINT"},
			Default: "",
			Meaning: "an OpenTelemetry collector (OTLP/HTTP, `http://collector:4318`): spans of requests, runs and operations, `traceparent` sent upstream by `request` ([docs/operating.md](docs/operating.md#traces)); unset, nothing is traced",
		},
		{
			Names:   []string{"HOOKFLOW_URL", "HOOKFLOW_TOKEN"},
			Default: "`http://localhost:8055`, none",
			Meaning: "the server and token `hookflow flows diff`, `apply` and `export` use, unless `--url` and `--token` say otherwise ([Flows as code](#flows-as-code))",
		},
		{
			Names:   []string{"PPROF_ADDR"},
			Default: "",
			Meaning: "serve Go's profiler on this address (`127.0.0.1:6060`), never on the API's port; off unless set",
		},
		{
			Names:   []string{"GOGC"},
			Default: "`400`",
			Meaning: "Go's GC target; the server raises Go's default of 100 (see docs/benchmarks.md)",
		},
	}
}
