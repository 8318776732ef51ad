package comply_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/comply-go/comply"

// allowed lists, for each package (or package prefix ending in "/..."), the
// packages of this module it may depend on, directly or not. It is the
// layout table of README.md, enforced.
var allowed = []struct {
	pkg   string
	deps  []string
	heavy bool // may depend on Redis, PostgreSQL or CLI libraries
}{
	{pkg: "payment"},
	{pkg: "rule"},
	{pkg: "store"},
	{pkg: "store/memstore", deps: []string{"store"}},
	{pkg: "store/storetest", deps: []string{"store"}},
	{pkg: "limits", deps: []string{"payment", "rule"}},
	{pkg: "kyc/...", deps: []string{"payment", "rule", "kyc/..."}},
	{pkg: "aml/...", deps: []string{"payment", "rule", "aml/..."}},
	{pkg: "jurisdiction", deps: []string{"payment", "rule", "limits", "kyc/...", "aml/...", "fees"}},
	{pkg: "jurisdiction/...", deps: []string{"jurisdiction", "payment", "rule", "limits", "kyc/...", "aml/...", "fees"}},
	{pkg: "jurisdiction/all", deps: []string{"jurisdiction", "jurisdiction/...", "payment", "rule", "limits", "kyc/...", "aml/...", "fees"}},
	{pkg: "", deps: []string{"payment", "rule", "limits", "kyc/...", "aml/...", "fees", "jurisdiction", "store", "store/memstore"}},
	{pkg: "packtest", deps: []string{"", "payment", "rule", "limits", "kyc/...", "aml/...", "fees", "jurisdiction", "jurisdiction/...", "store", "store/memstore"}},
	{pkg: "fees", deps: []string{"payment", "rule"}},
	{pkg: "synth", deps: []string{"payment"}},
	{pkg: "audit", deps: []string{"", "payment", "rule", "limits", "kyc/...", "aml/...", "fees", "jurisdiction", "store", "store/memstore"}},
	{pkg: "audit/pgsink", deps: []string{"audit", "", "payment", "rule", "limits", "kyc/...", "aml/...", "fees", "jurisdiction", "store", "store/memstore"}, heavy: true},
	{pkg: "store/redisstore", deps: []string{"store"}, heavy: true},
	{pkg: "store/pgstore", deps: []string{"store"}, heavy: true},
	{pkg: "cmd/...", deps: []string{"..."}, heavy: true},
	{pkg: "examples/...", deps: []string{"..."}, heavy: true},
	{pkg: "internal/...", deps: []string{"..."}, heavy: true},
}

// heavyDeps are client libraries no core package may pull in.
var heavyDeps = []string{"github.com/redis/", "github.com/jackc/", "github.com/lib/pq", "github.com/spf13/", "github.com/urfave/"}

func matches(pattern, rel string) bool {
	switch {
	case pattern == "...":
		return true
	case strings.HasSuffix(pattern, "/..."):
		base := strings.TrimSuffix(pattern, "/...")
		return rel == base || strings.HasPrefix(rel, base+"/")
	}
	return pattern == rel
}

// ruleFor returns the row of a package: its exact row, or else the longest
// "/..." row that covers it.
func ruleFor(rel string) (deps []string, heavy, ok bool) {
	best := -1
	for i, a := range allowed {
		if a.pkg == rel {
			return a.deps, a.heavy, true
		}
		if strings.HasSuffix(a.pkg, "/...") && matches(a.pkg, rel) && (best < 0 || len(a.pkg) > len(allowed[best].pkg)) {
			best = i
		}
	}
	if best < 0 {
		return nil, false, false
	}
	return allowed[best].deps, allowed[best].heavy, true
}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		deps, heavy, ok := ruleFor(rel)
		if !ok {
			t.Errorf("package %s has no row in the layering table", pkg)
			continue
		}
		checked++
		for _, dep := range fields[1:] {
			if !heavy {
				for _, h := range heavyDeps {
					if strings.HasPrefix(dep, h) {
						t.Errorf("core package %s depends on %s", pkg, dep)
					}
				}
			}
			if dep != module && !strings.HasPrefix(dep, module+"/") {
				continue
			}
			drel := strings.TrimPrefix(strings.TrimPrefix(dep, module), "/")
			okDep := false
			for _, d := range deps {
				if matches(d, drel) {
					okDep = true
					break
				}
			}
			if !okDep {
				t.Errorf("%s may not depend on %s", pkg, dep)
			}
		}
	}
	if checked < 8 {
		t.Fatalf("checked only %d packages", checked)
	}
}
