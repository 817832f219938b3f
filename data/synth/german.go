package synth

import "strings"

// German cases.
type gcase int

const (
	nom gcase = iota
	acc
	dat
)

var defArticle = [3][4]string{ // case x (m, f, n, pl)
	{"der", "die", "das", "die"},
	{"den", "die", "das", "die"},
	{"dem", "der", "dem", "den"},
}

var einEnding = [3][4]string{
	{"", "e", "", "e"},
	{"en", "e", "", "e"},
	{"em", "er", "em", "en"},
}

var weakAdj = [3][4]string{
	{"e", "e", "e", "en"},
	{"en", "e", "e", "en"},
	{"en", "en", "en", "en"},
}

var mixedAdj = [3][4]string{
	{"er", "e", "es", "en"},
	{"en", "e", "es", "en"},
	{"en", "en", "en", "en"},
}

var strongPlAdj = [3]string{"e", "e", "en"}

func col(np NP) int {
	if np.Plural {
		return 3
	}
	return int(np.N.G)
}

// inflect adds an ending to an adjective stem (müde + e = müde).
func inflect(stem, ending string) string {
	if strings.HasSuffix(stem, "e") && strings.HasPrefix(ending, "e") {
		return stem + ending[1:]
	}
	return stem + ending
}

// deNP renders a noun phrase in case c; kein makes an indefinite or bare
// phrase negative.
func deNP(np NP, c gcase, kein bool) string {
	if np.Pron != nil {
		return np.Pron.De
	}
	if np.Name != "" {
		return np.Name
	}
	k := col(np)
	var det, adj string
	switch {
	case np.Det == Def:
		det = defArticle[c][k]
		if np.Adj != nil {
			adj = inflect(np.Adj.De, weakAdj[c][k])
		}
	case np.Det == Num:
		det = numbers[np.Num].De
		if np.Adj != nil {
			adj = inflect(np.Adj.De, strongPlAdj[c])
		}
	case np.Det == Bare && !kein:
		if np.Adj != nil {
			adj = inflect(np.Adj.De, strongPlAdj[c])
		}
	default: // ein, kein, possessives
		stem := "ein"
		switch {
		case kein:
			stem = "kein"
		case np.Det == Poss:
			stem = possessives[np.Poss].De
		}
		det = stem + einEnding[c][k]
		if np.Adj != nil {
			adj = inflect(np.Adj.De, mixedAdj[c][k])
		}
	}
	noun := np.N.De
	switch {
	case np.Plural:
		noun = np.N.DePl
		if c == dat && !strings.HasSuffix(noun, "n") && !strings.HasSuffix(noun, "s") {
			noun += "n"
		}
	case c != nom && np.N.Weak != "":
		noun = np.N.Weak
	}
	return join(det, adj, noun)
}

// dePP renders "in"/"mit" + NP with the contractions im, ins.
func dePP(prep string, np NP, c gcase) string {
	s := deNP(np, c, false)
	if prep == "in" && np.Det == Def && !np.Plural {
		switch {
		case c == dat && np.N.G != Fem:
			return "im" + strings.TrimPrefix(s, "dem")
		case c == acc && np.N.G == Neut:
			return "ins" + strings.TrimPrefix(s, "das")
		}
	}
	return prep + " " + s
}

func join(parts ...string) string {
	var b []string
	for _, p := range parts {
		if p != "" {
			b = append(b, p)
		}
	}
	return strings.Join(b, " ")
}

// presentForm conjugates a verb stem for slot (ich du er wir ihr sie).
func presentForm(v *Verb, slot int) string {
	st := v.Stem
	tE := strings.HasSuffix(st, "t") || strings.HasSuffix(st, "d")
	switch slot {
	case 0:
		return st + "e"
	case 1:
		if v.Du != "" {
			return v.Du
		}
		if tE {
			return st + "est"
		}
		if strings.HasSuffix(st, "s") || strings.HasSuffix(st, "ß") || strings.HasSuffix(st, "z") {
			return st + "t"
		}
		return st + "st"
	case 2, 4:
		if slot == 2 && v.Er != "" {
			return v.Er
		}
		if tE {
			return st + "et"
		}
		return st + "t"
	}
	return strings.TrimPrefix(v.Inf, v.Prefix)
}

