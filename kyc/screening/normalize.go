package screening

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// tokenClass says how much a token says about who a name is.
type tokenClass uint8

const (
	classNormal     tokenClass = iota
	classParticle              // al, bin, de, van: part of a name, says little
	classGeneric               // corp, limited, trading: legal form or trade
	classInitial               // a single letter
	classPatronymic            // -ovich, -evna: often left out
)

var classNames = [...]string{"name", "particle", "generic", "initial", "patronymic"}

func (c tokenClass) String() string { return classNames[c] }

// low reports the classes that weigh little.
func (c tokenClass) low() bool { return c == classParticle || c == classGeneric || c == classInitial }

// weight multiplies a token's rarity (IDF) by its class.
func (c tokenClass) weight() float32 {
	switch c {
	case classParticle:
		return 0.25
	case classGeneric:
		return 0.08
	case classPatronymic:
		return 0.35
	}
	return 1
}

// stopWords are dropped from names before matching.
var stopWords = map[string]bool{
	"the": true, "of": true, "and": true, "for": true, "an": true, "to": true,
	"in": true, "on": true, "at": true, "by": true, "with": true, "und": true, "et": true,
}

// particles are name particles: kept, but weigh little.
var particles = map[string]bool{
	"al": true, "el": true, "ul": true, "bin": true, "ibn": true, "ben": true, "bint": true, "bn": true,
	"de": true, "del": true, "della": true, "di": true, "da": true, "das": true, "dos": true, "do": true,
	"du": true, "la": true, "le": true, "los": true, "las": true, "van": true, "von": true, "der": true,
	"den": true, "y": true, "e": true,
}

// genericWords are legal forms and trade words that say little about which
// organization a name is ("the generic words CORP, LIMITED, TRADING, CO
// weigh little").
var genericWords = map[string]bool{
	"co": true, "company": true, "companies": true, "corp": true, "corporation": true, "inc": true,
	"incorporated": true, "ltd": true, "limited": true, "llc": true, "llp": true, "lp": true,
	"plc": true, "pte": true, "pvt": true, "gmbh": true, "ag": true, "kg": true, "sa": true,
	"sas": true, "sarl": true, "srl": true, "spa": true, "bv": true, "nv": true, "ab": true,
	"as": true, "oy": true, "se": true, "sl": true, "sau": true, "cv": true, "sde": true, "rl": true,
	"ltda": true, "cia": true, "sociedad": true, "anonima": true, "ooo": true, "oao": true,
	"zao": true, "pao": true, "ojsc": true, "cjsc": true, "jsc": true, "pjsc": true, "tov": true,
	"fze": true, "fzco": true, "fzc": true, "fz": true, "lc": true, "est": true,
	"establishment": true, "trading": true, "trade": true, "traders": true, "group": true,
	"holding": true, "holdings": true, "international": true, "intl": true, "industries": true,
	"industrial": true, "industry": true, "enterprise": true, "enterprises": true, "services": true,
	"service": true, "general": true, "import": true, "export": true, "imp": true, "exp": true,
	"commercial": true, "commerce": true, "bank": true, "banking": true, "investment": true,
	"investments": true, "development": true, "partners": true, "association": true,
	"organization": true, "organisation": true, "foundation": true, "institute": true, "center": true,
	"centre": true, "office": true, "agency": true, "firm": true, "shipping": true, "logistics": true,
	"marine": true, "maritime": true, "global": true, "worldwide": true, "national": true,
	"united": true, "new": true,
}

// normalizer folds names to lower-case, unaccented, half-width text with
// golang.org/x/text: NFKD, removal of combining marks (Mn), width folding,
// Unicode case folding, NFC. A normalizer is not safe for concurrent use.
type normalizer struct {
	t transform.Transformer
}

func newNormalizer() *normalizer {
	return &normalizer{t: transform.Chain(
		norm.NFKD,
		runes.Remove(runes.In(unicode.Mn)),
		runes.Remove(runes.Predicate(isJoiner)),
		runes.Map(foldLetter),
		width.Fold,
		cases.Fold(),
		norm.NFC,
	)}
}

// foldLetter maps the Latin letters that have no decomposition to their
// base letters (ø, đ, ł, ı, ð); the ligatures æ, œ, þ and ß become two
// letters in fold2 below.
func foldLetter(r rune) rune {
	switch r {
	case 'ø', 'Ø':
		return 'o'
	case 'đ', 'Đ', 'ð', 'Ð':
		return 'd'
	case 'ł', 'Ł':
		return 'l'
	case 'ı':
		return 'i'
	case 'ħ', 'Ħ':
		return 'h'
	}
	return r
}

// isJoiner reports apostrophes and periods, which are removed so that the
// letters around them join: O'Brien → obrien, U.S.A. → usa.
func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', '.':
		return true
	}
	return false
}

var fold2 = strings.NewReplacer("æ", "ae", "œ", "oe", "þ", "th")

func (n *normalizer) fold(s string) string {
	s = romanizeHangul(s)
	n.t.Reset()
	out, _, err := transform.String(n.t, s)
	if err != nil {
		out = strings.ToLower(s)
	}
	return fold2.Replace(out)
}

// foldName folds s with a normalizer of its own.
func foldName(s string) string { return newNormalizer().fold(s) }

// token is one word of a normalized name.
type token struct {
	text  string
	class tokenClass
}

// tokenize folds a name and splits it into words at every rune that is
// not a letter or a digit, dropping stop words.
func (n *normalizer) tokenize(name string) []token {
	f := n.fold(name)
	var out []token
	for _, w := range strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if stopWords[w] {
			continue
		}
		out = append(out, token{text: w, class: classify(w)})
	}
	return out
}

func classify(w string) tokenClass {
	switch {
	case utf8.RuneCountInString(w) == 1:
		return classInitial
	case particles[w]:
		return classParticle
	case genericWords[w]:
		return classGeneric
	case len(w) > 7 && (strings.HasSuffix(w, "ovich") || strings.HasSuffix(w, "evich") ||
		strings.HasSuffix(w, "ovna") || strings.HasSuffix(w, "evna") || strings.HasSuffix(w, "ogly") || strings.HasSuffix(w, "kyzy")):
		return classPatronymic
	}
	return classNormal
}
