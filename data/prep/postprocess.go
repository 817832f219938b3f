package prep

import (
	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/text"
)

// Postprocessor turns a model's output ids into text, undoing on the
// target side what Preprocessor did: the dictionary's symbols joined by
// single spaces (EOS, BOS and padding left out, <unk> written as Unk),
// subword pieces joined back into words (Join), and Moses detokenization
// (Detok). `nmt translate`, the server and training's eval-bleu all turn
// ids into text here. It is safe for concurrent use.
type Postprocessor struct {
	Dict  *data.Dictionary
	Unk   string              // written for <unk>
	Join  func(string) string // joins subword pieces (bpe.Remove); nil: none
	Detok *text.Detokenizer   // nil: the text stays tokenized
}

// Postprocessor returns the postprocessing of a model trained on data
// prepared with s, whose target dictionary is dict: <unk> written as
// itself, BPE's "@@ " removed, and Moses detokenization for the target
// language when s tokenized.
func (s Settings) Postprocessor(dict *data.Dictionary) *Postprocessor {
	p := &Postprocessor{Dict: dict, Unk: data.UNK, Join: bpe.Remove}
	if s.Tokenize {
		p.Detok = text.NewDetokenizer(s.TgtLang)
	}
	return p
}

// Tokenized returns the text of ids with subwords joined, still tokenized
// (what BLEU on tokenized references scores, fairseq's H- line).
func (p *Postprocessor) Tokenized(ids []int64) string {
	ids32 := make([]int32, len(ids))
	for i, v := range ids {
		ids32[i] = int32(v)
	}
	s := p.Dict.DecodeUnk(ids32, p.Unk)
	if p.Join != nil {
		s = p.Join(s)
	}
	return s
}

// Detokenize returns tokenized text as the output text (fairseq's D-
// line).
func (p *Postprocessor) Detokenize(tokenized string) string {
	if p.Detok == nil {
		return tokenized
	}
	return p.Detok.Detokenize(tokenized)
}

// Text returns the output text of ids: Detokenize(Tokenized(ids)).
func (p *Postprocessor) Text(ids []int64) string { return p.Detokenize(p.Tokenized(ids)) }
