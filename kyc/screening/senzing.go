package screening

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// senzingRecord is the part of a Senzing entity record that screening
// uses. Senzing allows the same attributes flat on the record or in
// feature lists (NAMES, DATES, COUNTRIES, ADDRESSES); both are read.
type senzingRecord struct {
	DataSource string        `json:"DATA_SOURCE"`
	RecordID   string        `json:"RECORD_ID"`
	RecordType string        `json:"RECORD_TYPE"`
	Names      []senzingAttr `json:"NAMES"`
	Dates      []senzingAttr `json:"DATES"`
	Countries  []senzingAttr `json:"COUNTRIES"`
	Addresses  []senzingAttr `json:"ADDRESSES"`
	Risks      []struct {
		Topic string `json:"TOPIC"`
	} `json:"RISKS"`
	senzingAttr
}

type senzingAttr struct {
	NameType    string `json:"NAME_TYPE"`
	NameFull    string `json:"NAME_FULL"`
	NameFirst   string `json:"NAME_FIRST"`
	NameMiddle  string `json:"NAME_MIDDLE"`
	NameLast    string `json:"NAME_LAST"`
	NameOrg     string `json:"NAME_ORG"`
	DateOfBirth string `json:"DATE_OF_BIRTH"`
	Nationality string `json:"NATIONALITY"`
	Citizenship string `json:"CITIZENSHIP"`
	Country     string `json:"COUNTRY"`
	AddrCountry string `json:"ADDR_COUNTRY"`
}

// LoadSenzing reads entities in the Senzing JSON format that OpenSanctions
// publishes: one JSON object per line (JSON lines), or, as some extracts
// are written, one JSON array of such objects. Every record becomes an
// [Entity] of the given list (for example "opensanctions_peps") with
// RECORD_ID as ID; RECORD_TYPE PERSON is an individual and ORGANIZATION an
// organization. Names come from NAMES (NAME_FULL, or NAME_FIRST,
// NAME_MIDDLE and NAME_LAST, or NAME_ORG) and the same fields flat on the
// record; dates of birth from DATES/DATE_OF_BIRTH; countries from
// NATIONALITY, CITIZENSHIP, COUNTRY and ADDR_COUNTRY (codes or names); and
// the RISKS topics (e.g. "role.pep") as programmes.
//
// A line that is not valid JSON, or a record without RECORD_ID or name,
// gives a [*LoadError] with the line, and no entities.
func LoadSenzing(r io.Reader, list string) ([]Entity, error) {
	const file = "senzing"
	if r == nil {
		return nil, loadErr(file, 0, "no reader")
	}
	if list == "" {
		return nil, loadErr(file, 0, "no list name")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	countries := countryNames()
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return loadSenzingArray(data, list, countries)
	}
	var out []Entity
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec senzingRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, &LoadError{File: file, Line: line, Err: err}
		}
		e, err := senzingEntity(&rec, list, countries)
		if err != nil {
			return nil, &LoadError{File: file, Line: line, Err: err}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, &LoadError{File: file, Line: line + 1, Err: err}
	}
	return out, nil
}

func loadSenzingArray(data []byte, list string, countries map[string]string) ([]Entity, error) {
	const file = "senzing"
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, &LoadError{File: file, Line: lineAt(dec.InputOffset()), Err: err}
	}
	var out []Entity
	for dec.More() {
		start := dec.InputOffset()
		var rec senzingRecord
		if err := dec.Decode(&rec); err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return nil, &LoadError{File: file, Line: lineAt(off), Err: err}
		}
		e, err := senzingEntity(&rec, list, countries)
		if err != nil {
			// Point at the record's first line, past the separator.
			rest := data[start:]
			skip := len(rest) - len(bytes.TrimLeft(rest, ", \t\r\n"))
			return nil, &LoadError{File: file, Line: lineAt(start + int64(skip)), Err: err}
		}
		out = append(out, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, &LoadError{File: file, Line: lineAt(dec.InputOffset()), Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &LoadError{File: file, Line: lineAt(dec.InputOffset()), Err: errors.New("data after the closing ]")}
	}
	return out, nil
}

func senzingEntity(rec *senzingRecord, list string, countries map[string]string) (Entity, error) {
	e := Entity{List: list, ID: strings.TrimSpace(rec.RecordID)}
	if e.ID == "" {
		return e, errors.New("record has no RECORD_ID")
	}
	switch strings.ToUpper(strings.TrimSpace(rec.RecordType)) {
	case "PERSON":
		e.Type = TypeIndividual
	case "ORGANIZATION", "COMPANY":
		e.Type = TypeOrganization
	case "VESSEL":
		e.Type = TypeVessel
	case "AIRCRAFT":
		e.Type = TypeAircraft
	}
	attrs := []senzingAttr{rec.senzingAttr}
	for _, primary := range []bool{true, false} {
		for _, n := range rec.Names {
			if strings.EqualFold(n.NameType, "PRIMARY") == primary {
				attrs = append(attrs, n)
			}
		}
	}
	attrs = append(attrs, rec.Dates...)
	attrs = append(attrs, rec.Countries...)
	attrs = append(attrs, rec.Addresses...)
	for _, a := range attrs {
		e.Names = addUnique(e.Names, a.name())
		if d := strings.TrimSpace(a.DateOfBirth); d != "" {
			if _, _, _, ok := parseListDate(d); !ok {
				return e, fmt.Errorf("record %s: bad DATE_OF_BIRTH %q", e.ID, d)
			}
			e.BirthDates = addUnique(e.BirthDates, d)
		}
		for _, c := range []string{a.Nationality, a.Citizenship, a.Country, a.AddrCountry} {
			e.Countries = addUnique(e.Countries, lookupCountry(countries, c))
		}
	}
	if len(e.Names) == 0 {
		return e, fmt.Errorf("record %s has no name", e.ID)
	}
	for _, r := range rec.Risks {
		e.Programs = addUnique(e.Programs, strings.TrimSpace(r.Topic))
	}
	return e, nil
}

func (a *senzingAttr) name() string {
	if s := strings.TrimSpace(a.NameFull); s != "" {
		return s
	}
	if s := strings.TrimSpace(a.NameOrg); s != "" {
		return s
	}
	return strings.Join(strings.Fields(a.NameFirst+" "+a.NameMiddle+" "+a.NameLast), " ")
}
