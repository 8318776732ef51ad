package audit

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
)

// minScrub is the shortest personal value that is also hashed where a
// finding or report quotes it: shorter ones ("7", "KR") would hash
// innocent text.
const minScrub = 3

// redactor turns a transaction and its decision into a record body. A nil
// key keeps personal data plain.
type redactor struct {
	key  []byte
	macs sync.Pool // of hash.Hash: HMAC-SHA256 under key
}

// keyID derives the id of key: the first 8 bytes of HMAC-SHA256(key,
// "comply-audit-key-id") in hex. It names the key without revealing it.
func keyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("comply-audit-key-id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// state hashes the values of one record and remembers them, so that
// findings quoting them can be scrubbed.
type state struct {
	mac  hash.Hash
	seen map[string]string // plain → hashed
	buf  []byte
}

func (s *state) hash(v string) string {
	if v == "" || s.mac == nil {
		return v
	}
	if h, ok := s.seen[v]; ok {
		return h
	}
	s.mac.Reset()
	s.mac.Write([]byte(v))
	s.buf = s.mac.Sum(s.buf[:0])
	h := HashPrefix + hex.EncodeToString(s.buf)
	if s.seen == nil {
		s.seen = map[string]string{}
	}
	s.seen[v] = h
	return h
}

func (s *state) party(p *payment.Party) Party {
	return Party{
		ID:        s.hash(p.ID),
		Name:      s.hash(p.Name),
		Country:   p.Country,
		BirthDate: s.hash(p.BirthDate.String()),
		Account:   s.hash(p.Account),
		FirstSeen: utc(p.FirstSeen),
	}
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// fill sets the transaction and decision fields of r.
func (rd *redactor) fill(r *Record, tx *payment.Transaction, d *comply.Decision) {
	var s state
	if rd.key != nil {
		m, _ := rd.macs.Get().(hash.Hash)
		if m == nil {
			m = hmac.New(sha256.New, rd.key)
		}
		defer rd.macs.Put(m)
		s.mac = m
	}
	t := Transaction{
		ID:        tx.ID,
		Time:      utc(tx.Time),
		Country:   tx.Country,
		Channel:   tx.Channel,
		Direction: tx.Direction,
		Amount:    tx.Amount,
		Customer: Customer{
			Party:    s.party(&tx.Customer.Party),
			Tier:     tx.Customer.Tier,
			Verified: slices.Clone(tx.Customer.Verified),
			Risk:     tx.Customer.Risk,
			PEP:      tx.Customer.PEP,
		},
		Funding: tx.Funding,
	}
	if tx.Counterparty != nil {
		p := s.party(tx.Counterparty)
		t.Counterparty = &p
	}
	if tx.Merchant != nil {
		m := *tx.Merchant
		t.Merchant = &m
	}
	if tx.Device != nil {
		t.Device = &Device{ID: s.hash(tx.Device.ID), IP: s.hash(tx.Device.IP), FirstSeen: utc(tx.Device.FirstSeen), SIMChanged: utc(tx.Device.SIMChanged)}
	}
	if c := tx.Crypto; c != nil {
		t.Crypto = &Crypto{Network: c.Network, Asset: c.Asset, AssetAmount: c.AssetAmount, Address: s.hash(c.Address), Wallet: c.Wallet, OwnershipProven: c.OwnershipProven}
		if tr := c.TravelRule; tr != nil {
			t.Crypto.TravelRule = &payment.TravelRule{
				OriginatorName:     s.hash(tr.OriginatorName),
				OriginatorAccount:  s.hash(tr.OriginatorAccount),
				BeneficiaryName:    s.hash(tr.BeneficiaryName),
				BeneficiaryAccount: s.hash(tr.BeneficiaryAccount),
			}
		}
	}
	r.Tx = t
	r.Packs = slices.Clone(d.Packs)
	r.Action = d.Action
	r.Reserved = d.Reserved
	r.Duplicate = d.Duplicate
	r.EvaluatedAt = utc(d.EvaluatedAt)
	r.Findings = slices.Clone(d.Findings)
	r.Reports = slices.Clone(d.Reports)
	if s.mac == nil || len(s.seen) == 0 {
		return
	}
	// Findings and reports may quote personal values (a screening finding
	// names the customer); hash them there too, longest first.
	var pairs []string
	plains := make([]string, 0, len(s.seen))
	for p := range s.seen {
		if len(p) >= minScrub && quoted(r, p) {
			plains = append(plains, p)
		}
	}
	slices.SortFunc(plains, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, p := range plains {
		pairs = append(pairs, p, s.seen[p])
	}
	if len(pairs) == 0 {
		return
	}
	rep := strings.NewReplacer(pairs...)
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Message = rep.Replace(f.Message)
		if len(f.Values) > 0 {
			vs := make([]rule.Value, len(f.Values))
			for j, v := range f.Values {
				vs[j] = rule.Value{Name: v.Name, Value: rep.Replace(v.Value)}
			}
			f.Values = vs
		}
	}
	for i := range r.Reports {
		rp := &r.Reports[i]
		rp.Key = rep.Replace(rp.Key)
		rp.Total = rep.Replace(rp.Total)
	}
}

// quoted reports whether a finding or report of r holds p.
func quoted(r *Record, p string) bool {
	for i := range r.Findings {
		f := &r.Findings[i]
		if strings.Contains(f.Message, p) {
			return true
		}
		for _, v := range f.Values {
			if strings.Contains(v.Value, p) {
				return true
			}
		}
	}
	for i := range r.Reports {
		if strings.Contains(r.Reports[i].Key, p) || strings.Contains(r.Reports[i].Total, p) {
			return true
		}
	}
	return false
}
