package main

import (
	"fmt"
	"io"
)

// runReplay is a placeholder until the replay command lands.
func runReplay(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "comply replay: not implemented yet")
	return 2
}
