package screening_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/comply-go/comply/kyc/screening"
)

// The expected counts were taken from the shipped files with an independent
// Python script (csv and xml.etree): OFAC 7,379 SDN rows (3,845
// individuals, 2,994 organizations, 323 vessels, 217 aircraft) with 17,054
// distinct names after adding the 9,682 alt.csv rows; UN 730 individuals
// and 273 entities with 3,685 distinct names (name parts joined, split at
// ";" and parentheses, original script, aliases other than quality "Low").
func TestLoadFullLists(t *testing.T) {
	ofac, un := loadLists(t)
	count := func(es []screening.Entity) (n, names int, types map[screening.EntityType]int) {
		types = map[screening.EntityType]int{}
		for _, e := range es {
			n++
			names += len(e.Names)
			types[e.Type]++
		}
		return
	}
	n, names, types := count(ofac)
	if n != 7379 || names != 17054 {
		t.Errorf("OFAC: %d entities, %d names; want 7379, 17054", n, names)
	}
	wantTypes := map[screening.EntityType]int{screening.TypeIndividual: 3845, screening.TypeOrganization: 2994, screening.TypeVessel: 323, screening.TypeAircraft: 217}
	for k, v := range wantTypes {
		if types[k] != v {
			t.Errorf("OFAC %s: %d, want %d", k, types[k], v)
		}
	}
	n, names, types = count(un)
	if n != 1003 || names != 3685 || types[screening.TypeIndividual] != 730 || types[screening.TypeOrganization] != 273 {
		t.Errorf("UN: %d entities (%v), %d names; want 1003 (730 individuals, 273 entities), 3685", n, types, names)
	}
	ix := fullIndexOf(t)
	if ix.Len() != 8382 || ix.Names() != 17054+3685 {
		t.Errorf("index: %d entities, %d names; want 8382, %d", ix.Len(), ix.Names(), 17054+3685)
	}

	// Spot checks of the mapping.
	kim, ok := ix.Entity(screening.ListOFACSDN, "20157")
	if !ok || kim.Names[0] != "KIM, Jong Un" || kim.Type != screening.TypeIndividual {
		t.Fatalf("OFAC 20157 = %+v", kim)
	}
	if !slices.Contains(kim.BirthDates, "1984-01-08") || !slices.Contains(kim.Countries, "KP") || !slices.Contains(kim.Programs, "DPRK3") {
		t.Errorf("OFAC 20157 details = %+v", kim)
	}
	saddam, ok := ix.Entity(screening.ListUN, "IQi.001")
	if !ok || !slices.Contains(saddam.Names, "صدام حسين التكريتي") || !slices.Contains(saddam.Countries, "IQ") || !slices.Contains(saddam.BirthDates, "1937-04-28") {
		t.Errorf("UN IQi.001 = %+v", saddam)
	}
}

