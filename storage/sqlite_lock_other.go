//go:build !unix

package storage

import "os"

// tryLock takes no lock where flock does not exist: the file stays
// unguarded, as SQLite leaves it (see fileLock).
func tryLock(*os.File) (bool, error) { return true, nil }
