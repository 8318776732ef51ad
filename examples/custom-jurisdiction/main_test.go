package main

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/packtest"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "update golden files")

// TestGolden pins the program's output. Regenerate with
// go test ./examples/custom-jurisdiction -update.
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "output.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out.String()); diff != "" {
		t.Errorf("output mismatch (-want +got); run with -update to accept:\n%s", diff)
	}
}

// TestOverlayPack runs acme/tests.yaml on the overlay, with the KR pack in
// the sibling folder kr/ that its "extends: KR" names.
func TestOverlayPack(t *testing.T) {
	fsys := fstest.MapFS{}
	add := func(src fs.FS, root, prefix string) {
		err := fs.WalkDir(src, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(src, p)
			fsys[path.Join(prefix, p)] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add(kr.FS(), ".", "kr")
	add(files, "acme", "")
	packtest.Run(t, fsys, "acme")
}
