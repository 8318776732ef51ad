package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/comply-go/comply/audit"
	"github.com/comply-go/comply/audit/pgsink"
)

// runVerify implements "comply verify [--head FILE] [--json] LOG": it
// checks the hash chain of an audit log written by package audit (for
// example by comply eval --audit) with audit.Verify, against the head in
// FILE, or in LOG.head when that exists and --head is not given
// (--head=none checks the chain alone). It prints "ok: N records, head
// HASH" or the first bad record as LOG:LINE: record SEQ: KIND: reason, or
// with --json one JSON object. It exits 0 when the log verifies, 1 when it
// does not (edited, deleted, inserted, reordered, truncated or malformed
// records), and 2 on usage errors and files that cannot be read.
func runVerify(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	fset.SetOutput(stderr)
	headFlag := fset.String("head", "", "the head `FILE` the log must reach (default: LOG.head if it exists; none: no head)")
	jsonOut := fset.Bool("json", false, "print the result as a JSON object")
	pgDSN := fset.String("pg", "", "verify the log stored in PostgreSQL at `DSN` (package audit/pgsink) instead of a file")
	pgSchema := fset.String("pg-schema", "comply", "the `schema` of the PostgreSQL log")
	pgTable := fset.String("pg-table", "audit_log", "the `table` of the PostgreSQL log")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: comply verify [--head FILE|none] [--json] LOG")
		fmt.Fprintln(stderr, "       comply verify --pg DSN [--pg-schema S] [--pg-table T] [--head FILE|none] [--json]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Checks the hash chain of an audit log and names the first bad record.")
		fset.PrintDefaults()
	}
	pos, code, ok := parseArgs(fset, args)
	if !ok {
		return code
	}
	if *pgDSN != "" {
		if len(pos) != 0 {
			fset.Usage()
			return 2
		}
		return verifyPG(*pgDSN, *pgSchema, *pgTable, *headFlag, *jsonOut, stdout, stderr)
	}
	if len(pos) != 1 {
		fset.Usage()
		return 2
	}
	logPath := pos[0]
	var head *audit.Head
	headPath := *headFlag
	explicit := headPath != ""
	if !explicit {
		headPath = audit.HeadPath(logPath)
	}
	if headPath != "none" {
		h, err := audit.ReadHeadFile(headPath)
		switch {
		case err == nil:
			head = &h
		case !explicit && errors.Is(err, fs.ErrNotExist):
			headPath = ""
		default:
			fmt.Fprintf(stderr, "comply verify: %s: %v\n", headPath, err)
			return 2
		}
	} else {
		headPath = ""
	}
	f, err := os.Open(logPath)
	if err != nil {
		fmt.Fprintf(stderr, "comply verify: %v\n", err)
		return 2
	}
	defer f.Close()
	return printVerify(f, logPath, head, headPath, jsonOut, stdout, stderr)
}

// printVerify verifies the log in r and prints the outcome; name names the
// log and headPath where head came from.
func printVerify(r io.Reader, name string, head *audit.Head, headPath string, jsonOut *bool, stdout, stderr io.Writer) int {
	logPath := name
	res, err := audit.Verify(r, &audit.VerifyOptions{Head: head})
	var ve *audit.VerifyError
	if err != nil && !errors.As(err, &ve) {
		fmt.Fprintf(stderr, "comply verify: %s: %v\n", logPath, err)
		return 2
	}
	if *jsonOut {
		out := struct {
			Log    string             `json:"log"`
			Head   string             `json:"head_file,omitempty"`
			OK     bool               `json:"ok"`
			Result *audit.Result      `json:"result,omitempty"`
			Error  *audit.VerifyError `json:"error,omitempty"`
		}{logPath, headPath, ve == nil, res, ve}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(&out)
	} else if ve != nil {
		fmt.Fprintf(stdout, "%s:%d: ", logPath, ve.Line)
		if ve.Seq > 0 {
			fmt.Fprintf(stdout, "record %d: ", ve.Seq)
		}
		fmt.Fprintf(stdout, "%s: %s\n", ve.Kind, ve.Msg)
	} else {
		fmt.Fprintf(stdout, "ok: %d records", res.Records)
		if res.Records > 0 {
			fmt.Fprintf(stdout, ", head %s", res.Head.Hash)
		}
		if head != nil {
			fmt.Fprintf(stdout, " (checked against the head in %s", headPath)
			if res.AfterHead > 0 {
				fmt.Fprintf(stdout, "; %d records after it", res.AfterHead)
			}
			fmt.Fprint(stdout, ")")
		}
		fmt.Fprintln(stdout)
	}
	if ve != nil {
		return 1
	}
	return 0
}

// verifyPG exports the log in PostgreSQL and verifies it against its head
// row, or against headFlag when that names a file ("none": no head).
func verifyPG(dsn, schema, table, headFlag string, jsonOut bool, stdout, stderr io.Writer) int {
	ctx := context.Background()
	sink, err := pgsink.New(ctx, &pgsink.Options{DSN: dsn, Schema: schema, Table: table, DisableMigrate: true})
	if err != nil {
		fmt.Fprintf(stderr, "comply verify: %v\n", err)
		return 2
	}
	defer sink.Close()
	var buf bytes.Buffer
	h, err := sink.Export(ctx, &buf)
	if err != nil {
		fmt.Fprintf(stderr, "comply verify: %v\n", err)
		return 2
	}
	name := "pg:" + schema + "." + table
	head, headPath := &h, name+"_head"
	switch headFlag {
	case "":
	case "none":
		head, headPath = nil, ""
	default:
		fh, err := audit.ReadHeadFile(headFlag)
		if err != nil {
			fmt.Fprintf(stderr, "comply verify: %s: %v\n", headFlag, err)
			return 2
		}
		head, headPath = &fh, headFlag
	}
	return printVerify(&buf, name, head, headPath, &jsonOut, stdout, stderr)
}
