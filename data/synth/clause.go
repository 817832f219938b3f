package synth

// Det is the determiner of a noun phrase.
type Det int

const (
	Def   Det = iota // der / the
	Indef            // ein / a (singular only)
	Poss             // mein / my
	Num              // zwei / two (plural only)
	Bare             // plural without article: Äpfel / apples
)

// NP is a noun phrase: a pronoun, a name, or a determiner, an optional
// adjective and a noun.
type NP struct {
	Pron   *Pronoun
	Name   string
	N      *Noun
	Plural bool
	Det    Det
	Poss   int // index into possessives
	Num    int // index into numbers
	Adj    *Adj
}

// slot is the conjugation slot of the NP as a subject.
func (np NP) slot() int {
	switch {
	case np.Pron != nil:
		return np.Pron.Slot
	case np.Plural:
		return 5
	}
	return 2
}

// Tense of a clause.
type Tense int

const (
	Present   Tense = iota
	Perfect         // hat gesehen / has seen
	Past            // hat gesehen + gestern / saw
	WithModal       // kann sehen / can see
)

// Clause is the meaning both languages render.
type Clause struct {
	Subj  NP
	V     *Verb
	Obj   *NP // accusative object
	IObj  *NP // dative object
	With  *NP // mit + dative / with
	Place *NP // in + dative (location) or + accusative (Motion verbs)
	Tense Tense
	Modal int
	Neg   bool
	Adv   *Adverb
	Front bool // the adverb comes first (German verb-second inversion)
}

// Ask is what a question asks for.
type Ask int

const (
	AskYesNo Ask = iota
	AskSubj      // wer / who
	AskObj       // was, wen / what, who
	AskDat       // wem / who
	AskPlace     // wo, wohin / where
)
