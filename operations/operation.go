package operations

import (
	"context"
	"log/slog"

	"github.com/hookflow/hookflow/flows"
)

// Operation is one operation type, such as "condition" or "transform".
type Operation interface {
	// Prepare checks one node's options when its flow is saved and returns
	// the step that runs it. Findings are returned as flows.ValidationErrors
	// with paths relative to the options object.
	Prepare(p Prepare) (Step, error)
}

// Value is an option value compiled by the engine.
type Value interface {
	// Render renders the value's placeholders against a run's data chain.
	// The result's encoding may not pass limit bytes (an *Error wrapping
	// ErrRenderTooLarge, as soon as it passes; steps pass their run's
	// RunInfo.MaxRenderSize), and the end of ctx stops a long rendering.
	Render(ctx context.Context, chain map[string]any, limit int) (any, error)
}

// Prepare is what an operation type receives to prepare one node.
type Prepare struct {
	// Key is the node's key in the data chain.
	Key string
	// Options are the node's options as written (placeholders unrendered).
	Options map[string]any
	// OperationKeys holds every operation key of the flow.
	OperationKeys map[string]bool
	// Compile compiles an option value that may hold placeholders; findings
	// are relative to raw.
	Compile func(raw any) (Value, flows.ValidationErrors)
	// EnvRead, when not nil, is told each `$env` variable an option reads
	// outside the templates Compile sees (an exec expression's
	// `$env.NAME`): the upload warns about names FLOWS_ENV_ALLOW_LIST does
	// not hold, and a failing step names the ones that were not set.
	EnvRead func(option, name string)
}

// Step is a prepared node, run once per run that reaches it.
type Step interface {
	Run(ctx context.Context, in Input) (any, error)
}

// SelfRendering is implemented by steps that render some of their options
// themselves (typically because they compiled them into a structure, like a
// condition's filter); the engine leaves those keys out of Input.Options.
type SelfRendering interface {
	SelfRendered() []string
}

// Input is what a step gets for one run.
type Input struct {
	// Options are the node's options rendered against the data chain.
	Options map[string]any
	// Chain is the data chain ($trigger, $last, $accountability, $env,
	// $flow, $run and the result of every key that has run).
	Chain map[string]any
	// Key is the node's key in the data chain.
	Key string
	// Run describes the run the step belongs to (shared by its steps).
	Run *RunInfo
}

// RunInfo identifies a run for logging and for operations that start or
// record other work.
type RunInfo struct {
	FlowID string
	RunID  string
	Logger *slog.Logger
	// Depth counts nested flow runs (a flow triggering a flow).
	Depth int
	// MaxRenderSize bounds the encoded size of the values a step renders
	// or builds (FLOWS_MAX_RENDER_SIZE): the limit of Value.Render, and of
	// exec results. Zero means the engine's default.
	MaxRenderSize int

	// budget bounds the flow runs the trigger steps of this run and of the
	// runs it starts may start (runBudgetOf).
	budget *runBudget
}

// CollectionReader is implemented by steps whose results come from stored
// items: a cached answer of a GET webhook is dropped when one of those
// collections changes. Steps that do not implement it are taken to read
// no items.
type CollectionReader interface {
	// ReadCollections names the collections the step reads; anyCollection
	// is set when they are only known at run time (a templated collection,
	// another flow).
	ReadCollections() (names []string, anyCollection bool)
}
