// Package jurisdiction owns the jurisdiction pack: the bundle of one
// country's limit table, KYC policy and AML monitoring rules, with its
// currency, time zone, version and legal sources. The engine (package comply)
// compiles packs once in comply.New.
//
// Built-in packs live in subpackages, one per country (jurisdiction/kr, …),
// each exposing its pack through a Pack function.
//
// Package jurisdiction imports payment, rule and limits from this module
// (and later kyc and aml); never the store or the root package.
package jurisdiction

import (
	"fmt"
	"time"

	"github.com/comply-go/comply/aml"
	"github.com/comply-go/comply/fees"
	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"gopkg.in/yaml.v3"
)

// Pack is one jurisdiction's rules as data. Build one in Go or take a
// built-in one from a country package; comply.New validates and compiles it.
type Pack struct {
	// Code is the ISO 3166-1 alpha-2 code of the jurisdiction, e.g. "KR".
	// Transactions whose Country is Code are judged by the pack.
	Code string
	// Name is the jurisdiction's name.
	Name string
	// Currency is the currency of every amount in the pack.
	Currency payment.Currency
	// TimeZone is the IANA zone of calendar windows and effective dates,
	// e.g. "Asia/Seoul".
	TimeZone string
	// Version identifies this edition of the pack; decisions record it.
	Version string
	// Sources lists the main legal sources the pack draws on.
	Sources []rule.Citation
	// Limits is the limit table: caps, prohibitions and report thresholds.
	Limits []limits.Limit
	// KYC is the verification policy: tiers, CDD thresholds, EDD triggers,
	// age minimums and refusals. Optional.
	KYC *kyc.Policy
	// Rules are the AML monitoring rules, e.g. [aml.Builtin] and the pack's
	// own. Optional.
	Rules []aml.Rule
	// Params and Lists parameterize the rules (see [aml.Options]): figures
	// in the pack's currency, and named sets such as FATF lists. They are
	// merged over the aml defaults.
	Params map[string]any
	Lists  map[string][]string
	// Reports are the report duties raised by findings, such as an STR
	// whenever monitoring asks for review. (Report thresholds on summed
	// amounts are limit rows.)
	Reports []ReportDuty
	// Fees is the fee-transparency policy: how effective rates are
	// computed and the legal ceilings on them (fees.yaml). Optional.
	Fees *fees.Policy
	// Providers names the registers of licensed providers the pack checks
	// counterparties' claims against, and the action for a claim that is
	// not on one (providers.yaml). The registers themselves come from the
	// host (comply.Options.Registers). Optional.
	Providers *registry.Policy
	// Extends names the pack this one overlays (see [Overlay]); empty for a
	// pack that stands on its own.
	Extends string
	// Loosen lets an overlay replace params of the pack it extends, which
	// may relax them. Without it an overlay may only add params.
	Loosen bool

	// Where the parts came from, when loaded from files: error positions.
	src, kycSrc *src
	feesSrc     *src
	provSrc     *src
	limitsFile  string
	limitPos    []rule.Pos
	reportPos   []rule.Pos
	builtinNode *yaml.Node
	paramsNode  *yaml.Node
}

// Ref identifies a pack edition in a decision.
type Ref struct {
	Code    string `json:"code"`
	Version string `json:"version"`
}

// Ref returns the pack's code and version.
func (p *Pack) Ref() Ref { return Ref{Code: p.Code, Version: p.Version} }

// Compiled is a validated pack: its time zone loaded once and its limit
// table compiled. It is immutable and safe for concurrent use.
type Compiled struct {
	Pack     *Pack
	Location *time.Location
	Limits   *limits.Table
	// KYC is nil when the pack has no policy.
	KYC *kyc.Checker
	// AML is nil when the pack has no rules.
	AML *aml.Program
	// Fees is nil when the pack has no fee policy.
	Fees *fees.Checker
	// Providers is the pack's validated provider-register policy; nil when
	// it has none.
	Providers *registry.Policy
}

