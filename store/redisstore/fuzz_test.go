package redisstore

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/comply-go/comply/store"
	"github.com/shopspring/decimal"
)

// FuzzSplitAmount: every decimal either splits into units and nanos that
// add back up to exactly it, or is refused with ErrUnrepresentable; never
// rounded, never a panic.
func FuzzSplitAmount(f *testing.F) {
	for _, s := range []string{"0", "1", "0.000000001", "0.0000000001", "999999999999999.999999999", "1000000000000000", "-1", "12.5", "1e20", "3.14159265358979"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return
		}
		u, n, err := splitAmount(d)
		if err != nil {
			if !errors.Is(err, ErrUnrepresentable) || !errors.Is(err, store.ErrInvalidRequest) {
				t.Fatalf("splitAmount(%s) = %v, want ErrUnrepresentable", s, err)
			}
			return
		}
		if u < 0 || u >= MaxUnits || n < 0 || n >= 1e9 {
			t.Fatalf("splitAmount(%s) = %d, %d out of range", s, u, n)
		}
		if back := amountOf(u, n); !back.Equal(d) {
			t.Fatalf("splitAmount(%s) = %d, %d, which is %v", s, u, n, back)
		}
	})
}

// FuzzParseMember: a member built as the scripts build it parses back to
// its parts, whatever the id and counterparty hold; any other string is
// rejected or parsed without a panic.
func FuzzParseMember(f *testing.F) {
	f.Add(uint8(1), int64(12345), int64(500), "tx-1", "alice")
	f.Add(uint8(63), int64(0), int64(1), "a,b|c", ",,3,")
	f.Fuzz(func(t *testing.T, class uint8, units, nanos int64, id, cp string) {
		parseMember(id + cp) // arbitrary input: must not panic
		if units < 0 || nanos < 0 || id == "" {
			return
		}
		m := strconv.Itoa(int(class)) + "," + strconv.FormatInt(units, 10) + "," + strconv.FormatInt(nanos, 10) + "," + strconv.Itoa(len(id)) + "," + id + cp
		e, ok := parseMember(m)
		if !ok || e.class != int(class) || e.units != units || e.nanos != nanos || e.id != id || e.cp != cp {
			t.Fatalf("parseMember(%q) = %+v, %v", m, e, ok)
		}
		if strings.Count(m, ",") < 4 {
			t.Fatalf("member %q lost a separator", m)
		}
	})
}
