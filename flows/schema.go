package flows

import _ "embed"

// schema is flow.schema.json: the JSON Schema of flow files.
//
//go:embed flow.schema.json
var schema []byte

// Schema returns the JSON Schema of flow files (flow.schema.json), which
// GET /server/specs/flow-schema serves so that editors complete and check
// operation types and their options. It is a copy: callers may keep it.
func Schema() []byte { return append([]byte(nil), schema...) }
