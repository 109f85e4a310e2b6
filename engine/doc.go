// Package engine compiles flows into plans and runs them.
//
// Compile (plan.go) does all the work that can be done once per saved flow:
// option values are compiled into Values (templates parsed, JSON-string
// options prepared for JSON-safe rendering), every operation prepares its
// step (filters compiled, options checked), edges become indexes and the
// `return` option is compiled. Run (run.go) walks a Plan over a data chain:
// render the step's options, call the operation under the run's context,
// store the result under its key and in `$last`, follow `resolve` or
// `reject`, and stop at the end of the path, at the step limit, at the
// deadline, or on a failure without a `reject` edge. A panicking operation
// is a failure, never a crash.
//
// Rendering is bounded (budget.go): a step's options, and the run's return
// value, may not encode to more than Config.MaxRenderSize; text is counted
// as it is written and values placed by reference are measured with
// jsonsize before anything is built. template.go and placeholder.go parse
// `{{ }}` templates, jsontext.go writes values into rendered text.
//
// The engine knows nothing about HTTP or SQL: triggers build the data
// chain's `$trigger`, and the caller decides what to do with the Result.
package engine
