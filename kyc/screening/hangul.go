package screening

import "strings"

// Hangul romanization, written by hand: golang.org/x/text decomposes Hangul
// syllables into jamo (unicode/norm) but has no romanization, and no
// well-kept Go module in the module proxy list does it. The algorithm is
// the arithmetic of the Unicode Hangul block (syllable = 0xAC00 + (initial
// × 21 + vowel) × 28 + final) and the Revised Romanization tables of the
// Korean Ministry of Culture (2000), applied syllable by syllable without
// sound-change rules, as Korean personal names are romanized.

const (
	hangulBase  = 0xAC00
	hangulLast  = 0xD7A3
	hangulVowel = 21
	hangulFinal = 28
)

var rrInitial = [...]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}

var rrVowel = [...]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}

var rrFinal = [...]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}

// twoSyllableSurnames are the Korean surnames of two syllables; a name
// written without spaces is split after them instead of after the first
// syllable.
var twoSyllableSurnames = [...]string{"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "어금", "망절", "장곡"}

func isHangulSyllable(r rune) bool { return r >= hangulBase && r <= hangulLast }

// romanizeSyllable returns the Revised Romanization of one Hangul
// syllable. Initial ㄹ is "r" as RR writes it in names.
func romanizeSyllable(b *strings.Builder, r rune) {
	s := int(r - hangulBase)
	b.WriteString(rrInitial[s/(hangulVowel*hangulFinal)])
	b.WriteString(rrVowel[s%(hangulVowel*hangulFinal)/hangulFinal])
	b.WriteString(rrFinal[s%hangulFinal])
}

// romanizeHangul replaces every run of Hangul syllables in s by its
// romanization. A name that is one run of two to four syllables is read as
// a Korean personal name written without spaces: the surname (one
// syllable, or two for the surnames in twoSyllableSurnames) becomes its own
// word and the given name stays one word, so "김정은" becomes
// "gim jeongeun".
func romanizeHangul(s string) string {
	if !strings.ContainsFunc(s, isHangulSyllable) {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	// Count the Hangul words: only a name written as one Hangul word has
	// its surname split off ("김정은"); in "최 룡해" the writer already did.
	words := 0
	for i := range rs {
		if isHangulSyllable(rs[i]) && (i == 0 || !isHangulSyllable(rs[i-1])) {
			words++
		}
	}
	for i := 0; i < len(rs); {
		if !isHangulSyllable(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isHangulSyllable(rs[j]) {
			j++
		}
		word := rs[i:j]
		split := 0
		if n := len(word); n >= 2 && n <= 4 && words == 1 {
			split = 1
			if n >= 3 {
				for _, sur := range twoSyllableSurnames {
					if string(word[:2]) == sur {
						split = 2
					}
				}
			}
		}
		b.WriteByte(' ')
		for k, r := range word {
			if k == split && split > 0 {
				b.WriteByte(' ')
			}
			if k == 0 && split == 1 {
				// One-vowel surnames are written as people write them:
				// 이 Yi (RR "I"), 오 Oh (RR "O"), 우 Woo.
				switch r {
				case '이':
					b.WriteString("yi")
					continue
				case '오':
					b.WriteString("oh")
					continue
				}
			}
			romanizeSyllable(&b, r)
		}
		b.WriteByte(' ')
		i = j
	}
	return b.String()
}
