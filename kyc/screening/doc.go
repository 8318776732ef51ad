// Package screening matches names against sanctions and PEP lists: it
// loads the lists from files the host provides, builds an immutable
// in-memory [Index], and scores a [Query] against it with an explanation
// of every score.
//
// # Lists
//
// [LoadOFAC] reads the OFAC SDN legacy CSV files (sdn.csv, alt.csv,
// add.csv), [LoadUN] the UN Security Council consolidated XML, and
// [LoadSenzing] OpenSanctions entities in the Senzing JSON format ([Load]
// reads the OFAC and UN files of a directory of an [io/fs.FS]). Each
// returns plain [Entity] values, or a [*LoadError] naming the file and line
// of the first malformed record and no entities at all. The library never
// downloads a list: refreshing them is the host's job, and [Screener.Swap]
// installs a new index atomically while screenings run.
//
// # Matching
//
// Names are folded with golang.org/x/text (NFKD, removal of combining
// marks, width folding, Unicode case folding), Hangul is romanized
// (Revised Romanization, with the surname split off), and the result is
// split into tokens. Stop words are dropped; particles (al, bin, de),
// patronymics and generic words of organizations (CORP, LIMITED, TRADING,
// CO) weigh little; every other token weighs by its rarity over the
// indexed names (IDF), so that a common given name such as George counts
// less than a surname. Tokens match, independent of order, when they are
// equal, spellings of one name in the transliteration table
// (Mohammed/Muhammad, Kim/Gim, Lee/Yi/Ri), equal under a phonetic key tuned
// to romanization (Jong/Chong/Jeong), one token against two written apart
// (Jongun / Jong Un), or within one edit and a Jaro–Winkler similarity of
// 0.90 (go-edlib). The name score is QueryCoverage^0.6 ×
// CandidateCoverage^0.4, the weighted shares of each side that matched, so
// most of the informative tokens must match on both sides. A date of birth
// or country that agrees adds to a strong name score; one that disagrees
// takes from it. [Options] set the review and block thresholds and an
// allow-list of reviewed false positives.
//
// # Findings
//
// [Findings] turns matches into [rule.Finding] values: a confirmed
// sanctions match blocks, a possible one asks for review, and a PEP match
// asks for review. The engine runs [Screener.Screen] for the customer and
// the counterparty of each transaction; it can also be called on its own.
//
// Package screening is part of kyc and imports only payment and rule from
// this module. It holds no package-level mutable state and reads no clock,
// environment or file on its own.
package screening
