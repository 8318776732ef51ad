package jurisdiction

import (
	"fmt"
	"slices"

	"github.com/comply-go/comply/fees"
	"github.com/comply-go/comply/kyc"
	"github.com/comply-go/comply/kyc/registry"
	"github.com/comply-go/comply/limits"
	"github.com/comply-go/comply/rule"
)

// CodeLoosen marks an overlay change that would relax the pack it extends
// without saying so.
const CodeLoosen rule.Code = "pack_overlay_loosens"

// Overlay layers an overlay pack (one whose pack.yaml says `extends: KR`)
// over base, typically a company's stricter internal limits over a built-in
// pack. The result judges transactions as base does, plus:
//
//   - limit rows with new ids are added (an extra limit only tightens);
//   - a row with the id of base rows replaces them, if it is at least as
//     strict as each: same kind and window, a scope that covers theirs, an
//     amount and count no higher, an action no weaker, in force at least as
//     long, not disabled — or if the row says `loosen: true`;
//   - KYC thresholds, triggers, age rules and refusals are added to base's;
//     tier specs replace base's for the same tier;
//   - AML rules and report duties are added; list entries are added;
//   - params may only be added, unless the overlay says `loosen: true`
//     (a param can tighten or relax a rule, which cannot be told apart).
//
// The result's version is "<base version>+<overlay code> <overlay
// version>". Overlay does not change base or overlay. Errors are a
// [rule.ErrorList], at the overlay's files when it was loaded.
func Overlay(base, overlay *Pack) (*Pack, error) {
	var errs rule.ErrorList
	opos := func(i int) rule.Pos {
		if i < len(overlay.limitPos) {
			return overlay.limitPos[i]
		}
		return rule.Pos{File: "overlay " + overlay.Code}
	}
	if overlay.Extends != base.Code {
		errs.Add(rule.Pos{File: "overlay " + overlay.Code}, rule.CodePackSchema, "overlay extends %q, not %s", overlay.Extends, base.Code)
		return nil, errs
	}
	out := base.Clone()
	out.Version = base.Version + "+" + overlay.Code + " " + overlay.Version
	out.Sources = append(out.Sources, overlay.Sources...)
	// Positions of base rows no longer line up once rows are replaced.
	out.limitPos, out.limitsFile = nil, ""

	for i, o := range overlay.Limits {
		var replaced []limits.Limit
		kept := out.Limits[:0:0]
		for _, b := range out.Limits {
			if b.ID == o.ID {
				replaced = append(replaced, b)
			} else {
				kept = append(kept, b)
			}
		}
		if !o.Loosen {
			for _, b := range replaced {
				if why := looser(&o, &b); why != "" {
					errs.Add(opos(i), CodeLoosen, "limit %s would relax the base pack's row (%s); mark it loosen: true if that is meant", o.ID, why)
				}
			}
		}
		out.Limits = append(kept, o)
	}
	if overlay.KYC != nil {
		if out.KYC == nil {
			k := *overlay.KYC
			out.KYC = &k
		} else {
			k := out.KYC
			for _, t := range overlay.KYC.Tiers {
				k.Tiers = slices.DeleteFunc(slices.Clone(k.Tiers), func(b kyc.TierSpec) bool { return b.Tier == t.Tier })
				k.Tiers = append(k.Tiers, t)
			}
			k.CDD = append(slices.Clone(k.CDD), overlay.KYC.CDD...)
			k.EDD = append(slices.Clone(k.EDD), overlay.KYC.EDD...)
			k.Age = append(slices.Clone(k.Age), overlay.KYC.Age...)
			k.Refusals = append(slices.Clone(k.Refusals), overlay.KYC.Refusals...)
		}
	}
	out.Rules = append(out.Rules, overlay.Rules...)
	out.Reports = append(out.Reports, overlay.Reports...)
	for name, v := range overlay.Params {
		if _, exists := out.Params[name]; exists && !overlay.Loosen {
			errs.Add(rule.Pos{File: "overlay " + overlay.Code}, CodeLoosen, "param %s is set by the base pack; changing it may relax a rule: set loosen: true in the overlay's pack.yaml if that is meant", name)
			continue
		}
		if out.Params == nil {
			out.Params = map[string]any{}
		}
		out.Params[name] = v
	}
	for name, vs := range overlay.Lists {
		if out.Lists == nil {
			out.Lists = map[string][]string{}
		}
		for _, v := range vs {
			if !slices.Contains(out.Lists[name], v) {
				out.Lists[name] = append(out.Lists[name], v)
			}
		}
	}
	// Fee ceilings and register rules only add: every one applies, so an
	// overlay can only make the pack stricter. An id given twice is an
	// error when the result is compiled.
	if o := overlay.Fees; o != nil {
		if out.Fees == nil {
			out.Fees = &fees.Policy{Basis: o.Basis, Precision: o.Precision}
		}
		out.Fees.Ceilings = append(out.Fees.Ceilings, o.Ceilings...)
		out.feesSrc = nil
	}
	if o := overlay.Providers; o != nil {
		if out.Providers == nil {
			out.Providers = &registry.Policy{}
		}
		out.Providers.Registers = append(out.Providers.Registers, o.Registers...)
		out.provSrc = nil
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	if _, err := Compile(out); err != nil {
		return nil, err
	}
	return out, nil
}

// looser says how row o relaxes base row b, or "" when it does not.
func looser(o, b *limits.Limit) string {
	switch {
	case o.Disabled && !b.Disabled:
		return "it is disabled"
	case o.Kind != b.Kind:
		return fmt.Sprintf("kind %s instead of %s", o.Kind, b.Kind)
	case o.Kind == limits.Rolling && o.Window < b.Window:
		return fmt.Sprintf("a shorter window %s than %s", o.Window, b.Window)
	case o.Report != nil && b.Report == nil, o.Report == nil && b.Report != nil:
		return "a report threshold and a limit are different things"
	case !covers(o.Channels, b.Channels):
		return "it covers fewer channels"
	case !covers(o.Directions, b.Directions):
		return "it covers fewer directions"
	case !covers(o.Tiers, b.Tiers):
		return "it covers fewer tiers"
	case !covers(o.Funding, b.Funding):
		return "it covers fewer funding sources"
	case b.MaxAmount.Valid && !o.MaxAmount.Valid && o.Kind != limits.Prohibition:
		return "it drops the amount bound"
	case b.MaxAmount.Valid && o.MaxAmount.Valid && (o.MaxAmount.Decimal.GreaterThan(b.MaxAmount.Decimal) ||
		o.MaxAmount.Decimal.Equal(b.MaxAmount.Decimal) && b.Exclusive && !o.Exclusive):
		if o.Report != nil {
			// A report threshold is stricter when it is lower.
			return fmt.Sprintf("a higher threshold %s than %s", o.MaxAmount.Decimal, b.MaxAmount.Decimal)
		}
		return fmt.Sprintf("a higher bound %s than %s", o.MaxAmount.Decimal, b.MaxAmount.Decimal)
	case b.LimitCount && (!o.LimitCount || o.MaxCount > b.MaxCount):
		return "a higher or no count bound"
	case actionOf(o) < actionOf(b):
		return fmt.Sprintf("a weaker action %s than %s", actionOf(o), actionOf(b))
	case !o.From.IsZero() && (b.From.IsZero() || b.From.Before(o.From)):
		return "it starts later"
	case !o.Until.IsZero() && (b.Until.IsZero() || o.Until.Before(b.Until)):
		return "it ends sooner"
	}
	return ""
}

func actionOf(l *limits.Limit) rule.Action {
	if l.Action == rule.ActionUnspecified {
		return rule.StepUp // the default is StepUp or Block by group; compare as the weaker
	}
	return l.Action
}

// covers reports whether scope o covers scope b (empty means everything).
func covers[T comparable](o, b []T) bool {
	if len(o) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, x := range b {
		if !slices.Contains(o, x) {
			return false
		}
	}
	return true
}
