package synth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// rng is SplitMix64, so a seed gives the same corpus on every platform
// and Go version.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int        { return int(r.next() % uint64(n)) }
func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

// Generator makes random sentence pairs from the grammar.
type Generator struct{ r rng }

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed int64) *Generator { return &Generator{rng{uint64(seed)}} }

func (g *Generator) noun(of Class) *Noun {
	for {
		n := &nouns[g.r.intn(len(nouns))]
		if n.Class&of != 0 {
			return n
		}
	}
}

func (g *Generator) adj(n *Noun) *Adj {
	for {
		a := &adjectives[g.r.intn(len(adjectives))]
		if a.Of&n.Class != 0 {
			return a
		}
	}
}

// np makes a noun phrase of class of; places are singular and definite
// or possessive.
func (g *Generator) np(of Class) NP {
	np := NP{N: g.noun(of)}
	if np.N.Class&Place != 0 {
		np.Det = Def
		if g.r.chance(0.2) {
			np.Det, np.Poss = Poss, g.r.intn(len(possessives))
		}
	} else {
		switch x := g.r.intn(10); {
		case x < 4:
			np.Det = Def
		case x < 6:
			np.Det = Indef
		case x < 7:
			np.Det, np.Poss = Poss, g.r.intn(len(possessives))
		case x < 8:
			np.Det, np.Num, np.Plural = Num, g.r.intn(len(numbers)), true
		case x < 9:
			np.Det, np.Plural = Bare, true
		default:
			np.Det, np.Plural = Def, true
		}
	}
	if g.r.chance(0.3) {
		np.Adj = g.adj(np.N)
	}
	return np
}

func (g *Generator) subject(of Class) NP {
	switch x := g.r.intn(10); {
	case x < 3 && of&Human != 0:
		return NP{Pron: &pronouns[g.r.intn(len(pronouns))]}
	case x < 4 && of&Human != 0:
		return NP{Name: names[g.r.intn(len(names))]}
	}
	return g.np(of)
}

// clause makes a random clause.
func (g *Generator) clause() Clause {
	c := Clause{V: &verbs[g.r.intn(len(verbs))]}
	c.Subj = g.subject(c.V.Subj)
	switch c.V.Frame {
	case Acc:
		o := g.np(c.V.Obj)
		c.Obj = &o
	case Dat:
		o := g.np(c.V.IObj)
		c.IObj = &o
	case DatAcc:
		i, o := g.np(c.V.IObj), g.np(c.V.Obj)
		c.IObj, c.Obj = &i, &o
	case Motion:
		p := g.np(Place)
		c.Place = &p
	case Intrans:
		switch x := g.r.intn(3); {
		case x == 0:
			p := g.np(Place)
			c.Place = &p
		case x == 1 && c.Subj.Pron == nil:
			w := g.np(Human | Animal)
			c.With = &w
		}
	}
	switch x := g.r.intn(10); {
	case x < 5:
		c.Tense = Present
	case x < 7:
		c.Tense = Perfect
	case x < 8:
		c.Tense = Past
	default:
		c.Tense, c.Modal = WithModal, g.r.intn(len(modals))
	}
	c.Neg = g.r.chance(0.2)
	if g.r.chance(0.3) || c.Tense == Past {
		for {
			a := &adverbs[g.r.intn(len(adverbs))]
			if a.Past != (c.Tense == Past) || (a.Freq && c.Neg) {
				continue
			}
			c.Adv = a
			break
		}
		c.Front = g.r.chance(0.5)
	}
	return c
}

// Pair is one generated sentence pair.
type Pair struct{ De, En string }

// Sentence makes one random sentence pair.
func (g *Generator) Sentence() Pair {
	switch x := g.r.intn(20); {
	case x < 8:
		c := g.clause()
		return finish(deMain(c, false), enClause(c), ".")
	case x < 10:
		c := g.clause()
		c.Neg, c.Front = false, false
		return finish(deQuestion(c, AskYesNo), enQuestion(c, AskYesNo), "?")
	case x < 12:
		return g.whQuestion()
	case x < 14:
		a, b := g.clause(), g.clause()
		b.Front = false
		return finish(deMain(a, false)+", weil "+strings.TrimPrefix(deSub("", b), " "), enClause(a)+" because "+enClause(b), ".")
	case x < 16:
		s := sayVerbs[g.r.intn(len(sayVerbs))]
		subj := g.subject(Human)
		b := g.clause()
		b.Front = false
		en := s.En
		if subj.slot() == 2 {
			en = s.En3
		}
		return finish(join(deNP(subj, nom, false), s.De[subj.slot()])+", "+deSub("dass", b), join(enNP(subj, false), en, "that", enClause(b)), ".")
	case x < 18:
		a, b := g.clause(), g.clause()
		a.Front, b.Front = false, false
		return finish(deSub("wenn", a)+", "+deMain(b, true), "when "+enClause(a)+", "+enClause(b), ".")
	}
	a, b := g.clause(), g.clause()
	b.Front = false
	if g.r.chance(0.5) {
		return finish(deMain(a, false)+" und "+deMain(b, false), enClause(a)+" and "+enClause(b), ".")
	}
	return finish(deMain(a, false)+", aber "+deMain(b, false), enClause(a)+", but "+enClause(b), ".")
}

func (g *Generator) whQuestion() Pair {
	for {
		c := g.clause()
		c.Neg, c.Front = false, false
		var ask Ask
		switch x := g.r.intn(4); {
		case x == 0 && c.Subj.Pron == nil && c.Subj.Name == "":
			ask = AskSubj
			c.Subj.Plural = false
			if c.Subj.Det == Num || c.Subj.Det == Bare {
				c.Subj.Det = Def
			}
		case x == 1 && c.Obj != nil && c.IObj == nil:
			ask = AskObj
		case x == 2 && c.V.Frame == Dat:
			ask = AskDat
		case x == 3 && c.Place != nil:
			ask = AskPlace
		default:
			continue
		}
		return finish(deQuestion(c, ask), enQuestion(c, ask), "?")
	}
}

// finish capitalises the first letter and adds the final punctuation.
func finish(de, en, punct string) Pair {
	return Pair{capitalize(de) + punct, capitalize(en) + punct}
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
