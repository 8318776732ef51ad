//go:build !unix

package audit

import "os"

// lockFile does nothing where flock is not available: only one process may
// write a given log (see FileSink).
func lockFile(*os.File) error { return nil }
