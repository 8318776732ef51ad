package screening

// variantGroups lists spellings of one name that transliteration produces
// (Arabic, Korean, Russian, Chinese into Latin). The first spelling of each
// group is its canonical form. The table is deliberately small: it covers
// the names where the phonetic key below is not enough (vowel shifts such
// as Mohammed/Muhammad, Korean surnames Lee/Yi/Rhee/Ri). Sources: the
// aliases the OFAC and UN lists give for the same persons, and the Revised
// Romanization and McCune–Reischauer tables for Korean.
var variantGroups = [][]string{
	// Arabic.
	{"muhammad", "mohammed", "mohammad", "muhammed", "mohamed", "mohamad", "muhamad", "mohd", "mohamud", "mohammod", "mahomed", "muhamed", "mouhamed", "mohammed"},
	{"ahmad", "ahmed", "ahmet", "ahmid"},
	{"usama", "osama", "oussama", "usamah", "osamah"},
	{"qadhafi", "qaddafi", "gaddafi", "gadhafi", "kadhafi", "gadafi", "kaddafi", "qathafi", "gheddafi", "kadafi", "qadafi"},
	{"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu"},
	{"abdullah", "abdallah", "abdulla", "abdalla", "abdellah"},
	{"husayn", "hussein", "husain", "hussain", "hosein", "hossein", "husein", "hussien", "houssein"},
	{"hasan", "hassan", "hassen", "hasen"},
	{"yusuf", "yousef", "youssef", "yusef", "yousif", "yosef", "youssouf", "yussuf"},
	{"abu", "abou", "abo"},
	{"umar", "omar", "omer", "umer"},
	{"uthman", "osman", "othman", "usman", "othmane"},
	{"khalid", "khaled", "khalif"},
	{"said", "saeed", "sayed", "sayyid", "syed", "saiyid", "sayid", "sa'id"},
	{"mustafa", "mostafa", "moustafa", "mustapha", "mostapha"},
	{"mahmud", "mahmoud", "mahmood", "mehmood"},
	{"ibrahim", "ebrahim", "ibraheem", "ibrahime"},
	{"ismail", "ismael", "ismayil", "esmail"},
	{"yahya", "yahia", "yehia", "yehya"},
	{"salih", "saleh"},
	{"ladin", "laden"},
	{"qaida", "qaeda", "qaidah", "kaida"},
	{"sharif", "sherif", "shareef"},
	{"abdulrahman", "abdurrahman", "abdelrahman", "abdalrahman"},
	{"jamal", "gamal"},
	{"rahman", "rehman"},
	{"nasrallah", "nasrullah"},
	{"zawahiri", "zawahri"},
	{"tawfiq", "tawfik", "toufic", "tawfeeq"},
	{"faisal", "faysal", "feisal"},
	{"walid", "waleed"},
	{"rashid", "rasheed", "rachid"},
	// Korean surnames and name syllables (RR / McCune–Reischauer /
	// customary spellings).
	{"kim", "gim"},
	{"lee", "yi", "rhee", "ri", "li", "rhie", "rie", "ree", "lie", "yee", "rhi"},
	{"park", "pak", "bak", "bahk", "pag"},
	{"choi", "choe", "chwe", "choy", "chey"},
	{"jeong", "jong", "chong", "chung", "jung", "cheong"},
	{"kang", "gang"},
	{"cho", "jo", "joh"},
	{"yun", "yoon", "youn"},
	{"jang", "chang"},
	{"oh", "o"},
	{"u", "woo", "wu"},
	{"seo", "suh", "so", "seu"},
	{"shin", "sin", "shinn"},
	{"kwon", "gwon"},
	{"ahn", "an"},
	{"ryu", "yu", "yoo", "rhyu", "ryoo", "you"},
	{"jeon", "jon", "chon", "chun", "jun"},
	{"ko", "go", "koh"},
	{"mun", "moon"},
	{"son", "sohn"},
	{"bae", "pae"},
	{"baek", "paek", "baik", "paik"},
	{"heo", "hur", "huh", "ho"},
	{"eun", "un"},
	{"seong", "sung", "song"},
	{"cheol", "chol", "chul"},
	{"hyeon", "hyon", "hyun"},
	{"yeong", "yong", "young"},
	{"gyeong", "kyong", "kyung", "gyong"},
	{"hui", "hee", "hi", "heui"},
	{"myeong", "myong", "myung"},
	{"su", "soo"},
	{"ju", "joo", "chu"},
	{"gu", "ku", "koo"},
	{"jae", "chae", "jai"},
	{"geun", "kun", "keun"},
	{"deok", "tok", "duk", "dok"},
	// Russian and Slavic.
	{"aleksandr", "alexander", "aleksander", "alexandr", "oleksandr", "alexandre", "aliaksandr", "alyaksandr"},
	{"sergei", "sergey", "sergiy", "serhiy", "serguei"},
	{"yevgeny", "evgeny", "yevgeniy", "evgeniy", "evgenii", "yevhen"},
	{"dmitry", "dmitri", "dmitriy", "dmitrii", "dmytro"},
	{"yuri", "yury", "yuriy", "iurii", "yurii"},
	{"andrei", "andrey", "andriy", "andrii"},
	{"aleksei", "alexei", "alexey", "aleksey", "oleksiy"},
	{"nikolai", "nikolay", "mykola"},
	{"mikhail", "michail", "mykhailo"},
	{"maksim", "maxim", "maksym"},
	{"vyacheslav", "viacheslav"},
	{"valery", "valeri", "valeriy", "valerii"},
	{"gennady", "gennadiy", "gennadi", "hennadiy"},
	{"anatoly", "anatoliy", "anatolii"},
	{"vitaly", "vitaliy", "vitalii"},
	{"grigory", "grigoriy", "grigori", "hryhoriy"},
	{"georgy", "georgiy", "georgi", "heorhiy"},
	{"arkady", "arkadiy", "arkadi"},
	{"pyotr", "petr", "petro"},
	{"ilya", "ilia", "illia"},
	// Chinese.
	{"zhang", "cheung"},
	{"chen", "chan"},
	{"zhou", "chou", "chow"},
	{"wang", "wong"},
	{"huang", "hwang"},
	{"xi", "hsi"},
}

