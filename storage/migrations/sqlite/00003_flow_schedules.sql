-- The schedules of schedule flows (schedules.go): one row per active
-- schedule flow, written in the transaction that saves the flow, holding
-- its cron expression and when its next tick is due. next_run is Unix
-- milliseconds (an integer, as the run queue's leases, so that due times
-- compare as numbers); NULL until the scheduler computes it for a new or
-- changed expression. A tick is claimed by moving next_run on, with its
-- run queued in the same transaction.

-- +goose Up
CREATE TABLE IF NOT EXISTS flow_schedules (
	flow_id TEXT PRIMARY KEY,
	cron TEXT NOT NULL,
	next_run INTEGER
);
