package operations

import (
	"context"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
)

// Log writes its `message` to the server log (with the flow, run and
// operation key) and returns the message.
type Log struct{}

// Prepare checks the options.
func (Log) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "message")
	if v, ok := p.Options["message"]; ok && v != nil {
		switch v.(type) {
		case string, bool:
		default:
			if !jsonnum.IsNumber(v) {
				errs.Add("message", "must be a string")
			}
		}
	}
	return logStep{}, errs.Err()
}

type logStep struct{}

// Run logs and returns the rendered message.
func (logStep) Run(ctx context.Context, in Input) (any, error) {
	msg := optionText(in.Options, "message")
	if in.Run != nil && in.Run.Logger != nil {
		in.Run.Logger.InfoContext(ctx, msg, "flow", in.Run.FlowID, "run", in.Run.RunID, "operation", in.Key)
	}
	return msg, nil
}
