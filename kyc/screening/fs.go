package screening

import (
	"errors"
	"io"
	"io/fs"
	"path"
)

// Load reads the lists found in directory dir of fsys: the OFAC SDN files
// (sdn.csv, with alt.csv and add.csv when present) and the UN consolidated
// list (UN_consolidated.xml). At least one list must be there. Errors are
// those of [LoadOFAC] and [LoadUN], with the file's path; on any error Load
// returns no entities. fsys may be os.DirFS, embed.FS or fstest.MapFS.
func Load(fsys fs.FS, dir string) ([]Entity, error) {
	open := func(name string) (fs.File, error) {
		f, err := fsys.Open(path.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return f, err
	}
	var out []Entity
	found := false
	sdn, err := open("sdn.csv")
	if err != nil {
		return nil, err
	}
	if sdn != nil {
		defer sdn.Close()
		found = true
		alt, err := open("alt.csv")
		if err != nil {
			return nil, err
		}
		add, err := open("add.csv")
		if err != nil {
			return nil, err
		}
		var altR, addR io.Reader
		if alt != nil {
			defer alt.Close()
			altR = alt
		}
		if add != nil {
			defer add.Close()
			addR = add
		}
		es, err := LoadOFAC(sdn, altR, addR)
		if err != nil {
			return nil, withDir(err, dir)
		}
		out = append(out, es...)
	}
	un, err := open("UN_consolidated.xml")
	if err != nil {
		return nil, err
	}
	if un != nil {
		defer un.Close()
		found = true
		es, err := LoadUN(un)
		if err != nil {
			return nil, withDir(err, dir)
		}
		out = append(out, es...)
	}
	if !found {
		return nil, &LoadError{File: dir, Err: errors.New("no sdn.csv or UN_consolidated.xml")}
	}
	return out, nil
}

func withDir(err error, dir string) error {
	var le *LoadError
	if errors.As(err, &le) {
		le.File = path.Join(dir, le.File)
	}
	return err
}
