//go:build !unix

package memstore_test

import "time"

// processCPU is not measured on this system: the CPU-time metrics read 0.
func processCPU() time.Duration { return 0 }
