package spm

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// testdata/hf.tar.gz holds Hugging Face tokenizer.json files (written with
// Hugging Face tokenizers 0.23.2; testdata/README.md says how) and what
// that library's encode and decode give for the 1,330 lines of
// spm.tar.gz's input.txt.
var hfArchive = &archive{name: "hf.tar.gz"}

func hfFixture(t testing.TB, name string) []byte { return hfArchive.file(t, "./"+name) }

func hfLines(t testing.TB, name string) []string { return hfArchive.lines(t, "./"+name) }

// hfModels: each file, its kind, and the fixture whose outputs it must
// give (the -hf files are Hugging Face's own re-save of the others, in
// its current syntax, and give the same outputs there).
var hfModels = []struct{ file, kind, gold string }{
	{"bert", "hf-wordpiece", "bert"},    // BertNormalizer (lowercase, accents stripped), BertPreTokenizer, WordPiece decoder
	{"bert-hf", "hf-wordpiece", "bert"}, //
	{"gpt2", "hf-bpe", "gpt2"},          // byte-level BPE, merges as "a b" strings
	{"gpt2-hf", "hf-bpe", "gpt2"},       // merges as pairs
	{"t5", "hf-unigram", "t5"},          // Precompiled (nmt_nfkc), WhitespaceSplit + Metaspace(add_prefix_space)
	{"t5-hf", "hf-unigram", "t5"},       // Metaspace(prepend_scheme "always", split)
	{"llama", "hf-bpe", "llama"},        // Prepend + Replace normalizers, BPE with byte fallback, Replace/ByteFallback/Fuse/Strip decoder
	{"llama-hf", "hf-bpe", "llama"},     //
}

// TestHFLikeTokenizers: pieces, ids and decoded text of tokenizer.json
// models identical to Hugging Face tokenizers' (encode without special
// tokens, decode skipping them).
func TestHFLikeTokenizers(t *testing.T) {
	in := fixtureLines(t, "input.txt")
	for _, mm := range hfModels {
		t.Run(mm.file, func(t *testing.T) {
			m, err := Parse(hfFixture(t, mm.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind() != mm.kind {
				t.Errorf("kind %s, want %s", m.Kind(), mm.kind)
			}
			pieces := hfLines(t, mm.gold+".pieces")
			ids := hfLines(t, mm.gold+".ids")
			decoded := hfLines(t, mm.gold+".decoded")
			bad := 0
			for i, line := range in {
				var want string
				if err := json.Unmarshal([]byte(decoded[i]), &want); err != nil {
					t.Fatalf("%s.decoded:%d: %v", mm.gold, i+1, err)
				}
				got := m.Encode(line)
				gotIDs := m.EncodeIDs(line)
				fromIDs, err := m.DecodeIDs(gotIDs)
				if err != nil {
					t.Fatal(err)
				}
				fromPieces := m.Decode(SplitPieces(strings.Join(got, " ")))
				if strings.Join(got, " ") != pieces[i] || joinInts(gotIDs) != ids[i] || fromIDs != want || fromPieces != want {
					if bad++; bad <= 5 {
						t.Errorf("line %d %q:\n   got %q %q\n  want %q %q\ndecode %q, from pieces %q\n  want %q",
							i+1, line, strings.Join(got, " "), joinInts(gotIDs), pieces[i], ids[i], fromIDs, fromPieces, want)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d lines differ", bad, len(in))
			}
		})
	}
}

// TestHFConcurrent: one model shared by goroutines gives the same pieces
// (run with -race).
func TestHFConcurrent(t *testing.T) {
	in := fixtureLines(t, "input.txt")
	want := hfLines(t, "llama.pieces")
	m, err := Parse(hfFixture(t, "llama.json"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(in); i += 2 {
				if got := strings.Join(m.Encode(in[i]), " "); got != want[i] {
					errs <- "line " + strconv.Itoa(i+1) + ": " + got
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestHFRefused: tokenizer.json files this package cannot run as Hugging
// Face does are refused when loading, with the reason.
func TestHFRefused(t *testing.T) {
	edit := func(name string, f func(map[string]any)) []byte {
		var d map[string]any
		if err := json.Unmarshal(hfFixture(t, name+".json"), &d); err != nil {
			t.Fatal(err)
		}
		f(d)
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	model := func(d map[string]any) map[string]any { return d["model"].(map[string]any) }
	tests := []struct {
		name string
		json []byte
		want string
	}{
		{"look-around pattern", edit("gpt2", func(d map[string]any) {
			// GPT-4, Llama 3 and Qwen split text with this pattern.
			d["pre_tokenizer"] = map[string]any{"type": "Split", "behavior": "Isolated", "invert": false,
				"pattern": map[string]any{"Regex": `\s+(?!\S)|\s+`}}
		}), "pattern not supported by Go's regexp"},
		{"token with a space", edit("bert", func(d map[string]any) { model(d)["vocab"].(map[string]any)["a b"] = 5000.0 }),
			`token "a b" (id 5000) cannot be written`},
		{"unknown token missing", edit("bert", func(d map[string]any) { model(d)["unk_token"] = "<nope>" }),
			`unknown token "<nope>" is not in the vocabulary`},
		{"model type", edit("bert", func(d map[string]any) { model(d)["type"] = "Magic" }), `model type "Magic" not supported`},
		{"not JSON", []byte("{ broken"), "not a tokenizer.json file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.json)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
