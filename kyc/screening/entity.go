package screening

import (
	"fmt"
	"strings"
)

// EntityType is the kind of a listed entity.
type EntityType uint8

// The entity types.
const (
	// TypeUnknown is an unstated type; it matches every type.
	TypeUnknown EntityType = iota
	// TypeIndividual is a natural person.
	TypeIndividual
	// TypeOrganization is a company, group or other legal entity.
	TypeOrganization
	// TypeVessel is a ship.
	TypeVessel
	// TypeAircraft is an aircraft.
	TypeAircraft
)

var typeNames = [...]string{"unknown", "individual", "organization", "vessel", "aircraft"}

// String returns the type's name, e.g. "individual".
func (t EntityType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Entity is one entry of a sanctions or PEP list, as the loaders map it.
// Entities are plain data; an [Index] copies what it needs.
type Entity struct {
	// List names the source list, e.g. [ListOFACSDN] or [ListUN].
	List string `json:"list"`
	// ID is the entity's identifier in its list (OFAC ent_num, UN
	// reference number, OpenSanctions record id).
	ID string `json:"id"`
	// Type is the kind of entity.
	Type EntityType `json:"type"`
	// Names are the primary name first, then the aliases.
	Names []string `json:"names"`
	// BirthDates are the known dates of birth, each "YYYY", "YYYY-MM" or
	// "YYYY-MM-DD"; ranges are expanded to their years.
	BirthDates []string `json:"birth_dates,omitempty"`
	// Countries are ISO 3166-1 alpha-2 codes of nationality, citizenship
	// or address, without duplicates.
	Countries []string `json:"countries,omitempty"`
	// Programs are the sanctions programmes or risk topics, e.g. "SDGT",
	// "DPRK", "role.pep".
	Programs []string `json:"programs,omitempty"`
}

// Key returns "list:id", the key of [Options.AllowList].
func (e *Entity) Key() string { return e.List + ":" + e.ID }

// The list names the loaders give their entities.
const (
	// ListOFACSDN is the US Treasury OFAC Specially Designated Nationals
	// list.
	ListOFACSDN = "us_ofac_sdn"
	// ListUN is the UN Security Council consolidated list.
	ListUN = "un_sc_consolidated"
)

type sentinel string

func (s sentinel) Error() string { return string(s) }

// ErrMalformed is wrapped by every [LoadError].
const ErrMalformed sentinel = "screening: malformed list file"

// LoadError is a malformed list file: the file, the 1-based line where the
// problem was found and what is wrong. It wraps [ErrMalformed] and the
// underlying parser error, if any. Loaders that return a LoadError return
// no entities.
type LoadError struct {
	// File names the input, e.g. "sdn.csv".
	File string
	// Line is the 1-based line number; zero when unknown.
	Line int
	// Err says what is wrong.
	Err error
}

// Error renders "screening: malformed list file: sdn.csv:12: message".
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(string(ErrMalformed))
	b.WriteString(": ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns [ErrMalformed] and the underlying error.
func (e *LoadError) Unwrap() []error { return []error{ErrMalformed, e.Err} }

func loadErr(file string, line int, format string, args ...any) *LoadError {
	return &LoadError{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// addUnique appends s to list unless it is empty or already there.
func addUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// MarshalText encodes the type's name, so that JSON shows "individual".
func (t EntityType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
