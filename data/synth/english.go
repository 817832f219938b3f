package synth

import "strings"

// enNP renders a noun phrase; neg is set in a negated clause whose German
// object takes kein (English: "a" in the singular, "any" in the plural).
func enNP(np NP, neg bool) string {
	if np.Pron != nil {
		return np.Pron.En
	}
	if np.Name != "" {
		return np.Name
	}
	noun := np.N.En
	if np.Plural {
		noun = np.N.EnPl
	}
	adj := ""
	if np.Adj != nil {
		adj = np.Adj.En
	}
	det := ""
	switch np.Det {
	case Def:
		det = "the"
	case Indef:
		det = "a"
		if vowel(join(adj, noun)) {
			det = "an"
		}
	case Poss:
		det = possessives[np.Poss].En
	case Num:
		det = numbers[np.Num].En
	case Bare:
		if neg {
			det = "any"
		}
	}
	return join(det, adj, noun)
}

func vowel(s string) bool { return s != "" && strings.ContainsRune("aeiou", rune(s[0])) }

// third reports whether the subject takes an English third-person -s.
func third(c Clause) bool { return c.Subj.slot() == 2 }

// enVerbs returns the English verb group of c: the auxiliary (or the
// finite verb when there is none) and the rest, for declaratives.
// do-support is used for negation and, by enQuestion, for questions.
func enVerbs(c Clause, question bool) (aux, rest string) {
	v := c.V
	s3 := third(c)
	be := "have"
	if s3 {
		be = "has"
	}
	do := "do"
	if s3 {
		do = "does"
	}
	switch c.Tense {
	case Perfect:
		if c.Neg {
			return be, "not " + v.EnPP
		}
		return be, v.EnPP
	case Past:
		if c.Neg {
			return "did", "not " + v.En
		}
		if question {
			return "did", v.En
		}
		return "", v.EnPast
	case WithModal:
		m := modals[c.Modal]
		switch {
		case c.Modal == 1: // want to
			want := "want"
			if s3 {
				want = "wants"
			}
			if c.Neg || question {
				neg := ""
				if c.Neg {
					neg = "not "
				}
				return do, neg + "want to " + v.En
			}
			return "", want + " to " + v.En
		case c.Modal == 2 && c.Neg: // muss nicht: does not have to
			return do, "not have to " + v.En
		case c.Neg:
			return m.EnNeg, v.En
		}
		return m.En, v.En
	}
	if c.Neg {
		return do, "not " + v.En
	}
	if question {
		return do, v.En
	}
	if s3 {
		return "", v.En3
	}
	return "", v.En
}

// enRest is everything after the verb: particle, objects, phrases.
func enRest(c Clause, skip Ask) []string {
	var w []string
	if c.V.EnTail != "" {
		w = append(w, c.V.EnTail)
	}
	if c.IObj != nil && skip != AskDat {
		w = append(w, enNP(*c.IObj, false))
	}
	if c.Obj != nil && skip != AskObj {
		w = append(w, enNP(*c.Obj, keinObject(c)))
	}
	if c.With != nil {
		w = append(w, "with "+enNP(*c.With, false))
	}
	if c.Place != nil && skip != AskPlace {
		if c.V.Frame == Motion {
			w = append(w, "to "+enNP(*c.Place, false))
		} else {
			w = append(w, "in "+enNP(*c.Place, false))
		}
	}
	return w
}

// enVP joins verb group and adverb: frequency adverbs go after the
// auxiliary or before a lone verb.
func enVP(c Clause, aux, rest string) []string {
	freq := c.Adv != nil && c.Adv.Freq
	switch {
	case freq && aux != "":
		return []string{aux, c.Adv.En, rest}
	case freq:
		return []string{c.Adv.En, rest}
	}
	return []string{aux, rest}
}

// enClause renders a declarative clause (main or subordinate).
func enClause(c Clause) string {
	aux, rest := enVerbs(c, false)
	var w []string
	timeAdv := c.Adv != nil && !c.Adv.Freq
	if timeAdv && c.Front {
		w = append(w, c.Adv.En)
	}
	w = append(w, enNP(c.Subj, false))
	w = append(w, enVP(c, aux, rest)...)
	w = append(w, enRest(c, -1)...)
	if timeAdv && !c.Front {
		w = append(w, c.Adv.En)
	}
	return join(w...)
}

// enQuestion renders a question.
func enQuestion(c Clause, ask Ask) string {
	if ask == AskSubj {
		c.Front = false
		return join("who", strings.TrimPrefix(enClause(c), enNP(c.Subj, false)+" "))
	}
	aux, rest := enVerbs(c, true)
	var w []string
	switch ask {
	case AskObj:
		wh := "what"
		if c.Obj.N != nil && c.Obj.N.Class&Human != 0 {
			wh = "who"
		}
		w = append(w, wh)
	case AskDat:
		w = append(w, "who")
	case AskPlace:
		w = append(w, "where")
	}
	if aux == "" { // "want to" questions use do
		aux = "do"
	}
	w = append(w, aux, enNP(c.Subj, false))
	vp := enVP(c, "", rest)
	w = append(w, vp...)
	w = append(w, enRest(c, ask)...)
	if c.Adv != nil && !c.Adv.Freq {
		w = append(w, c.Adv.En)
	}
	return join(w...)
}
