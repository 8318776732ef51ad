package screening

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// countryAliases maps the country names of the OFAC and UN lists that CLDR's
// English names do not cover to ISO 3166-1 alpha-2 codes. Keys are in the
// form countryKey returns.
var countryAliases = map[string]string{
	"korea north":                           "KP",
	"korea south":                           "KR",
	"democratic people s republic of korea": "KP",
	"democratic peoples republic of korea":  "KP",
	"cote divoire":                          "CI",
	"lao peoples democratic republic":       "LA",
	"republic of korea":                     "KR",
	"burma":                                 "MM",
	"congo democratic republic of the":      "CD",
	"democratic republic of the congo":      "CD",
	"congo republic of the":                 "CG",
	"republic of the congo":                 "CG",
	"cote d ivoire":                         "CI",
	"bahamas":                               "BS",
	"gambia":                                "GM",
	"man isle of":                           "IM",
	"virgin islands british":                "VG",
	"palestinian":                           "PS",
	"west bank":                             "PS",
	"region gaza":                           "PS",
	"state of palestine":                    "PS",
	"region crimea":                         "UA",
	"region northern mali":                  "ML",
	"region kafia kingi":                    "SD",
	"laos":                                  "LA",
	"lao people s democratic republic":      "LA",
	"russia":                                "RU",
	"russian federation":                    "RU",
	"syria":                                 "SY",
	"syrian arab republic":                  "SY",
	"iran":                                  "IR",
	"iran islamic republic of":              "IR",
	"vietnam":                               "VN",
	"viet nam":                              "VN",
	"czech republic":                        "CZ",
	"turkey":                                "TR",
	"turkiye":                               "TR",
	"united republic of tanzania":           "TZ",
	"bolivia plurinational state of":        "BO",
	"venezuela bolivarian republic of":      "VE",
	"united kingdom of great britain and northern ireland": "GB",
	"united states of america":                             "US",
	"republic of moldova":                                  "MD",
	"north macedonia":                                      "MK",
	"macedonia":                                            "MK",
	"kosovo":                                               "XK",
	"swaziland":                                            "SZ",
	"eswatini":                                             "SZ",
	"micronesia federated states of":                       "FM",
	"libyan arab jamahiriya":                               "LY",
	"sudan republic of":                                    "SD",
	"usa":                                                  "US",
	"us":                                                   "US",
	"uk":                                                   "GB",
}

// countryNames returns the table of countryTable, built once on first use
// and never changed after (like a package-level regexp.MustCompile): CLDR
// lookups for every region take milliseconds, too slow to repeat per load.
var countryNames = sync.OnceValue(countryTable)

// countryTable maps country names to ISO codes: CLDR's English region
// names (golang.org/x/text/language/display) plus countryAliases. It also
// maps the codes themselves.
func countryTable() map[string]string {
	names := display.English.Regions()
	out := make(map[string]string, 600)
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || r.Canonicalize() != r {
				continue
			}
			out[strings.ToLower(code)] = code
			if n := names.Name(r); n != "" {
				if _, dup := out[countryKey(n)]; !dup {
					out[countryKey(n)] = code
				}
			}
		}
	}
	for k, v := range countryAliases {
		out[k] = v
	}
	return out
}

// countryKey folds a country name to lower-case ASCII words: "Côte
// d'Ivoire" → "cote d ivoire". A leading "the" is dropped.
func countryKey(s string) string {
	s = foldName(s)
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			continue
		}
		space = true
	}
	return strings.TrimPrefix(b.String(), "the ")
}

// lookupCountry maps a country name or code to its ISO code, or "".
func lookupCountry(table map[string]string, name string) string {
	k := countryKey(name)
	if k == "" {
		return ""
	}
	if c, ok := table[k]; ok {
		return c
	}
	// "Iran (Islamic Republic of)" → "iran".
	if i := strings.IndexByte(name, '('); i > 0 {
		if c, ok := table[countryKey(name[:i])]; ok {
			return c
		}
	}
	return ""
}
