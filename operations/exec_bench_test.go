package operations_test

import (
	"context"
	"testing"

	"github.com/hookflow/hookflow/operations"
)

// BenchmarkExec measures one evaluation of a compiled expression through
// the exec step (environment copy, VM run, result conversion).
func BenchmarkExec(b *testing.B) {
	raw := `{"action":"opened","number":42,"repository":{"full_name":"hookflow/hookflow"}}`
	chain := map[string]any{
		"$trigger": map[string]any{
			"headers": map[string]any{"x-hub-signature-256": "sha256=00", "content-type": "application/json"},
			"body":    map[string]any{"action": "opened", "number": 42.0, "total": 99.5},
			"raw":     raw,
		},
		"$last":           nil,
		"$accountability": map[string]any{"user": nil, "role": nil},
		"$env":            map[string]any{"GITHUB_WEBHOOK_SECRET": "It's a Secret to Everybody"},
		"$flow":           map[string]any{"id": "f"},
		"$run":            map[string]any{"id": "r"},
	}
	cases := map[string]string{
		"compare":   `$trigger.body.total > 50 && $trigger.body.action == "opened"`,
		"signature": `secure_compare($trigger.headers["x-hub-signature-256"] ?? "", "sha256=" + hmac_sha256($env.GITHUB_WEBHOOK_SECRET, $trigger.raw)) ? $trigger.body : "rejected"`,
		"object":    `{"id": $trigger.body.number, "name": upper($trigger.body.action), "big": $trigger.body.total > 50}`,
	}
	for name, src := range cases {
		b.Run(name, func(b *testing.B) {
			step, err := operations.Exec{}.Prepare(operations.Prepare{Key: "x", Options: map[string]any{"expression": src}})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			in := operations.Input{Chain: chain}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := step.Run(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
