package registry_test

import (
	"fmt"
	"strings"

	"github.com/comply-go/comply/kyc/registry"
)

func ExampleParse() {
	// An illustrative register: the entries are invented.
	const file = `## converted by the host; illustrative entries
# id: kr.fsc.efin
# name: 전자금융업자 등록 현황
# as_of: 2026-11-01
number,name
2026-0001,에이페이 주식회사
2026-0003,"Sample Wallet Co., Ltd."
`
	r, err := registry.Parse("efin.csv", strings.NewReader(file))
	if err != nil {
		panic(err)
	}
	for _, q := range []string{"(주) 에이페이", "SAMPLE WALLET", "Sample Wallet Inc."} {
		es := r.LookupName(q)
		fmt.Printf("%s → %d match(es), key %q\n", q, len(es), registry.NormalizeName(q))
	}
	e, ok := r.LookupNumber("2026 0003")
	fmt.Println(e.Name, ok, r.AsOf())
	// Output:
	// (주) 에이페이 → 1 match(es), key "에이페이"
	// SAMPLE WALLET → 1 match(es), key "samplewallet"
	// Sample Wallet Inc. → 1 match(es), key "samplewallet"
	// Sample Wallet Co., Ltd. true 2026-11-01
}

func ExampleParse_errors() {
	_, err := registry.Parse("msb.tsv", strings.NewReader("# id: us.fincen.msb\n# name: MSB\n# as_of: 2026-10-15\nnumber\tname\n31000000000001\n"))
	fmt.Println(err)
	// Output:
	// ERROR: msb.tsv:5: register_error: 1 fields, want 2
}
