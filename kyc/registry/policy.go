package registry

import (
	"fmt"
	"strings"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// RuleNotLoaded is the rule id of the Review finding for a claim to a
// register the host did not load.
const RuleNotLoaded rule.ID = "registry.register_not_loaded"

// RegisterRule says what a pack does about claims to one register.
type RegisterRule struct {
	// Rule is the id of the finding, e.g. "kr.providers.efin_unregistered".
	// Required.
	Rule rule.ID `yaml:"rule"`
	// Register is the register's id, as in its file's "# id:" header.
	// Required.
	Register string `yaml:"register"`
	// Description says what the register is.
	Description string `yaml:"description,omitempty"`
	// Action is what a claim that is not on the register gets: review,
	// step_up or block. Required.
	Action rule.Action `yaml:"action"`
	// Citation is the law that requires the registration. Required (law).
	Citation rule.Citation `yaml:"citation"`
}

// Policy is a pack's provider-register rules (providers.yaml). The zero
// Policy checks nothing.
type Policy struct {
	// Registers are the registers the pack checks claims against.
	Registers []RegisterRule `yaml:"registers"`
}

// Validate checks p. Errors are a [rule.ErrorList] of
// [rule.CodePackSchema] errors whose messages start with the field path
// ("registers[0].action: …").
func (p *Policy) Validate() error {
	var errs rule.ErrorList
	bad := func(field, format string, args ...any) {
		errs = append(errs, &rule.Error{Code: rule.CodePackSchema, Msg: field + ": " + fmt.Sprintf(format, args...), Err: ErrSyntax})
	}
	seen := map[string]bool{}
	for i, r := range p.Registers {
		f := fmt.Sprintf("registers[%d]", i)
		if r.Rule == "" {
			bad(f+".rule", "required")
		}
		switch {
		case r.Register == "":
			bad(f+".register", "required")
		case seen[r.Register]:
			bad(f+".register", "%s given twice", r.Register)
		}
		seen[r.Register] = true
		if r.Action <= rule.Allow || !r.Action.Valid() {
			bad(f+".action", "want review, step_up or block, not %s", r.Action)
		}
		if r.Citation.Law == "" {
			bad(f+".citation", "every register rule must name its legal source (law)")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Check judges the provider claim of tx's counterparty against the
// registers in set (which may be nil), for cash-outs and transfers. It
// returns nil when there is no claim, when the claim is to a register the
// pack does not name, or when the claim is on the register. Otherwise it
// returns one finding naming the register, its date and what was not
// found: with the register rule's action, or, when the host did not load
// the register, a Review finding [RuleNotLoaded].
func (p *Policy) Check(tx *payment.Transaction, set *Set) []rule.Finding {
	if p == nil || len(p.Registers) == 0 || tx.Counterparty == nil || tx.Counterparty.Provider == nil ||
		tx.Direction != payment.CashOut && tx.Direction != payment.Transfer {
		return nil
	}
	claim := tx.Counterparty.Provider
	var rr *RegisterRule
	for i := range p.Registers {
		if p.Registers[i].Register == claim.Register {
			rr = &p.Registers[i]
		}
	}
	if rr == nil {
		return nil
	}
	name := claim.Name
	if name == "" {
		name = tx.Counterparty.Name
	}
	reg := set.Register(rr.Register)
	if reg == nil {
		return []rule.Finding{{
			Rule: RuleNotLoaded, Action: rule.Review, Citation: rr.Citation,
			Message: fmt.Sprintf("the counterparty claims to be on register %s, which the host did not load: the claim cannot be checked", rr.Register),
			Values:  claimValues(rr.Register, claim, name, nil, "register not loaded"),
		}}
	}
	reason := verify(reg, claim.Number, name)
	if reason == "" {
		return nil
	}
	return []rule.Finding{{
		Rule: rr.Rule, Action: rr.Action, Citation: rr.Citation,
		Message: fmt.Sprintf("the counterparty claims to be on %s (%s, as of %s) but %s", reg.Name(), reg.ID(), reg.AsOf(), reason),
		Values:  claimValues(rr.Register, claim, name, reg, reason),
	}}
}

// verify returns "" when the claim is on the register, or why not.
func verify(reg *Register, number, name string) string {
	if number != "" {
		e, ok := reg.LookupNumber(number)
		switch {
		case !ok:
			return fmt.Sprintf("number %q is not on it", number)
		case !e.Registered():
			return fmt.Sprintf("number %q is listed with status %q", number, e.Status)
		case name != "" && NormalizeName(name) != e.key:
			return fmt.Sprintf("number %q is registered to %q, not %q", number, e.Name, name)
		}
		return ""
	}
	es := reg.LookupName(name)
	for _, e := range es {
		if e.Registered() {
			return ""
		}
	}
	if len(es) > 0 {
		return fmt.Sprintf("name %q is listed with status %q", name, es[0].Status)
	}
	return fmt.Sprintf("name %q is not on it", name)
}

func claimValues(id string, c *payment.ProviderClaim, name string, reg *Register, reason string) []rule.Value {
	vs := []rule.Value{{Name: "register", Value: id}}
	if reg != nil {
		vs = append(vs, rule.Value{Name: "register_name", Value: reg.Name()}, rule.Value{Name: "register_as_of", Value: reg.AsOf().String()})
	}
	vs = append(vs,
		rule.Value{Name: "claimed_number", Value: c.Number},
		rule.Value{Name: "claimed_name", Value: name},
		rule.Value{Name: "name_key", Value: NormalizeName(name)},
		rule.Value{Name: "reason", Value: strings.TrimSpace(reason)},
	)
	return vs
}
