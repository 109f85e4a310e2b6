// Package flows is the flow language as data: the Flow and Operation types that
// flow authors upload, the decoding of both accepted shapes (the seed shape with
// nested `operations` and `id`/`operation` fields, and the Directus shape with
// `key`/`type` and a root `operation`), the implicit-sequence rule, and
// structural validation that reports every finding with its path. Flows
// are named by UUIDs or slugs (id.go), written as canonical files to keep
// in git (canonical.go: export → apply → export gives the same bytes),
// read from YAML as well as JSON (yaml.go), and described by a JSON Schema
// for editors (flow.schema.json, schema.go).
//
// The package knows nothing about running flows: the engine compiles a Flow
// into a plan, and the operations validate their own options.
package flows