// Compile validates p and compiles its parts. Errors are a [rule.ErrorList].
func Compile(p *Pack) (*Compiled, error) {
	var errs rule.ErrorList
	file := "pack " + p.Code
	if p.src != nil {
		file = p.src.name
	}
	if _, err := payment.ParseCountry(p.Code); err != nil && p.Code != "EU" {
		errs.Add(rule.Pos{File: file}, rule.CodePackSchema, "code: %v", err)
	}
	if p.Version == "" {
		errs.Add(rule.Pos{File: file}, rule.CodePackSchema, "missing version")
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil || p.TimeZone == "" {
		errs.Add(rule.Pos{File: file}, rule.CodePackSchema, "time zone %q: not an IANA zone", p.TimeZone)
		loc = time.UTC
	}
	limitsFile := file
	if p.limitsFile != "" {
		limitsFile = p.limitsFile
	}
	tbl, err := limits.NewTable(p.Limits, &limits.Options{Currency: p.Currency, Location: loc, File: limitsFile, Positions: p.limitPos})
	if err != nil {
		errs = append(errs, rule.AsList(err)...)
	}
	c := &Compiled{Pack: p, Location: loc, Limits: tbl}
	if p.KYC != nil {
		pol := *p.KYC
		if pol.Currency == "" {
			pol.Currency = p.Currency
		}
		if pol.Jurisdiction == "" {
			pol.Jurisdiction = p.Code
		}
		if pol.TimeZone == "" {
			pol.TimeZone = loc.String() // UTC when the pack's zone is bad, reported above
		}
		if c.KYC, err = kyc.CompilePolicy(pol); err != nil {
			list := asList(err, file, "kyc")
			for _, e := range list {
				kycErrorPos(p.kycSrc, e)
			}
			errs = append(errs, list...)
		} else if c.KYC.Currency() != p.Currency {
			errs.Add(rule.Pos{File: file}, rule.CodePackSchema, "kyc policy counts in %s, the pack in %s", c.KYC.Currency(), p.Currency)
		}
	}
	if len(p.Rules) > 0 {
		if c.AML, err = aml.Compile(p.Rules, &aml.Options{Params: p.Params, Lists: p.Lists}); err != nil {
			errs = append(errs, asList(err, file, "aml")...)
		}
	}
	if p.Fees != nil {
		if c.Fees, err = fees.Compile(*p.Fees, &fees.Options{Location: loc}); err != nil {
			list := asList(err, file, "fees")
			for _, e := range list {
				if e.Pos.File == "" {
					e.Pos.File = file
				}
				kycErrorPos(p.feesSrc, e)
			}
			errs = append(errs, list...)
		}
	}
	if p.Providers != nil {
		if err := p.Providers.Validate(); err != nil {
			list := asList(err, file, "providers")
			for _, e := range list {
				if e.Pos.File == "" {
					e.Pos.File = file
				}
				kycErrorPos(p.provSrc, e)
			}
			errs = append(errs, list...)
		} else {
			c.Providers = p.Providers
		}
	}
	for i, d := range p.Reports {
		pos := rule.Pos{File: file}
		if i < len(p.reportPos) {
			pos = p.reportPos[i]
		}
		switch {
		case d.ID == "":
			errs.Add(pos, rule.CodePackSchema, "report duty without id")
		case d.Kind == "":
			errs.Add(pos, rule.CodePackSchema, "report duty %s without kind", d.ID)
		case d.Citation.Law == "":
			errs.Add(pos, rule.CodePackSchema, "report duty %s without citation: every report duty must name its legal source", d.ID)
		case d.On != rule.ActionUnspecified && !d.On.Valid():
			errs.Add(pos, rule.CodePackSchema, "report duty %s: unknown action %s", d.ID, d.On)
		case !d.From.IsZero() && !d.Until.IsZero() && d.Until.Before(d.From):
			errs.Add(pos, rule.CodePackSchema, "report duty %s: until %s is before from %s", d.ID, d.Until, d.From)
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, fmt.Errorf("jurisdiction %s: %w", p.Code, errs)
	}
	return c, nil
}

// asList returns err's positioned errors, or one error at the pack's file.
func asList(err error, file, part string) rule.ErrorList {
	if l := rule.AsList(err); len(l) > 0 {
		return l
	}
	return rule.ErrorList{{Pos: rule.Pos{File: file}, Code: rule.CodePackSchema, Msg: part + ": " + err.Error(), Err: err}}
}

// Clone returns a copy of p that shares nothing mutable with it: its slices
// and maps are copied (the rows, rules and citations themselves are values).
func (p *Pack) Clone() *Pack {
	c := *p
	c.Sources = append([]rule.Citation(nil), p.Sources...)
	c.Limits = append([]limits.Limit(nil), p.Limits...)
	c.Rules = append([]aml.Rule(nil), p.Rules...)
	c.Reports = append([]ReportDuty(nil), p.Reports...)
	if p.KYC != nil {
		k := *p.KYC
		c.KYC = &k
	}
	if p.Fees != nil {
		f := *p.Fees
		f.Ceilings = append([]fees.Ceiling(nil), p.Fees.Ceilings...)
		c.Fees = &f
	}
	if p.Providers != nil {
		r := registry.Policy{Registers: append([]registry.RegisterRule(nil), p.Providers.Registers...)}
		c.Providers = &r
	}
	if p.Params != nil {
		c.Params = make(map[string]any, len(p.Params))
		for k, v := range p.Params {
			c.Params[k] = v
		}
	}
	if p.Lists != nil {
		c.Lists = make(map[string][]string, len(p.Lists))
		for k, v := range p.Lists {
			c.Lists[k] = append([]string(nil), v...)
		}
	}
	return &c
}
