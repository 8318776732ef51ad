package pgstore

import "strings"

// Entry states as stored: the values of store.EntryState.
const (
	statePending   = 1
	stateCommitted = 2
	stateVoided    = 3
)

// queries holds every SQL statement with the schema filled in. The texts
// are constant per store, so pgx prepares each once per connection.
type queries struct {
	migrate []string

	lock, subject, dup, rolling, period, balance string
	insert, upsertSubject                        string
	prune, setCut                                string
	settle                                       string
	aggWindow, aggEntry                          string
}

// live is true for an entry that counts: committed, or pending and not
// expired by the server's clock.
const live = "(state = 2 OR state = 1 AND (expires IS NULL OR expires > now()))"

// stateNow is the entry's state with an expired pending entry read as
// voided.
const stateNow = "CASE WHEN state = 1 AND expires <= now() THEN 3 ELSE state END"

// classIn is true when the row's class is in the bit mask $n.
func classIn(n string) string { return "((" + n + "::bigint >> class) & 1) = 1" }

func newQueries(schema string) queries {
	r := strings.NewReplacer("{S}", schema)
	q := queries{
		migrate: []string{
			"CREATE SCHEMA IF NOT EXISTS {S}",
			`CREATE TABLE IF NOT EXISTS {S}.entries (
				subject      text        NOT NULL,
				tx_id        text        NOT NULL,
				t            timestamptz NOT NULL,
				seq          bigint      GENERATED ALWAYS AS IDENTITY,
				class        smallint    NOT NULL CHECK (class >= 0 AND class < 64),
				state        smallint    NOT NULL CHECK (state BETWEEN 1 AND 3),
				amount       numeric     NOT NULL CHECK (amount > 0),
				counterparty text        NOT NULL DEFAULT '',
				expires      timestamptz,
				PRIMARY KEY (subject, tx_id))`,
			"CREATE INDEX IF NOT EXISTS entries_subject_t ON {S}.entries (subject, t)",
			`CREATE TABLE IF NOT EXISTS {S}.subjects (
				subject  text        PRIMARY KEY,
				currency text        NOT NULL,
				newest   timestamptz NOT NULL,
				oldest   timestamptz NOT NULL,
				cut      timestamptz)`,
			`CREATE TABLE IF NOT EXISTS {S}.archived (
				subject     text     NOT NULL,
				class       smallint NOT NULL,
				pending     numeric  NOT NULL,
				pending_n   bigint   NOT NULL,
				committed   numeric  NOT NULL,
				committed_n bigint   NOT NULL,
				PRIMARY KEY (subject, class))`,
		},
		lock:    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
		subject: "SELECT currency, newest, oldest, cut FROM {S}.subjects WHERE subject = $1",
		dup:     "SELECT " + stateNow + " FROM {S}.entries WHERE subject = $1 AND tx_id = $2",
		// The largest total and the largest count over the rolling windows
		// (s−W, s] for s = $5 and s = each later entry before $5+W, of the
		// entries in [$2, $3] counted by mask $4; $6 is W minus one
		// microsecond, in microseconds. A zero-amount row at $5 makes the
		// window ending there one of them; RANGE counts every entry dated
		// at a window's end.
		rolling: `SELECT coalesce(max(s), 0)::text, coalesce(max(n), 0) FROM (
				SELECT t, sum(amount) OVER w AS s, count(*) FILTER (WHERE counted) OVER w AS n FROM (
					SELECT t, amount, true AS counted FROM {S}.entries
						WHERE subject = $1 AND t >= $2 AND t <= $3 AND ` + live + " AND " + classIn("$4") + `
					UNION ALL SELECT $5::timestamptz, 0, false) x
				WINDOW w AS (ORDER BY t RANGE BETWEEN $6::bigint * interval '1 microsecond' PRECEDING AND CURRENT ROW)) y
			WHERE t >= $5`,
		// Total of the entries in [$2, $3) counted by mask $4.
		period: "SELECT coalesce(sum(amount), 0)::text, count(*) FROM {S}.entries WHERE subject = $1 AND t >= $2 AND t < $3 AND " + live + " AND " +
			classIn("$4"),
		// Balance: credits ($2) pending or committed, minus committed
		// debits ($3), over the retained entries and the archived totals of
		// the pruned ones; and the number of credits.
		balance: `SELECT (coalesce(e.s, 0) + coalesce(a.s, 0))::text, coalesce(e.n, 0) + coalesce(a.n, 0) FROM
			(SELECT sum(CASE WHEN cr THEN amount ELSE 0 END) - sum(CASE WHEN db AND state = 2 THEN amount ELSE 0 END) AS s,
				count(*) FILTER (WHERE cr) AS n
			FROM (SELECT amount, state, ((($2::bigint >> class) & 1) = 1) AS cr, ((($3::bigint >> class) & 1) = 1) AS db
				FROM {S}.entries WHERE subject = $1 AND ` + live + ` AND (((($2::bigint | $3::bigint) >> class) & 1) = 1)) x) e,
			(SELECT sum(CASE WHEN ((($2::bigint >> class) & 1) = 1) THEN pending + committed ELSE 0 END)
				- sum(CASE WHEN ((($3::bigint >> class) & 1) = 1) THEN committed ELSE 0 END) AS s,
				sum(CASE WHEN ((($2::bigint >> class) & 1) = 1) THEN pending_n + committed_n ELSE 0 END)::bigint AS n
			FROM {S}.archived WHERE subject = $1) a`,
		// $7 is the pending TTL in microseconds, NULL for none.
		insert: `INSERT INTO {S}.entries (subject, tx_id, t, class, state, amount, counterparty, expires)
			VALUES ($1, $2, $3, $4, 1, ($5::text)::numeric, $6, now() + $7::bigint * interval '1 microsecond')`,
		upsertSubject: `INSERT INTO {S}.subjects AS s (subject, currency, newest, oldest) VALUES ($1, $2, $3, $3)
			ON CONFLICT (subject) DO UPDATE SET newest = greatest(s.newest, excluded.newest), oldest = least(s.oldest, excluded.oldest)`,
		// Deletes the entries before $2, adding the pending and committed
		// ones to the archived totals that balances read.
		prune: `WITH del AS (DELETE FROM {S}.entries WHERE subject = $1 AND t < $2 RETURNING class, state, amount, expires),
			agg AS (SELECT class, coalesce(sum(amount) FILTER (WHERE state = 1), 0) AS p, count(*) FILTER (WHERE state = 1) AS pn,
				coalesce(sum(amount) FILTER (WHERE state = 2), 0) AS c, count(*) FILTER (WHERE state = 2) AS cn
				FROM del WHERE ` + live + ` GROUP BY class)
			INSERT INTO {S}.archived AS a (subject, class, pending, pending_n, committed, committed_n)
			SELECT $1, class, p, pn, c, cn FROM agg
			ON CONFLICT (subject, class) DO UPDATE SET pending = a.pending + excluded.pending,
				pending_n = a.pending_n + excluded.pending_n, committed = a.committed + excluded.committed,
				committed_n = a.committed_n + excluded.committed_n`,
		setCut: "UPDATE {S}.subjects SET cut = $2, oldest = $2 WHERE subject = $1",
		// Moves a pending entry to state $3 (an expired one to voided);
		// returns the state before and whether it had expired.
		settle: `WITH cur AS (SELECT state, coalesce(state = 1 AND expires <= now(), false) AS expired
				FROM {S}.entries WHERE subject = $1 AND tx_id = $2),
			u AS (UPDATE {S}.entries e SET state = CASE WHEN cur.expired THEN 3 ELSE $3::smallint END FROM cur
				WHERE e.subject = $1 AND e.tx_id = $2 AND cur.state = 1)
			SELECT state, expired FROM cur`,
		// Aggregate of the entries in [$2, $3] counted by mask $4, except tx $5.
		aggWindow: `SELECT coalesce(sum(amount), 0)::text, coalesce(sum(amount * amount), 0)::text, count(*),
			count(DISTINCT nullif(counterparty, '')), max(t), (array_agg(amount::text ORDER BY t DESC, seq DESC))[1]
			FROM {S}.entries WHERE subject = $1 AND t >= $2 AND t <= $3 AND ` + live + " AND " + classIn("$4") + " AND tx_id <> $5",
		aggEntry: "SELECT class, " + stateNow + ", amount::text FROM {S}.entries WHERE subject = $1 AND tx_id = $2",
	}
	for i, s := range q.migrate {
		q.migrate[i] = r.Replace(s)
	}
	for _, p := range []*string{&q.subject, &q.dup, &q.rolling, &q.period, &q.balance, &q.insert, &q.upsertSubject,
		&q.prune, &q.setCut, &q.settle, &q.aggWindow, &q.aggEntry} {
		*p = r.Replace(*p)
	}
	return q
}
