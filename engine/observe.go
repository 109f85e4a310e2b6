package engine

import "time"

// StepObserver hears of every executed step: the server's metrics. It is
// called on the run's goroutine, so it must be cheap.
type StepObserver interface {
	// StepFinished reports a step of an operation type that took took,
	// rendering its options included.
	StepFinished(operationType string, took time.Duration)
}
