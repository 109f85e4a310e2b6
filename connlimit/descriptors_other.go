//go:build !linux && !darwin

package connlimit

// RaiseOpenFileLimit reports an unknown limit (0) where the server does
// not read it.
func RaiseOpenFileLimit() (uint64, error) { return 0, nil }
