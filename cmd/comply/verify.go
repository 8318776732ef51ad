package main

import (
	"fmt"
	"io"
)

// runVerify is a placeholder until the verify command lands.
func runVerify(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "comply verify: not implemented yet")
	return 2
}
