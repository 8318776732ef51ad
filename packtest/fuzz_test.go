package packtest

import (
	"os"
	"testing"

	"github.com/comply-go/comply/payment"
)

// FuzzParseTests checks that reading any tests.yaml never panics and that
// every error has a position in the file.
func FuzzParseTests(f *testing.F) {
	for _, name := range []string{"testdata/kr/tests.yaml", "testdata/failing/tests.yaml", "testdata/jp/tests.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("tests:\n  - name: a\n    steps:\n      - tx: &x {amount: {amount: *x}}\n        want: {action: allow}\n"))
	f.Add([]byte("tests: [{name: a, fx: {USDKRW: 1e3}, packs: [US, ../x], steps: [{tx: {<<: {id: 1}}, want: {error: fx}}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &parser{file: "tests.yaml", dir: "kr", code: "KR"}
		cases := p.parse(data)
		for _, c := range cases {
			p.decode(c, func(string) payment.Currency { return "KRW" })
		}
		for _, e := range p.errs {
			if e.Pos.File != "tests.yaml" {
				t.Errorf("error without the file: %v", e)
			}
		}
	})
}