var haben = [6]string{"habe", "hast", "hat", "haben", "habt", "haben"}
var sein = [6]string{"bin", "bist", "ist", "sind", "seid", "sind"}

// deVerb returns the finite verb and the verb-final part of c.
func deVerb(c Clause) (finite, final string) {
	slot := c.Subj.slot()
	switch c.Tense {
	case Perfect, Past:
		if c.V.Sein {
			return sein[slot], c.V.Part
		}
		return haben[slot], c.V.Part
	case WithModal:
		return modals[c.Modal].De[slot], c.V.Inf
	}
	return presentForm(c.V, slot), c.V.Prefix
}

// keinObject reports whether negation shows as "kein" on the object.
func keinObject(c Clause) bool {
	return c.Neg && c.Obj != nil && (c.Obj.Det == Indef || c.Obj.Det == Bare)
}

// deMiddle is the middle field: adverb (unless fronted), objects,
// nicht, with-phrase, place.
func deMiddle(c Clause, skip Ask) []string {
	var m []string
	if c.Adv != nil && !c.Front {
		m = append(m, c.Adv.De)
	}
	if c.IObj != nil && skip != AskDat {
		m = append(m, deNP(*c.IObj, dat, false))
	}
	if c.Obj != nil && skip != AskObj {
		m = append(m, deNP(*c.Obj, acc, keinObject(c)))
	}
	if c.Neg && !keinObject(c) {
		m = append(m, "nicht")
	}
	if c.With != nil {
		m = append(m, dePP("mit", *c.With, dat))
	}
	if c.Place != nil && skip != AskPlace {
		if c.V.Frame == Motion {
			m = append(m, dePP("in", *c.Place, acc))
		} else {
			m = append(m, dePP("in", *c.Place, dat))
		}
	}
	return m
}

// deMain renders a main clause with the verb second (or first when
// verbFirst: questions, and after a fronted subordinate clause).
func deMain(c Clause, verbFirst bool) string {
	finite, final := deVerb(c)
	subj := deNP(c.Subj, nom, false)
	var w []string
	switch {
	case verbFirst:
		w = append(w, finite, subj)
	case c.Adv != nil && c.Front:
		w = append(w, c.Adv.De, finite, subj)
	default:
		w = append(w, subj, finite)
	}
	w = append(w, deMiddle(c, -1)...)
	w = append(w, final)
	return join(w...)
}

// deSub renders a subordinate clause: the finite verb last, a separable
// prefix joined to it (anruft), an infinitive or participle before it.
func deSub(conj string, c Clause) string {
	finite, final := deVerb(c)
	w := []string{conj, deNP(c.Subj, nom, false)}
	c.Front = false
	w = append(w, deMiddle(c, -1)...)
	if c.Tense == Present && c.V.Prefix != "" {
		w = append(w, c.V.Prefix+finite)
	} else {
		w = append(w, final, finite)
	}
	return join(w...)
}

// deQuestion renders a question.
func deQuestion(c Clause, ask Ask) string {
	finite, final := deVerb(c)
	c.Front = false
	var w []string
	switch ask {
	case AskYesNo:
		return deMain(c, true)
	case AskSubj:
		w = append(w, "wer", finite)
	case AskObj:
		wh := "was"
		if c.Obj.N != nil && c.Obj.N.Class&Human != 0 {
			wh = "wen"
		}
		w = append(w, wh, finite, deNP(c.Subj, nom, false))
	case AskDat:
		w = append(w, "wem", finite, deNP(c.Subj, nom, false))
	case AskPlace:
		wh := "wo"
		if c.V.Frame == Motion {
			wh = "wohin"
		}
		w = append(w, wh, finite, deNP(c.Subj, nom, false))
	}
	w = append(w, deMiddle(c, ask)...)
	w = append(w, final)
	return join(w...)
}
