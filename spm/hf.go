package spm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// hfModel is a Hugging Face tokenizer.json model, read and run by
// github.com/sugarme/tokenizer (patched at setup: patches/tokenizer).
type hfModel struct {
	tk     *tokenizer.Tokenizer
	kind   string         // "hf-bpe", "hf-unigram", "hf-wordpiece", "hf-wordlevel"
	vocab  map[string]int // with added tokens
	pieces []string       // id -> token
	unkID  int            // the unknown token's id, or -1
}

// isJSON reports whether b looks like a tokenizer.json file rather than a
// serialized ModelProto (which starts with field 1, byte 0x0a).
func isJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// parseHF reads a tokenizer.json file. The encoder adds no special tokens
// (no [CLS] or </s>: fairseq's dictionaries add their own), and a model
// whose pieces cannot be written one per space-separated field (a token
// with a space, an empty token) is refused.
func parseHF(b []byte) (m *Model, err error) {
	var head struct {
		Model struct {
			Type     string  `json:"type"`
			UnkToken *string `json:"unk_token"`
			UnkID    *int    `json:"unk_id"`
		} `json:"model"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("not a tokenizer.json file: %w", err)
	}
	kind := head.Model.Type
	if kind == "" {
		kind = "BPE" // Hugging Face's default when "type" is left out
	}
	switch kind {
	case "BPE", "Unigram", "WordPiece", "WordLevel":
	default:
		return nil, fmt.Errorf("tokenizer.json: model type %q not supported (want BPE, Unigram, WordPiece or WordLevel)", kind)
	}
	defer func() {
		// The package panics on some settings it cannot build.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("tokenizer.json: %v", r)
		}
	}()
	tk, err := pretrained.FromReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("tokenizer.json: %w", err)
	}
	h := &hfModel{tk: tk, kind: "hf-" + strings.ToLower(kind), vocab: tk.GetVocab(true), unkID: -1}
	switch {
	case kind == "Unigram" && head.Model.UnkID != nil:
		h.unkID = *head.Model.UnkID
	case kind != "Unigram" && head.Model.UnkToken != nil:
		id, ok := h.vocab[*head.Model.UnkToken]
		if !ok {
			return nil, fmt.Errorf("tokenizer.json: unknown token %q is not in the vocabulary", *head.Model.UnkToken)
		}
		h.unkID = id
	}
	for tok, id := range h.vocab {
		if id < 0 || id > 1<<24 {
			return nil, fmt.Errorf("tokenizer.json: token %q has id %d", tok, id)
		}
		if tok == "" || strings.ContainsAny(tok, " \n") {
			return nil, fmt.Errorf("tokenizer.json: token %q (id %d) cannot be written as a space-separated piece", tok, id)
		}
		for id >= len(h.pieces) {
			h.pieces = append(h.pieces, "")
		}
		h.pieces[id] = tok
	}
	if h.unkID >= len(h.pieces) {
		return nil, fmt.Errorf("tokenizer.json: unknown token id %d out of range", h.unkID)
	}
	return &Model{hf: h}, nil
}

// encode segments one line into tokens, without special tokens.
func (h *hfModel) encode(line string) []token {
	e, err := h.tk.EncodeSingle(line, false)
	if err != nil {
		// Load checked what can make encoding fail (the unknown token).
		panic(fmt.Sprintf("spm: tokenizer.json: encoding %q: %v", line, err))
	}
	out := make([]token, len(e.Ids))
	for i, id := range e.Ids {
		out[i] = token{e.Tokens[i], id}
	}
	return out
}

// decode turns ids into text with the model's decoder, special tokens
// skipped.
func (h *hfModel) decode(ids []int) string { return h.tk.Decode(ids, true) }

// pieceIDs maps pieces to ids: a piece not in the vocabulary becomes the
// unknown token, or is left out when the model has none.
func (h *hfModel) pieceIDs(pieces []string) []int {
	ids := make([]int, 0, len(pieces))
	for _, p := range pieces {
		if id, ok := h.vocab[p]; ok {
			ids = append(ids, id)
		} else if h.unkID >= 0 {
			ids = append(ids, h.unkID)
		}
	}
	return ids
}