// variantTable maps each spelling to the canonical spelling of its group.
// It is built per index (see NewIndex), so the package holds no mutable
// state.
func variantTable() map[string]string {
	m := make(map[string]string, 512)
	for _, g := range variantGroups {
		for _, v := range g {
			if _, dup := m[v]; !dup {
				m[v] = g[0]
			}
		}
	}
	return m
}

// phoneticKey is a sound-alike key for Latin tokens, in the spirit of
// Soundex and Metaphone but tuned to transliterated names: it merges the
// spellings that romanization systems disagree on. Written by hand because
// the Go phonetic libraries implement English Soundex/Metaphone, which
// keep the distinctions that matter here (Korean g/k, j/ch, eo/o/u; Arabic
// q/k, dh/d, doubled consonants) and drop those that do not.
//
// Rules, left to right: ph→f, sch/sh→s, ch/tch/zh→j, ck/q/kh/c(a,o,u)→k,
// c(e,i,y)→s, x→ks, z→s, gh/dh/th/bh → g/d/t/b, then voicing is merged
// (g→k, d→t, b→p, v→f, r→l); vowel pairs eo/eu/oo/ou/ue/oe/o→u, ee/y→i,
// ae/ai/ay/ei/ey→e; h after the first letter is dropped, and doubled
// letters collapse. Tokens with letters outside a–z are returned as they
// are.
func phoneticKey(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return s
		}
	}
	var buf [48]byte
	b := buf[:0]
	n := len(s)
	at := func(i int) byte {
		if i < n {
			return s[i]
		}
		return 0
	}
	emit := func(c byte) {
		if len(b) > 0 && b[len(b)-1] == c {
			return
		}
		b = append(b, c)
	}
	for i := 0; i < n; {
		c, d := s[i], at(i+1)
		switch {
		case c == 'p' && d == 'h':
			emit('f')
			i += 2
		case c == 's' && d == 'c' && at(i+2) == 'h':
			emit('s')
			i += 3
		case c == 't' && d == 'c' && at(i+2) == 'h':
			emit('j')
			i += 3
		case c == 's' && d == 'h':
			emit('s')
			i += 2
		case (c == 'c' || c == 'z') && d == 'h':
			emit('j')
			i += 2
		case c == 'c' && d == 'k':
			emit('k')
			i += 2
		case (c == 'k' || c == 'g' || c == 'd' || c == 't' || c == 'b') && d == 'h':
			emit(voiceless(c))
			i += 2
		case c == 'c':
			if d == 'e' || d == 'i' || d == 'y' {
				emit('s')
			} else {
				emit('k')
			}
			i++
		case c == 'q':
			emit('k')
			i++
		case c == 'x':
			emit('k')
			emit('s')
			i++
		case c == 'z':
			emit('s')
			i++
		case c == 'e' && (d == 'o' || d == 'u'), c == 'o' && (d == 'o' || d == 'u'), c == 'u' && d == 'e':
			emit('u')
			i += 2
		case c == 'o' && d == 'e':
			emit('u')
			i += 2
		case c == 'o':
			emit('u')
			i++
		case c == 'e' && d == 'e':
			emit('i')
			i += 2
		case c == 'y':
			emit('i')
			i++
		case (c == 'a' && (d == 'e' || d == 'i' || d == 'y')) || (c == 'e' && (d == 'i' || d == 'y')):
			emit('e')
			i += 2
		case c == 'h':
			if len(b) == 0 {
				emit('h')
			}
			i++
		default:
			emit(voiceless(c))
			i++
		}
	}
	return string(b)
}

func voiceless(c byte) byte {
	switch c {
	case 'g':
		return 'k'
	case 'd':
		return 't'
	case 'b':
		return 'p'
	case 'v':
		return 'f'
	case 'r':
		return 'l'
	}
	return c
}
