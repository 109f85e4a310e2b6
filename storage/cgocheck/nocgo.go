//go:build !cgo

package cgocheck

var _ = hookflow_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler_such_as_gcc
