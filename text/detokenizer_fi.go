package text

import "strings"

// Finnish attaches case endings to abbreviations with a colon: "EU:n",
// "EU:ssa", "USA:han". detokenizer.perl joins a word to a preceding word
// that ends in ':' when the word is a case ending, optionally followed by a
// possessive suffix and then a clitic, and lowercases it.

var (
	fiCases = strings.Fields(`N n A a Ä ä ssa Ssa ssä Ssä sta stä Sta Stä hun Hun hyn Hyn
		han Han hän Hän hön Hön un Un yn Yn an An än Än ön Ön seen Seen lla Lla llä Llä
		lta Lta ltä Ltä lle Lle ksi Ksi kse Kse tta Tta ine Ine`)
	fiPossessives = strings.Fields("ni si mme nne nsa")
	fiClitics     = strings.Fields("ko kö han hän pa pä kaan kään kin")
)

// isFinnishCaseEnding reports whether w is case (possessive)? (clitic)?.
func isFinnishCaseEnding(w string) bool {
	for _, c := range fiCases {
		rest, ok := strings.CutPrefix(w, c)
		if !ok {
			continue
		}
		if isClitic(rest) {
			return true
		}
		for _, p := range fiPossessives {
			if r, ok := strings.CutPrefix(rest, p); ok && isClitic(r) {
				return true
			}
		}
	}
	return false
}

// isClitic reports whether s is empty or one clitic.
func isClitic(s string) bool {
	if s == "" {
		return true
	}
	for _, c := range fiClitics {
		if s == c {
			return true
		}
	}
	return false
}
