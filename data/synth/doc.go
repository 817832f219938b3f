// Package synth generates the project's own German-English corpus from a
// small bilingual grammar, so that the quickstart and the tests have real
// two-language data without downloads.
//
// Every sentence is built as one meaning (a Clause: subject, verb,
// objects, tense, negation, adverb) and rendered by a German and an
// English grammar, so the pairs are exact translations of each other. The
// phenomena a model has to learn:
//
//   - German verb-second order (Heute sieht der Mann den Hund / Today the
//     man sees the dog), verb-first questions and main clauses after a
//     fronted wenn-clause, verb-final subordinate clauses (weil, dass,
//     wenn), and the English do-support that replaces them;
//   - separable verbs (Er ruft den Freund an / dass er den Freund anruft /
//     hat ... angerufen) and English particle verbs (picks up, tidies up);
//   - gender and case agreement of articles, possessives and adjectives
//     (der/den/dem, ein/einen/einem, einem alten Mann, die müden Kinder),
//     weak nouns (den Jungen), dative plurals (mit zwei Hunden), the
//     contractions im and ins;
//   - plurals (Männer/men, Mäuse/mice), numbers written as words (zwei to
//     zwölf, zwanzig), subject-verb agreement (sie sieht / sie sehen);
//   - negation with nicht and kein (keinen Hund / not ... a dog),
//     perfect with haben or sein, gestern with the English simple past,
//     modal verbs (kann, will, muss / can, wants to, must; muss nicht /
//     does not have to);
//   - yes/no questions and wh-questions (wer, was, wen, wem, wo, wohin);
//   - sentence-initial capitals, commas and final punctuation, so the text
//     looks raw and goes through the tokenizer like any corpus.
//
// The vocabulary is a few hundred word forms per language (45 nouns, 34
// verbs, 16 adjectives, pronouns, names, numbers). A corpus is fixed by
// its seed (SplitMix64, independent of the Go version). No German sentence
// occurs twice, so valid and test sentences are unseen in training.
//
// Usage:
//
//	k, err := synth.Generate(synth.DefaultConfig()) // 20,000 / 1,000 / 1,000 pairs
//	err = k.Write("corpus/")                         // train.de, train.en, valid.*, test.*
//
// or `nmt corpus synth --out corpus/`.
package synth
