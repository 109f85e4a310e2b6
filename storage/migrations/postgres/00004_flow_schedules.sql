-- The schedules of schedule flows (schedules.go): one row per active
-- schedule flow, written in the transaction that saves the flow, holding
-- its cron expression and when its next tick is due. next_run is Unix
-- milliseconds (as the run queue's leases); NULL until the scheduler
-- computes it for a new or changed expression. A tick is claimed by moving
-- next_run on with an UPDATE that matches the due time it read, with its
-- run queued in the same transaction: of several servers, one claims it.

-- +goose Up
CREATE TABLE flow_schedules (
	flow_id text PRIMARY KEY,
	cron text NOT NULL,
	next_run bigint
);
