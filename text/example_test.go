package text_test

import (
	"fmt"

	"github.com/fixup-nmt/nmt/text"
)

func ExampleTokenizer_Tokenize() {
	tok := text.NewTokenizer("en", text.TokenizerOptions{})
	fmt.Println(tok.Tokenize(`Mr. Smith said "it's state-of-the-art," didn't he?`))
	agg := text.NewTokenizer("en", text.TokenizerOptions{Aggressive: true, NoEscape: true})
	fmt.Println(agg.Tokenize(`Mr. Smith said "it's state-of-the-art," didn't he?`))
	// Output:
	// Mr. Smith said &quot; it &apos;s state-of-the-art , &quot; didn &apos;t he ?
	// Mr. Smith said " it 's state @-@ of @-@ the @-@ art , " didn 't he ?
}

func ExampleTokenizer_Tokenize_german() {
	tok := text.NewTokenizer("de", text.TokenizerOptions{})
	fmt.Println(text.Lowercase(tok.Tokenize("Am 3. Oktober kam z.B. Prof. Dr. Ärger.")))
	// Output:
	// am 3. oktober kam z.b. prof. dr. ärger .
}

func ExampleDetokenizer_Detokenize() {
	d := text.NewDetokenizer("en")
	fmt.Println(d.Detokenize("Mr. Smith said &quot; it &apos;s state @-@ of @-@ the @-@ art , &quot; didn &apos;t he ?"))
	// Output:
	// Mr. Smith said "it's state-of-the-art," didn't he?
}

func ExampleNormalizePunctuation() {
	fmt.Println(text.NormalizePunctuation("„Genau“ – sagte er …", "de"))
	fmt.Println(text.NormalizePunctuation(`He said "yes". Then ( quietly ) : no`, "en"))
	// Output:
	// "Genau" - sagte er ...
	// He said "yes." Then (quietly): no
}

func ExampleSplitter_Split() {
	sp := text.NewSplitter("en", text.SplitterOptions{})
	for _, s := range sp.Split(`Mr. Smith arrived at 5 p.m. on Jan. 3. "Hello." He sat down.`) {
		fmt.Println(s)
	}
	// Output:
	// Mr. Smith arrived at 5 p.m. on Jan. 3.
	// "Hello."
	// He sat down.
}