func TestLoadSenzing(t *testing.T) {
	dir := sanctionsDir(t)
	f, err := os.Open(filepath.Join(dir, "us_congress_senzing.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, err := screening.LoadSenzing(f, "us_congress")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1319 {
		t.Errorf("us_congress_senzing.json: %d entities, want 1319", len(es))
	}
	names, persons := 0, 0
	for _, e := range es {
		names += len(e.Names)
		if e.Type == screening.TypeIndividual {
			persons++
			if !slices.Contains(e.Programs, "role.pep") {
				t.Errorf("person without role.pep: %+v", e)
			}
		}
	}
	// Two records are positions (RECORD_TYPE null) that the persons'
	// relationships point at; they load with an unknown type.
	if persons != 1317 {
		t.Errorf("%d persons, want 1317", persons)
	}
	if names != 1352 {
		t.Errorf("%d names, want 1352 (1319 primary + 33 aliases)", names)
	}
	first := es[0]
	if first.ID != "NK-AQ4HymsADSK2D63MkyTqfC" || first.Names[0] != "Jennifer L. McClellan" ||
		!slices.Equal(first.BirthDates, []string{"1972"}) || !slices.Equal(first.Countries, []string{"US"}) {
		t.Errorf("first entity = %+v", first)
	}

	// The small PEP sample is a JSON array with flat attributes.
	g, err := os.Open(filepath.Join(dir, "peps_senzing.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	peps, err := screening.LoadSenzing(g, "opensanctions_peps")
	if err != nil {
		t.Fatal(err)
	}
	want := []screening.Entity{
		{List: "opensanctions_peps", ID: "Q123456", Type: screening.TypeIndividual, Names: []string{"John Smith"}, BirthDates: []string{"1965-03-15"}, Countries: []string{"US"}},
		{List: "opensanctions_peps", ID: "Q789012", Type: screening.TypeIndividual, Names: []string{"Maria Garcia Lopez"}, BirthDates: []string{"1970-07-22"}, Countries: []string{"ES"}},
		{List: "opensanctions_peps", ID: "Q345678", Type: screening.TypeOrganization, Names: []string{"Ministry of Finance"}, Countries: []string{"DE"}},
	}
	if !equalEntities(want, peps) {
		t.Errorf("peps_senzing.json = %+v\nwant %+v", peps, want)
	}
}

func equalEntities(a, b []screening.Entity) bool {
	return slices.EqualFunc(a, b, func(x, y screening.Entity) bool {
		return x.List == y.List && x.ID == y.ID && x.Type == y.Type && slices.Equal(x.Names, y.Names) &&
			slices.Equal(x.BirthDates, y.BirthDates) && slices.Equal(x.Countries, y.Countries) && slices.Equal(x.Programs, y.Programs)
	})
}

const goodSDN = `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. 'BNC'."
`

func TestLoadMalformed(t *testing.T) {
	tests := []struct {
		name     string
		load     func() ([]screening.Entity, error)
		file     string
		line     int
		contains string
	}{
		{"truncated sdn row", func() ([]screening.Entity, error) {
			return screening.LoadOFAC(strings.NewReader(goodSDN+`2674,"ABBAS, Abu","individual","SDT"`+"\n"), nil, nil)
		}, "sdn.csv", 4, "wrong number of fields"},
		{"bad quoting", func() ([]screening.Entity, error) {
			return screening.LoadOFAC(strings.NewReader(goodSDN[:strings.Index(goodSDN, "\n")+1]+`173,"ANGLO "CARIBBEAN" CO",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- `+"\n"), nil, nil)
		}, "sdn.csv", 2, "quote"},
		{"non-numeric ent_num", func() ([]screening.Entity, error) {
			return screening.LoadOFAC(strings.NewReader(goodSDN+`x1,"A",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- `+"\n"), nil, nil)
		}, "sdn.csv", 4, "not a number"},
		{"alias of unknown entity", func() ([]screening.Entity, error) {
			return screening.LoadOFAC(strings.NewReader(goodSDN), strings.NewReader("36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \n99,13,\"aka\",\"X\",-0- \n"), nil)
		}, "alt.csv", 2, "unknown ent_num"},
		{"unterminated quote in add.csv", func() ([]screening.Entity, error) {
			return screening.LoadOFAC(strings.NewReader(goodSDN), nil, strings.NewReader("36,25,-0- ,\"Havana,\"Cuba\",-0- \n"))
		}, "add.csv", 1, ""},
		{"broken XML", func() ([]screening.Entity, error) {
			return screening.LoadUN(strings.NewReader("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID>\n<FIRST_NAME>A</SECOND_NAME>\n</INDIVIDUAL>\n"))
		}, "UN_consolidated.xml", 5, "SECOND_NAME"},
		{"truncated XML", func() ([]screening.Entity, error) {
			return screening.LoadUN(strings.NewReader("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<FIRST_NAME>A</FIRST_NAME>\n"))
		}, "UN_consolidated.xml", 5, "EOF"},
		{"UN record without reference", func() ([]screening.Entity, error) {
			return screening.LoadUN(strings.NewReader("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>7</DATAID>\n<FIRST_NAME>A</FIRST_NAME>\n</INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n"))
		}, "UN_consolidated.xml", 3, "REFERENCE_NUMBER"},
		{"not a UN list", func() ([]screening.Entity, error) {
			return screening.LoadUN(strings.NewReader("<html></html>"))
		}, "UN_consolidated.xml", 1, "CONSOLIDATED_LIST"},
		{"bad JSON line", func() ([]screening.Entity, error) {
			return screening.LoadSenzing(strings.NewReader(`{"RECORD_ID":"a","NAME_FULL":"A B"}`+"\n\n"+`{"RECORD_ID":"b","NAME_FULL":"C D"`+"\n"), "l")
		}, "senzing", 3, "unexpected end"},
		{"record without id", func() ([]screening.Entity, error) {
			return screening.LoadSenzing(strings.NewReader(`{"RECORD_ID":"a","NAME_FULL":"A B"}`+"\n"+`{"NAME_FULL":"C D"}`+"\n"), "l")
		}, "senzing", 2, "RECORD_ID"},
		{"bad JSON in an array", func() ([]screening.Entity, error) {
			return screening.LoadSenzing(strings.NewReader("[\n  {\"RECORD_ID\": \"a\", \"NAME_FULL\": \"A\"},\n  {\"RECORD_ID\": \"b\",, }\n]\n"), "l")
		}, "senzing", 3, "invalid character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, err := tc.load()
			if es != nil {
				t.Errorf("got %d entities with the error, want none", len(es))
			}
			var le *screening.LoadError
			if !errors.As(err, &le) || !errors.Is(err, screening.ErrMalformed) {
				t.Fatalf("error = %v, want a *LoadError wrapping ErrMalformed", err)
			}
			if le.File != tc.file || le.Line != tc.line || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error = %v (file %q line %d), want %s:%d containing %q", err, le.File, le.Line, tc.file, tc.line, tc.contains)
			}
		})
	}
}

func TestLoadOFACRemarks(t *testing.T) {
	sdn := `1,"DOE, John","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 14 Jun 1975; alt. DOB circa 1960; DOB 1960 to 1962; nationality Iran; citizen Korea, North; POB Tehran."` + "\n" +
		`2,"SHIP ONE","vessel","IRAN] [SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,"Panama",-0- ,-0- ` + "\n\x1a"
	es, err := screening.LoadOFAC(strings.NewReader(sdn), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []screening.Entity{
		{List: screening.ListOFACSDN, ID: "1", Type: screening.TypeIndividual, Names: []string{"DOE, John"},
			BirthDates: []string{"1975-06-14", "1960", "1961", "1962"}, Countries: []string{"IR", "KP"}, Programs: []string{"SDGT"}},
		{List: screening.ListOFACSDN, ID: "2", Type: screening.TypeVessel, Names: []string{"SHIP ONE"},
			Countries: []string{"PA"}, Programs: []string{"IRAN", "SDGT"}},
	}
	if !equalEntities(want, es) {
		t.Errorf("LoadOFAC = %+v\nwant %+v", es, want)
	}
}

func TestLoadFS(t *testing.T) {
	es, err := screening.Load(os.DirFS(sanctionsDir(t)), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 7379+1003 {
		t.Errorf("Load: %d entities, want %d", len(es), 7379+1003)
	}
	fsys := fstest.MapFS{"lists/sdn.csv": {Data: []byte(goodSDN + "1,\"X\"\n")}}
	es, err = screening.Load(fsys, "lists")
	var le *screening.LoadError
	if es != nil || !errors.As(err, &le) || le.File != "lists/sdn.csv" || le.Line != 4 {
		t.Errorf("Load(bad) = %d entities, %v", len(es), err)
	}
	if _, err := screening.Load(fstest.MapFS{}, "."); !errors.Is(err, screening.ErrMalformed) {
		t.Errorf("Load(empty) error = %v", err)
	}
}

// FuzzLoad feeds arbitrary bytes to every loader: they never panic, and
// when they fail they return no entities and a *LoadError.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(goodSDN))
	f.Add([]byte("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>X</REFERENCE_NUMBER><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"))
	f.Add([]byte(`{"RECORD_ID":"a","NAMES":[{"NAME_FULL":"A B"}],"DATES":[{"DATE_OF_BIRTH":"1970"}]}`))
	f.Add([]byte(`[{"RECORD_ID":"a","NAME_FULL":"A"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(name string, es []screening.Entity, err error) {
			if err == nil {
				return
			}
			var le *screening.LoadError
			if es != nil || !errors.As(err, &le) {
				t.Fatalf("%s: %d entities, error %v", name, len(es), err)
			}
		}
		es, err := screening.LoadOFAC(bytes.NewReader(b), bytes.NewReader(b), bytes.NewReader(b))
		check("LoadOFAC", es, err)
		es, err = screening.LoadUN(bytes.NewReader(b))
		check("LoadUN", es, err)
		es, err = screening.LoadSenzing(bytes.NewReader(b), "l")
		check("LoadSenzing", es, err)
	})
}
