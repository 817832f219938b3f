package synth

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func noun(de string) *Noun {
	for i := range nouns {
		if nouns[i].De == de {
			return &nouns[i]
		}
	}
	panic(de)
}

func verb(inf string) *Verb {
	for i := range verbs {
		if verbs[i].Inf == inf {
			return &verbs[i]
		}
	}
	panic(inf)
}

func adj(de string) *Adj {
	for i := range adjectives {
		if adjectives[i].De == de {
			return &adjectives[i]
		}
	}
	panic(de)
}

func adv(de string) *Adverb {
	for i := range adverbs {
		if adverbs[i].De == de {
			return &adverbs[i]
		}
	}
	panic(de)
}

func ptr(np NP) *NP { return &np }

// TestRender pins the grammar on hand-checked sentences.
func TestRender(t *testing.T) {
	mann := NP{N: noun("Mann"), Det: Def}
	hund := NP{N: noun("Hund"), Det: Indef}
	er := NP{Pron: &pronouns[2]}
	sie := NP{Pron: &pronouns[6]}
	tests := []struct {
		name   string
		de, en string
		got    func() (string, string)
	}{
		{"V2 with fronted adverb", "heute sieht der Mann einen Hund", "today the man sees a dog",
			func() (string, string) {
				c := Clause{Subj: mann, V: verb("sehen"), Obj: ptr(hund), Adv: adv("heute"), Front: true}
				return deMain(c, false), enClause(c)
			}},
		{"kein and do-support", "der Mann sieht keinen Hund", "the man does not see a dog",
			func() (string, string) {
				c := Clause{Subj: mann, V: verb("sehen"), Obj: ptr(hund), Neg: true}
				return deMain(c, false), enClause(c)
			}},
		{"separable verb, main and subordinate", "er ruft den alten Mann an|weil er den alten Mann anruft", "he calls the old man",
			func() (string, string) {
				m := mann
				m.Adj = adj("alt")
				c := Clause{Subj: er, V: verb("anrufen"), Obj: &m}
				return deMain(c, false) + "|" + deSub("weil", c), enClause(c)
			}},
		{"dative plural, weak adjective, mit", "die Kinder spielen mit zwei kleinen Hunden", "the children play with two small dogs",
			func() (string, string) {
				c := Clause{Subj: NP{N: noun("Kind"), Det: Def, Plural: true}, V: verb("spielen"),
					With: ptr(NP{N: noun("Hund"), Det: Num, Num: 0, Plural: true, Adj: adj("klein")})}
				return deMain(c, false), enClause(c)
			}},
		{"weak noun, dative, ditransitive, perfect", "sie haben dem Jungen ein rotes Buch gegeben", "they have given the boy a red book",
			func() (string, string) {
				c := Clause{Subj: sie, V: verb("geben"), Tense: Perfect,
					IObj: ptr(NP{N: noun("Junge"), Det: Def}), Obj: ptr(NP{N: noun("Buch"), Det: Indef, Adj: adj("rot")})}
				return deMain(c, false), enClause(c)
			}},
		{"sein perfect, ins, past with gestern", "gestern ist Anna ins Haus gegangen", "yesterday Anna went to the house",
			func() (string, string) {
				c := Clause{Subj: NP{Name: "Anna"}, V: verb("gehen"), Tense: Past, Place: ptr(NP{N: noun("Haus"), Det: Def}), Adv: adv("gestern"), Front: true}
				return deMain(c, false), enClause(c)
			}},
		{"im, modal, muss nicht", "du musst nicht im Garten arbeiten", "you do not have to work in the garden",
			func() (string, string) {
				c := Clause{Subj: NP{Pron: &pronouns[1]}, V: verb("arbeiten"), Tense: WithModal, Modal: 2, Neg: true, Place: ptr(NP{N: noun("Garten"), Det: Def})}
				return deMain(c, false), enClause(c)
			}},
		{"yes/no question, irregular verb", "liest die Frau eine Zeitung", "does the woman read a newspaper",
			func() (string, string) {
				c := Clause{Subj: NP{N: noun("Frau"), Det: Def}, V: verb("lesen"), Obj: ptr(NP{N: noun("Zeitung"), Det: Indef})}
				return deQuestion(c, AskYesNo), enQuestion(c, AskYesNo)
			}},
		{"wh object question, particle", "was sucht der Mann", "what does the man look for",
			func() (string, string) {
				c := Clause{Subj: mann, V: verb("suchen"), Obj: ptr(NP{N: noun("Ball"), Det: Def})}
				return deQuestion(c, AskObj), enQuestion(c, AskObj)
			}},
		{"wem question", "wem hilft der Mann", "who does the man help",
			func() (string, string) {
				c := Clause{Subj: mann, V: verb("helfen"), IObj: ptr(NP{N: noun("Kind"), Det: Def})}
				return deQuestion(c, AskDat), enQuestion(c, AskDat)
			}},
		{"plural agreement, possessive, -e adjective", "unsere müden Katzen schlafen", "our tired cats sleep",
			func() (string, string) {
				c := Clause{Subj: NP{N: noun("Katze"), Det: Poss, Poss: 4, Plural: true, Adj: adj("müde")}, V: verb("schlafen")}
				return deMain(c, false), enClause(c)
			}},
		{"frequency adverb, an", "oft isst sie einen alten Apfel", "she often eats an old apple",
			func() (string, string) {
				c := Clause{Subj: NP{Pron: &pronouns[3]}, V: verb("essen"), Obj: ptr(NP{N: noun("Apfel"), Det: Indef, Adj: adj("alt")}), Adv: adv("oft"), Front: true}
				return deMain(c, false), enClause(c)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			de, en := tt.got()
			if de != tt.de || en != tt.en {
				t.Errorf("got  %q / %q\nwant %q / %q", de, en, tt.de, tt.en)
			}
		})
	}
}

