package screening

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

type unValue struct {
	Value string `xml:"VALUE"`
}

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unAddress struct {
	Country string `xml:"COUNTRY"`
}

type unDOB struct {
	Type     string `xml:"TYPE_OF_DATE"`
	Date     string `xml:"DATE"`
	Year     string `xml:"YEAR"`
	FromYear string `xml:"FROM_YEAR"`
	ToYear   string `xml:"TO_YEAR"`
}

type unRecord struct {
	DataID       string      `xml:"DATAID"`
	First        string      `xml:"FIRST_NAME"`
	Second       string      `xml:"SECOND_NAME"`
	Third        string      `xml:"THIRD_NAME"`
	Fourth       string      `xml:"FOURTH_NAME"`
	Original     string      `xml:"NAME_ORIGINAL_SCRIPT"`
	ListType     string      `xml:"UN_LIST_TYPE"`
	Reference    string      `xml:"REFERENCE_NUMBER"`
	Nationality  []unValue   `xml:"NATIONALITY"`
	Aliases      []unAlias   `xml:"INDIVIDUAL_ALIAS"`
	EntAliases   []unAlias   `xml:"ENTITY_ALIAS"`
	Addresses    []unAddress `xml:"INDIVIDUAL_ADDRESS"`
	EntAddresses []unAddress `xml:"ENTITY_ADDRESS"`
	DOBs         []unDOB     `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
}

// LoadUN reads the UN Security Council consolidated list XML
// (CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY). Each record
// becomes one [Entity] of list [ListUN] whose ID is the reference number
// (e.g. "KPi.033"), with the name parts joined as the primary name, the
// original-script name and the aliases of quality "Good", "a.k.a." and
// "f.k.a." (aliases of quality "Low" are left out: the UN marks them as too
// vague to identify anyone), the nationalities and address countries, the
// dates of birth, and the regime (UN_LIST_TYPE) as programme. Names that
// list several forms separated by ";" give one name each, and a
// parenthesized acronym is an alias of its own. Malformed XML or a record
// without a reference number or name gives a [*LoadError] with the line, and
// no entities.
func LoadUN(r io.Reader) ([]Entity, error) {
	const file = "UN_consolidated.xml"
	if r == nil {
		return nil, loadErr(file, 0, "no reader")
	}
	countries := countryNames()
	dec := xml.NewDecoder(r)
	var out []Entity
	sawRoot := false
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &LoadError{File: file, Line: se.Line, Err: errors.New(se.Msg)}
			}
			return nil, &LoadError{File: file, Line: line, Err: err}
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var typ EntityType
		switch start.Name.Local {
		case "CONSOLIDATED_LIST":
			sawRoot = true
			continue
		case "INDIVIDUAL":
			typ = TypeIndividual
		case "ENTITY":
			typ = TypeOrganization
		default:
			continue
		}
		line, _ = dec.InputPos()
		var rec unRecord
		if err := dec.DecodeElement(&rec, &start); err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &LoadError{File: file, Line: se.Line, Err: errors.New(se.Msg)}
			}
			return nil, &LoadError{File: file, Line: line, Err: err}
		}
		e, err := unEntity(&rec, typ, countries)
		if err != nil {
			return nil, &LoadError{File: file, Line: line, Err: err}
		}
		out = append(out, e)
	}
	if !sawRoot {
		return nil, loadErr(file, 1, "no CONSOLIDATED_LIST element")
	}
	return out, nil
}

func unEntity(rec *unRecord, typ EntityType, countries map[string]string) (Entity, error) {
	e := Entity{List: ListUN, ID: strings.TrimSpace(rec.Reference), Type: typ}
	if e.ID == "" {
		return e, fmt.Errorf("record %s has no REFERENCE_NUMBER", strings.TrimSpace(rec.DataID))
	}
	var parts []string
	for _, p := range []string{rec.First, rec.Second, rec.Third, rec.Fourth} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return e, fmt.Errorf("record %s has no name", e.ID)
	}
	for _, n := range splitUNName(strings.Join(parts, " ")) {
		e.Names = addUnique(e.Names, n)
	}
	e.Names = addUnique(e.Names, strings.TrimSpace(rec.Original))
	for _, a := range append(rec.Aliases, rec.EntAliases...) {
		if strings.EqualFold(strings.TrimSpace(a.Quality), "Low") {
			continue
		}
		for _, n := range splitUNName(a.Name) {
			e.Names = addUnique(e.Names, n)
		}
	}
	for _, n := range rec.Nationality {
		e.Countries = addUnique(e.Countries, lookupCountry(countries, n.Value))
	}
	for _, a := range append(rec.Addresses, rec.EntAddresses...) {
		e.Countries = addUnique(e.Countries, lookupCountry(countries, a.Country))
	}
	for _, d := range rec.DOBs {
		switch {
		case strings.TrimSpace(d.Date) != "":
			e.BirthDates = addUnique(e.BirthDates, strings.TrimSpace(d.Date))
		case strings.TrimSpace(d.Year) != "":
			e.BirthDates = addUnique(e.BirthDates, strings.TrimSpace(d.Year))
		case d.FromYear != "" && d.ToYear != "":
			for _, y := range yearRange(strings.TrimSpace(d.FromYear), strings.TrimSpace(d.ToYear)) {
				e.BirthDates = addUnique(e.BirthDates, y)
			}
		}
	}
	for _, b := range e.BirthDates {
		if _, _, _, ok := parseListDate(b); !ok {
			return e, fmt.Errorf("record %s: bad date of birth %q", e.ID, b)
		}
	}
	e.Programs = addUnique(e.Programs, strings.TrimSpace(rec.ListType))
	return e, nil
}

// splitUNName splits "A (B) ; C" into "A", "B" and "C".
func splitUNName(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		for {
			i := strings.IndexByte(part, '(')
			j := strings.IndexByte(part, ')')
			if i < 0 || j < i {
				break
			}
			if inner := strings.TrimSpace(part[i+1 : j]); inner != "" {
				out = append(out, inner)
			}
			part = strings.TrimSpace(part[:i] + " " + part[j+1:])
		}
		if part = strings.Join(strings.Fields(part), " "); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseListDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD"; month and day are
// zero when absent.
func parseListDate(s string) (y, m, d int, ok bool) {
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return 0, 0, 0, false
	}
	vals := [3]int{}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return 0, 0, 0, false
		}
		vals[i] = v
	}
	y, m, d = vals[0], vals[1], vals[2]
	if (len(parts) > 1 && (m < 1 || m > 12)) || (len(parts) > 2 && (d < 1 || d > 31)) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}
