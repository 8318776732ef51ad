// Package all lists the built-in jurisdiction packs, for tools that work
// on every one of them (the CLI, the docs generator, benchmarks). A host
// that needs one pack imports its package directly, so that its binary
// carries only that pack.
//
// Package all imports the country packs and jurisdiction.
package all

import (
	"io/fs"

	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/eu"
	"github.com/comply-go/comply/jurisdiction/gb"
	"github.com/comply-go/comply/jurisdiction/in"
	"github.com/comply-go/comply/jurisdiction/jp"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/jurisdiction/sg"
	"github.com/comply-go/comply/jurisdiction/us"
)

// Builtin is one built-in pack.
type Builtin struct {
	// Code is the pack's code, e.g. "KR".
	Code string
	// Dir is the pack's folder in this module, e.g. "jurisdiction/kr".
	Dir string
	// FS holds the pack's files at ".".
	FS fs.FS
	// Pack returns a new copy of the pack.
	Pack func() *jurisdiction.Pack
}

// Builtins returns every built-in pack, in code order.
func Builtins() []Builtin {
	return []Builtin{
		{Code: "EU", Dir: "jurisdiction/eu", FS: eu.FS(), Pack: eu.Pack},
		{Code: "GB", Dir: "jurisdiction/gb", FS: gb.FS(), Pack: gb.Pack},
		{Code: "IN", Dir: "jurisdiction/in", FS: in.FS(), Pack: in.Pack},
		{Code: "JP", Dir: "jurisdiction/jp", FS: jp.FS(), Pack: jp.Pack},
		{Code: "KR", Dir: "jurisdiction/kr", FS: kr.FS(), Pack: kr.Pack},
		{Code: "SG", Dir: "jurisdiction/sg", FS: sg.FS(), Pack: sg.Pack},
		{Code: "US", Dir: "jurisdiction/us", FS: us.FS(), Pack: us.Pack},
	}
}

// Packs returns a new copy of every built-in pack.
func Packs() []*jurisdiction.Pack {
	var out []*jurisdiction.Pack
	for _, b := range Builtins() {
		out = append(out, b.Pack())
	}
	return out
}
