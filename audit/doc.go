// Package audit is the tamper-evident decision log of comply: an
// append-only log in JSON lines where every record holds one decision with
// its inputs (the transaction, the pack editions, the findings and report
// duties) and the SHA-256 hash of the record before it. [Verify] finds any
// edited, deleted, inserted or reordered record, and, given the log's
// [Head], any record cut off the end, and names the first bad one.
//
//	sink, err := audit.OpenFile("decisions.jsonl", nil)   // fsync on every append
//	log, err := audit.New(sink, &audit.Options{Key: hostKey})
//	eng, err := comply.New(&comply.Options{Packs: ..., Hooks: []comply.Hook{log.Hook()}})
//	...
//	res, err := audit.Verify(f, &audit.VerifyOptions{Head: &head})
//
// # Records and the chain
//
// Record n (Seq n, from 1) holds Prev, the Hash of record n-1, or
// [Genesis] (64 zeros) for record 1. Its Hash is the lower-case hex
// SHA-256 of its canonical encoding, and its line in the log is that
// encoding with ,"hash":"<Hash>" inserted before the closing brace,
// followed by a newline.
//
// The canonical encoding is the JSON that encoding/json writes for the
// record without its Hash field: the fields in the order of the [Record]
// struct (seq, time, prev, pii, key_id, tx, packs, action, findings,
// reports, reserved, duplicate, evaluated_at), without HTML escaping, no
// spaces, no trailing newline. It is stable under a JSON round trip, which
// Verify relies on: amounts are decimal strings (payment.Money), times are
// RFC 3339 with nanoseconds in UTC, enums are their names, and no field is
// a float or a map. A line that parses but is not exactly the canonical
// encoding of what it holds (extra spaces, reordered keys, "stepup" for
// "step_up") counts as Edited, so the bytes of the log are what the hashes
// cover.
//
// A hash chain shows that records were changed after they were written; it
// cannot stop someone who can write the log from rewriting it from some
// record on, hashes included, or from cutting records off its end. Keep
// the head (Seq and Hash of the last record) somewhere else as well — the
// head file is a start; a copy in another system, or published
// periodically, is better — and verify against it.
//
// # Personal data
//
// By default personal data are stored as keyed hashes,
// "hmac-sha256:" followed by the hex HMAC-SHA256 of the value under the
// host's key ([Options].Key), so that the log can be kept and shown to an
// auditor without the names behind it, while the same value still hashes
// the same and a customer can be followed across records. [Record].KeyID
// names the key, so keys can rotate. [Options].Plain stores them as given.
// The personal fields are:
//
//   - customer and counterparty: id, name, birth date, account (bank
//     account, wallet or phone number);
//   - device: id and IP address;
//   - crypto: the wallet address, and the travel-rule originator and
//     beneficiary names and accounts.
//
// Kept plain, because they identify nobody on their own and the decision
// needs them: the transaction id, times, countries, channel, direction,
// funding, amount, KYC tier, verifications, risk rating, PEP flag,
// merchant (a business), first-seen times and the crypto network, asset,
// asset amount and wallet kind. Findings and reports may quote personal
// values (a screening finding names the customer): every occurrence there
// of a hashed value of at least 3 bytes is replaced by its hash.
//
// # Sinks
//
// A [Sink] stores the lines: [FileSink] appends to a file, with a fixed
// size head file beside it and an fsync policy ([SyncAlways],
// [SyncInterval], [SyncNever]); reopening a file continues its chain.
// Package audit/pgsink stores them in PostgreSQL, where appends from many
// processes serialise on a head row so that the chain stays linear.
//
// # Concurrency
//
// A [Log] and a [FileSink] are safe for concurrent use by multiple
// goroutines; appends are serialised. [Verify] is a pure function of its
// input.
package audit
