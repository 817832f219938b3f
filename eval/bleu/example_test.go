package bleu_test

import (
	"fmt"

	"github.com/fixup-nmt/nmt/eval/bleu"
)

// sacreBLEU's README example: three hypotheses, two reference streams.
func Example() {
	hyps := []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
	refs := [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
	b, err := bleu.New(refs, bleu.DefaultConfig())
	if err != nil {
		panic(err)
	}
	s, err := b.Corpus(hyps)
	if err != nil {
		panic(err)
	}
	fmt.Println(s)
	c, err := bleu.CorpusCHRF(hyps, refs, bleu.DefaultCHRFConfig())
	if err != nil {
		panic(err)
	}
	fmt.Println(c)
	// Output:
	// BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
	// chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:nmt-dev = 59.73
}

// Sentence-level BLEU with sacreBLEU's sentence_bleu defaults. By hand:
// 6/7, 4/6, 2/5 and 1/4 n-grams match, BP = 1, (85.7*66.7*40*25)^(1/4).
func ExampleSentence() {
	s, err := bleu.Sentence("The cat sat on the mat.", []string{"The cat is on the mat."}, bleu.SentenceConfig())
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.2f %s\n", s.Score, s.Signature.Get("eff"))
	// Output: 48.89 yes
}

// The three tokenizers on one line. zh separates € (U+20AC) because
// sacreBLEU's "Chinese" ranges include U+2001..U+2A6D (see tokzh.go).
func ExampleNewTokenizer() {
	for _, name := range []string{"13a", "intl", "zh"} {
		tok, _ := bleu.NewTokenizer(name)
		fmt.Printf("%-4s %s\n", name, tok.Tokenize("Hello, world! 1,000.5 €-Preis „gut“ 你好。"))
	}
	// Output:
	// 13a  Hello , world ! 1,000.5 €-Preis „gut“ 你好。
	// intl Hello , world ! 1,000.5 € - Preis „ gut “ 你好 。
	// zh   Hello , world ! 1,000.5 € -Preis „ gut “ 你 好 。
}
