//go:build linux || darwin

package connlimit

import "syscall"

// RaiseOpenFileLimit raises the soft limit on open files to the hard
// limit, as servers do (the soft limit, often 1 024, exists for programs
// that use select(2); Go does not) and returns the limit in force. Go's
// runtime raises it too when the process starts; doing it here keeps the
// server's bound right whatever started it. A limit that cannot be raised
// is kept.
func RaiseOpenFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		raised := syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			lim = raised
		}
	}
	return lim.Cur, nil
}
