package jurisdiction_test

import (
	"io/fs"
	"testing/fstest"
)

func fstestFS(files map[string]string) fs.FS {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}
