package engine

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/hookflow/hookflow/operations"
)

// namesUnsetEnv names, in a failing step's error, the `$env` variables the
// step reads that the run's `$env` lacks (not in FLOWS_ENV_ALLOW_LIST, or
// not set on the server): they were null, which is most likely why the
// step failed (an HMAC keyed with nothing, a request without its token).
// The message says so, and the step's error object lists them under
// "env_unset". Other failures are returned as they are.
func namesUnsetEnv(err error, names []string, env map[string]any) error {
	var unset []string
	for _, name := range names {
		if _, ok := env[name]; !ok {
			unset = append(unset, name)
		}
	}
	if len(unset) == 0 {
		return err
	}
	named := operations.Error{Status: http.StatusInternalServerError, Code: CodeOperationFailed, Message: err.Error()}
	var opErr *operations.Error
	if errors.As(err, &opErr) {
		named = *opErr // keeps the sentinel it wraps
	}
	named.Details = maps.Clone(named.Details)
	if named.Details == nil {
		named.Details = map[string]any{}
	}
	list := make([]any, len(unset))
	for i, name := range unset {
		list[i] = name
	}
	named.Details["env_unset"] = list
	named.Message = fmt.Sprintf("%s ($env.%s: not set, so null: not in FLOWS_ENV_ALLOW_LIST or not in the server's environment)",
		named.Message, strings.Join(unset, ", $env."))
	return &named
}
