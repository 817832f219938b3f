package spm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
)

// Piece types of a SentencePiece model (sentencepiece_model.proto).
const (
	Normal      = 1
	Unknown     = 2
	Control     = 3
	UserDefined = 4
	Unused      = 5
	Byte        = 6
)

// Model types.
const (
	Unigram = 1
	BPE     = 2
)

// Piece is one vocabulary entry.
type Piece struct {
	Text  string
	Score float32
	Type  int
}

// Model is a loaded SentencePiece model.
type Model struct {
	pieces   []Piece
	kind     int
	normal   map[string]int // NORMAL, USER_DEFINED and UNUSED pieces
	reserved map[string]int // CONTROL, UNKNOWN and BYTE pieces
	unkID    int
	byteIDs  [256]int // piece id of <0xXX>, or -1
	user     []string // user-defined symbols
	trie     trie     // over normal
	minScore float32  // over NORMAL pieces
	maxScore float32

	byteFallback     bool
	unkSurface       string
	whitespaceSuffix bool
	norm             normalizer

	hf *hfModel // a Hugging Face tokenizer.json model instead; see hf.go
}

// Load reads a .model file, or a Hugging Face tokenizer.json file.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Parse reads a serialized ModelProto, or the JSON of a Hugging Face
// tokenizer.json file.
func Parse(b []byte) (*Model, error) {
	if isJSON(b) {
		return parseHF(b)
	}
	m := &Model{kind: Unigram, unkID: -1, unkSurface: " \u2047 ",
		normal: map[string]int{}, reserved: map[string]int{}}
	m.norm = normalizer{addDummyPrefix: true, removeExtraSpaces: true, escapeSpaces: true}
	err := walk(b, func(field int, v uint64, data []byte) error {
		switch field {
		case 1: // pieces
			p := Piece{Type: Normal}
			if err := walk(data, func(f int, v uint64, d []byte) error {
				switch f {
				case 1:
					p.Text = string(d)
				case 2:
					p.Score = math.Float32frombits(uint32(v))
				case 3:
					p.Type = int(v)
				}
				return nil
			}); err != nil {
				return fmt.Errorf("piece %d: %w", len(m.pieces), err)
			}
			m.pieces = append(m.pieces, p)
		case 2: // trainer_spec
			return walk(data, func(f int, v uint64, d []byte) error {
				switch f {
				case 3:
					m.kind = int(v)
				case 24:
					m.whitespaceSuffix = v != 0
				case 35:
					m.byteFallback = v != 0
				case 44:
					m.unkSurface = string(d)
				}
				return nil
			})
		case 3: // normalizer_spec
			return walk(data, func(f int, v uint64, d []byte) error {
				switch f {
				case 2:
					m.norm.charsmap = d
				case 3:
					m.norm.addDummyPrefix = v != 0
				case 4:
					m.norm.removeExtraSpaces = v != 0
				case 5:
					m.norm.escapeSpaces = v != 0
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("not a SentencePiece model: %w", err)
	}
	return m, m.init()
}

func (m *Model) init() error {
	if m.kind != Unigram && m.kind != BPE {
		return fmt.Errorf("model type %d: only unigram (1) and BPE (2) models are supported", m.kind)
	}
	if len(m.pieces) == 0 {
		return errors.New("no pieces")
	}
	if m.whitespaceSuffix {
		return errors.New("treat_whitespace_as_suffix models are not supported")
	}
	for i := range m.byteIDs {
		m.byteIDs[i] = -1
	}
	m.minScore, m.maxScore = math.MaxFloat32, 0x1p-126 // FLT_MAX, FLT_MIN
	for i, p := range m.pieces {
		if p.Text == "" {
			return fmt.Errorf("piece %d is empty", i)
		}
		dst := m.reserved
		if p.Type == Normal || p.Type == UserDefined || p.Type == Unused {
			dst = m.normal
		}
		if _, dup := dst[p.Text]; dup {
			return fmt.Errorf("piece %d %q is defined twice", i, p.Text)
		}
		dst[p.Text] = i
		switch p.Type {
		case Normal:
			m.minScore = min(m.minScore, p.Score)
			m.maxScore = max(m.maxScore, p.Score)
		case Unknown:
			if m.unkID >= 0 {
				return errors.New("two unknown pieces")
			}
			m.unkID = i
		case UserDefined:
			m.user = append(m.user, p.Text)
		case Byte:
			if !m.byteFallback {
				return fmt.Errorf("byte piece %q in a model without byte_fallback", p.Text)
			}
			var c int
			if _, err := fmt.Sscanf(p.Text, "<0x%02X>", &c); err != nil || len(p.Text) != 6 {
				return fmt.Errorf("bad byte piece %q", p.Text)
			}
			m.byteIDs[c] = i
		}
	}
	if m.unkID < 0 {
		return errors.New("no unknown piece")
	}
	if m.byteFallback {
		for c, id := range m.byteIDs {
			if id < 0 {
				return fmt.Errorf("byte_fallback model lacks <0x%02X>", c)
			}
		}
	}
	m.trie = newTrie(m.normal)
	return m.norm.init(m.user)
}

// walk calls f for every field of a protobuf message: the varint or
// fixed value in v, the bytes of a length-delimited field in data.
func walk(b []byte, f func(field int, v uint64, data []byte) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("bad field key")
		}
		b = b[n:]
		field, wire := int(key>>3), key&7
		var v uint64
		var data []byte
		switch wire {
		case 0:
			v, n = binary.Uvarint(b)
			if n <= 0 {
				return fmt.Errorf("field %d: bad varint", field)
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				return fmt.Errorf("field %d: truncated", field)
			}
			v, b = binary.LittleEndian.Uint64(b), b[8:]
		case 5:
			if len(b) < 4 {
				return fmt.Errorf("field %d: truncated", field)
			}
			v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return fmt.Errorf("field %d: bad length", field)
			}
			data, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return fmt.Errorf("field %d: unsupported wire type %d", field, wire)
		}
		if err := f(field, v, data); err != nil {
			return err
		}
	}
	return nil
}

// Kind returns "unigram" or "bpe", or for a tokenizer.json model
// "hf-bpe", "hf-unigram", "hf-wordpiece" or "hf-wordlevel".
func (m *Model) Kind() string {
	if m.hf != nil {
		return m.hf.kind
	}
	if m.kind == BPE {
		return "bpe"
	}
	return "unigram"
}

// Size returns the number of pieces.
func (m *Model) Size() int {
	if m.hf != nil {
		return len(m.hf.pieces)
	}
	return len(m.pieces)
}

// Pieces returns the vocabulary in id order (a tokenizer.json model's
// pieces are all Normal, with score 0).
func (m *Model) Pieces() []Piece {
	if m.hf != nil {
		out := make([]Piece, len(m.hf.pieces))
		for i, p := range m.hf.pieces {
			out[i] = Piece{Text: p, Type: Normal}
		}
		return out
	}
	return append([]Piece(nil), m.pieces...)
}

// PieceToID returns the id of a piece, or the unknown id (-1 for a
// tokenizer.json model without an unknown token).
func (m *Model) PieceToID(p string) int {
	if m.hf != nil {
		if id, ok := m.hf.vocab[p]; ok {
			return id
		}
		return m.hf.unkID
	}
	if id, ok := m.reserved[p]; ok {
		return id
	}
	if id, ok := m.normal[p]; ok {
		return id
	}
	return m.unkID
}

// IDToPiece returns the text of piece id.
func (m *Model) IDToPiece(id int) string {
	if m.hf != nil {
		return m.hf.pieces[id]
	}
	return m.pieces[id].Text
}

// trie maps byte strings to piece ids, walked one byte at a time.
type trie struct {
	next map[uint64]int32 // node<<8 | byte -> child node
	id   []int32          // node -> piece id, or -1
}

func newTrie(words map[string]int) trie {
	t := trie{next: map[uint64]int32{}, id: []int32{-1}}
	for w, id := range words {
		node := int32(0)
		for i := 0; i < len(w); i++ {
			k := uint64(node)<<8 | uint64(w[i])
			child, ok := t.next[k]
			if !ok {
				child = int32(len(t.id))
				t.id = append(t.id, -1)
				t.next[k] = child
			}
			node = child
		}
		t.id[node] = int32(id)
	}
	return t
}

// step returns the child of node by byte c, or -1.
func (t *trie) step(node int32, c byte) int32 {
	child, ok := t.next[uint64(node)<<8|uint64(c)]
	if !ok {
		return -1
	}
	return child
}

// oneCharLen is SentencePiece's OneCharLen: the length of a UTF-8
// sequence from its first byte (1 for a stray continuation byte).
func oneCharLen(c byte) int {
	return int("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x02\x02\x03\x04"[c>>4])
}
