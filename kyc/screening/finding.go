package screening

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// Rule ids and codes of the findings of [Findings].
const (
	// RuleSanctions is the rule id of a sanctions-list match.
	RuleSanctions rule.ID = "screening.sanctions"
	// RulePEP is the rule id of a politically-exposed-person match.
	RulePEP rule.ID = "screening.pep"
	// CodeMatch marks a finding from a list match.
	CodeMatch rule.Code = "screening_match"
)

// Citation returns the legal source of a list: OFAC 31 CFR chapter V for
// [ListOFACSDN], the Security Council resolution of the regime for
// [ListUN] (program as UN_LIST_TYPE, e.g. "DPRK"), and a generic citation
// for other lists.
func Citation(list, program string) rule.Citation {
	switch list {
	case ListOFACSDN:
		return rule.Citation{Law: "31 CFR", Article: "chapter V (Parts 501–599), OFAC sanctions regulations; Specially Designated Nationals list",
			URL: "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists", Confidence: "primary"}
	case ListUN:
		c := rule.Citation{Law: "UN Security Council", Article: "consolidated sanctions list", Confidence: "primary",
			URL: "https://www.un.org/securitycouncil/content/un-sc-consolidated-list"}
		if r, ok := unRegimes[program]; ok {
			c.Article = "resolution " + r + " (" + program + " sanctions regime)"
		}
		return c
	}
	return rule.Citation{Law: list, Article: "screening list", Confidence: "unverified"}
}

// unRegimes maps UN_LIST_TYPE to the resolution that set up the regime.
var unRegimes = map[string]string{
	"Al-Qaida":   "1267 (1999)/1989 (2011)/2253 (2015)",
	"Taliban":    "1988 (2011)",
	"DPRK":       "1718 (2006)",
	"Iran":       "2231 (2015)",
	"Iraq":       "1518 (2003)",
	"DRC":        "1533 (2004)",
	"Libya":      "1970 (2011)",
	"Somalia":    "751 (1992)/2713 (2023)",
	"Sudan":      "1591 (2005)",
	"SouthSudan": "2206 (2015)",
	"CAR":        "2127 (2013)",
	"Yemen":      "2140 (2014)",
	"GB":         "2048 (2012)",
	"Haiti":      "2653 (2022)",
	"Mali":       "2374 (2017)",
}

// Findings turns the matches of one party into findings. party names the
// party ("customer", "counterparty"), query is the screened name. A
// confirmed sanctions match gives [rule.Block] and a possible one
// [rule.Review], with rule [RuleSanctions]; a PEP match gives [rule.Review]
// with rule [RulePEP] (the host then treats the customer as a PEP, which
// kyc's EDD triggers act on). Matches with [DecisionNone] give nothing.
// Each finding's Values name the party, the query, the list, the entity
// id, the matched name, the score, the decision and the explanation.
func Findings(party, query string, matches []Match) []rule.Finding {
	var out []rule.Finding
	for i := range matches {
		m := &matches[i]
		if m.Decision == DecisionNone {
			continue
		}
		f := rule.Finding{
			Rule:   RuleSanctions,
			Action: rule.Review,
			Code:   CodeMatch,
		}
		program := ""
		if len(m.Programs) > 0 {
			program = m.Programs[0]
		}
		f.Citation = Citation(m.List, program)
		switch {
		case m.PEP:
			f.Rule = RulePEP
			f.Message = fmt.Sprintf("the %s's name %q matches %q, a politically exposed person on %s (id %s), with score %.3f: %s match",
				party, query, m.MatchedName, m.List, m.EntityID, m.Score, m.Decision)
		case m.Decision == DecisionConfirmed:
			f.Action = rule.Block
			f.Message = fmt.Sprintf("the %s's name %q matches %q on the sanctions list %s (id %s) with score %.3f: confirmed match",
				party, query, m.MatchedName, m.List, m.EntityID, m.Score)
		default:
			f.Message = fmt.Sprintf("the %s's name %q may match %q on the sanctions list %s (id %s), score %.3f: review",
				party, query, m.MatchedName, m.List, m.EntityID, m.Score)
		}
		f.Values = []rule.Value{
			{Name: "party", Value: party},
			{Name: "query", Value: query},
			{Name: "list", Value: m.List},
			{Name: "entity_id", Value: m.EntityID},
			{Name: "matched_name", Value: m.MatchedName},
			{Name: "score", Value: strconv.FormatFloat(m.Score, 'f', 3, 64)},
			{Name: "decision", Value: m.Decision.String()},
		}
		if len(m.Programs) > 0 {
			f.Values = append(f.Values, rule.Value{Name: "programs", Value: strings.Join(m.Programs, ",")})
		}
		f.Values = append(f.Values, rule.Value{Name: "explanation", Value: m.Explanation.String()})
		out = append(out, f)
	}
	return out
}

// Check screens the customer and, when there is one with a name, the
// counterparty of tx against the current index and returns their findings
// (see [Findings]): the customer with its country and date of birth, the
// counterparty with its own. Parties without a name are not screened. This
// is what the engine runs inside Evaluate; it is pure and safe for
// concurrent use.
func (s *Screener) Check(tx *payment.Transaction) []rule.Finding {
	if tx == nil {
		return nil
	}
	var out []rule.Finding
	screen := func(role string, p *payment.Party) {
		if p == nil || strings.TrimSpace(p.Name) == "" {
			return
		}
		ms := s.Screen(Query{Name: p.Name, BirthDate: p.BirthDate, Country: p.Country})
		out = append(out, Findings(role, p.Name, ms)...)
	}
	screen("customer", &tx.Customer.Party)
	screen("counterparty", tx.Counterparty)
	return out
}