func TestGenerateDeterministicDisjoint(t *testing.T) {
	c := Config{Seed: 7, Train: 3000, Valid: 200, Test: 200}
	a, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(c)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different corpus")
	}
	c.Seed = 8
	if d, _ := Generate(c); reflect.DeepEqual(a.Train[:10], d.Train[:10]) {
		t.Error("seeds 7 and 8 gave the same corpus")
	}
	seen := map[string]string{}
	vocab := map[string]map[string]bool{"de": {}, "en": {}}
	for split, ps := range map[string][]Pair{"train": a.Train, "valid": a.Valid, "test": a.Test} {
		for _, p := range ps {
			if s, dup := seen[p.De]; dup {
				t.Fatalf("%q in %s and %s", p.De, s, split)
			}
			seen[p.De] = split
			for _, w := range strings.Fields(strings.ToLower(strings.Trim(p.De, ".?"))) {
				vocab["de"][strings.Trim(w, ",")] = true
			}
			for _, w := range strings.Fields(strings.ToLower(strings.Trim(p.En, ".?"))) {
				vocab["en"][strings.Trim(w, ",")] = true
			}
			if p.De == "" || p.En == "" || !strings.ContainsAny(p.De[len(p.De)-1:], ".?") {
				t.Errorf("bad pair %q / %q", p.De, p.En)
			}
		}
	}
	for lang, v := range vocab {
		if len(v) < 200 || len(v) > 800 {
			t.Errorf("%s vocabulary %d words, want a few hundred", lang, len(v))
		}
		t.Logf("%s: %d word types", lang, len(v))
	}
}

func TestWrite(t *testing.T) {
	k, err := Generate(Config{Seed: 1, Train: 50, Valid: 5, Test: 5})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := k.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"train.de", "train.en", "valid.de", "valid.en", "test.de", "test.en"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want := 50
		if !strings.HasPrefix(f, "train") {
			want = 5
		}
		if n := strings.Count(string(b), "\n"); n != want {
			t.Errorf("%s: %d lines, want %d", f, n, want)
		}
	}
	if _, err := Generate(Config{Train: 0}); err == nil {
		t.Error("train 0: want an error")
	}
}
