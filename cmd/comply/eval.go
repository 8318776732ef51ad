package main

import (
	"fmt"
	"io"
)

// runEval is a placeholder until the eval command lands.
func runEval(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "comply eval: not implemented yet")
	return 2
}
