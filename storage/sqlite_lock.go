package storage

import (
	"errors"
	"fmt"
	"os"
)

// ErrDatabaseInUse is returned by Open when another process holds the
// database file (errors.Is; the error itself is a *DatabaseInUseError).
var ErrDatabaseInUse = errors.New("database file is in use by another process")

// DatabaseInUseError names the database file another process holds.
type DatabaseInUseError struct {
	// File is the database file; Lock the lock file beside it.
	File, Lock string
}

// Error says which file is taken and what to do.
func (e *DatabaseInUseError) Error() string {
	return fmt.Sprintf("database file %s is in use by another hookflow process (it holds %s): "+
		"stop that process first, or set DB_FILENAME to another file", e.File, e.Lock)
}

// Unwrap makes the error match ErrDatabaseInUse.
func (e *DatabaseInUseError) Unwrap() error { return ErrDatabaseInUse }

// fileLock is an OS lock on the file `<database>.lock` beside a SQLite
// database, held from Open to Close. SQLite itself lets several processes
// share a file, but two hookflow servers on one file would both run its
// queued runs and deliveries: the queue releases a dead process's runs at
// start (Store.ReleaseDeadRuns) on the strength of this lock. The lock is
// the kernel's (flock), so it goes with the process however that ends,
// kill -9 included, and a leftover lock file means nothing.
type fileLock struct {
	f *os.File
}

// lockDatabaseFile takes the lock of a database file, or fails at once
// with a *DatabaseInUseError when another process has it. A memory
// database needs none (nil).
func lockDatabaseFile(filename string) (*fileLock, error) {
	if filename == "" || filename == MemoryFilename {
		return nil, nil
	}
	path := filename + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database lock %s: %w", path, err)
	}
	held, err := tryLock(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock database %s: %w", path, err)
	}
	if !held {
		_ = f.Close()
		return nil, &DatabaseInUseError{File: filename, Lock: path}
	}
	return &fileLock{f: f}, nil
}

// release lets the lock go; nil does nothing.
func (l *fileLock) release() {
	if l == nil || l.f == nil {
		return
	}
	// Closing the file ends the lock.
	_ = l.f.Close()
	l.f = nil
}
