package screening

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// LoadOFAC reads the OFAC SDN list in its legacy CSV form: sdn (sdn.csv:
// ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
// Tonnage, GRT, Vess_flag, Vess_owner, Remarks), alt (alt.csv: ent_num,
// alt_num, alt_type, alt_name, alt_remarks) and add (add.csv: ent_num,
// add_num, address, city/state/postal, country, remarks). alt and add may be
// nil. "-0-" marks an empty field.
//
// Each SDN row becomes one [Entity] of list [ListOFACSDN] with the entity
// number as ID, its aliases from alt.csv, the countries of its addresses
// and of the "nationality" and "citizen" remarks, its dates of birth from
// the "DOB" remarks, and its programmes. A malformed file (a wrong number
// of fields, bad quoting, a non-numeric entity number, an alias or address
// of an unknown entity) gives a [*LoadError] with the file and line, and no
// entities.
func LoadOFAC(sdn, alt, add io.Reader) ([]Entity, error) {
	if sdn == nil {
		return nil, loadErr("sdn.csv", 0, "no sdn.csv reader")
	}
	countries := countryNames()
	var out []Entity
	byNum := map[string]int{}
	err := readCSV("sdn.csv", sdn, 12, func(line int, f []string) error {
		num := f[0]
		if _, err := strconv.Atoi(num); err != nil {
			return fmt.Errorf("ent_num %q is not a number", num)
		}
		if _, dup := byNum[num]; dup {
			return fmt.Errorf("ent_num %s appears twice", num)
		}
		name := ofacField(f[1])
		if name == "" {
			return fmt.Errorf("ent_num %s has no name", num)
		}
		e := Entity{List: ListOFACSDN, ID: num, Names: []string{name}}
		switch ofacField(f[2]) {
		case "individual":
			e.Type = TypeIndividual
		case "vessel":
			e.Type = TypeVessel
		case "aircraft":
			e.Type = TypeAircraft
		case "":
			e.Type = TypeOrganization
		default:
			return fmt.Errorf("unknown SDN_Type %q", f[2])
		}
		for _, p := range strings.Split(ofacField(f[3]), "] [") {
			e.Programs = addUnique(e.Programs, strings.Trim(p, "[] "))
		}
		if flag := ofacField(f[9]); flag != "" {
			e.Countries = addUnique(e.Countries, lookupCountry(countries, flag))
		}
		parseOFACRemarks(&e, ofacField(f[11]), countries)
		byNum[num] = len(out)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if alt != nil {
		err = readCSV("alt.csv", alt, 5, func(line int, f []string) error {
			i, ok := byNum[f[0]]
			if !ok {
				return fmt.Errorf("alias of unknown ent_num %q", f[0])
			}
			if name := ofacField(f[3]); name != "" {
				out[i].Names = addUnique(out[i].Names, name)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if add != nil {
		err = readCSV("add.csv", add, 6, func(line int, f []string) error {
			i, ok := byNum[f[0]]
			if !ok {
				return fmt.Errorf("address of unknown ent_num %q", f[0])
			}
			out[i].Countries = addUnique(out[i].Countries, lookupCountry(countries, ofacField(f[4])))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readCSV reads every record of r, which must have n fields, and calls fn
// with its line number. A trailing SUB (0x1A) byte, which some OFAC
// downloads carry, ends the file.
func readCSV(file string, r io.Reader, n int, fn func(line int, f []string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = n
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if len(rec) == 1 && strings.Trim(rec[0], "\x1a \r\n") == "" {
				continue
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &LoadError{File: file, Line: pe.Line, Err: pe.Err}
			}
			return &LoadError{File: file, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if err := fn(line, rec); err != nil {
			return &LoadError{File: file, Line: line, Err: err}
		}
	}
}

// ofacField trims a field and maps the "-0-" empty marker to "".
func ofacField(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" || s == "-0" {
		return ""
	}
	return s
}

var (
	ofacDOB     = regexp.MustCompile(`(?:^|; )(?:alt\. )?DOB ([^;]+)`)
	ofacCountry = regexp.MustCompile(`(?:^|; )(?:alt\. )?(?:[Nn]ationality|[Cc]itizen|Nationality of Registration) ([^;]+)`)
	ofacYear    = regexp.MustCompile(`^\d{4}$`)
)

// parseOFACRemarks takes dates of birth and countries from the Remarks
// field: "DOB 14 Jun 1975; alt. DOB 1976; nationality Iran; citizen Iran".
func parseOFACRemarks(e *Entity, remarks string, countries map[string]string) {
	if remarks == "" {
		return
	}
	for _, m := range ofacDOB.FindAllStringSubmatch(remarks, -1) {
		for _, d := range parseOFACDate(m[1]) {
			e.BirthDates = addUnique(e.BirthDates, d)
		}
	}
	for _, m := range ofacCountry.FindAllStringSubmatch(remarks, -1) {
		e.Countries = addUnique(e.Countries, lookupCountry(countries, strings.TrimSuffix(strings.TrimSpace(m[1]), ".")))
	}
}

// parseOFACDate reads "14 Jun 1975", "Jun 1975", "1975", "circa 1975",
// "1960 to 1962" and "01 Jan 1960 to 31 Dec 1962" into "YYYY-MM-DD",
// "YYYY-MM" or "YYYY" values; a range gives each of its years (at most 10).
func parseOFACDate(s string) []string {
	s = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "circa")), ".")
	s = strings.TrimSpace(s)
	if from, to, ok := strings.Cut(s, " to "); ok {
		return yearRange(lastYear(from), lastYear(to))
	}
	if from, to, ok := strings.Cut(s, "-"); ok && ofacYear.MatchString(from) && ofacYear.MatchString(to) {
		return yearRange(from, to)
	}
	for _, layout := range [...]struct{ in, out string }{{"02 Jan 2006", "2006-01-02"}, {"Jan 2006", "2006-01"}, {"2006", "2006"}} {
		if t, err := time.Parse(layout.in, s); err == nil {
			return []string{t.Format(layout.out)}
		}
	}
	return nil
}

func lastYear(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func yearRange(from, to string) []string {
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	if err1 != nil || err2 != nil || b < a || b-a > 10 {
		return nil
	}
	var out []string
	for y := a; y <= b; y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}
