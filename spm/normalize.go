package spm

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf8"
)

const spaceSymbol = "\u2581" // ▁

// normalizer is SentencePiece's Normalizer: the precompiled character
// map (longest-match rewrite rules in a Darts double array), then
// whitespace handling.
type normalizer struct {
	charsmap          []byte
	array             []uint32 // Darts-clone units
	replacements      string   // NUL-terminated rewrite targets
	user              []string // user-defined symbols, passed through
	addDummyPrefix    bool
	removeExtraSpaces bool
	escapeSpaces      bool
}

func (n *normalizer) init(user []string) error {
	n.user = user
	if len(n.charsmap) == 0 {
		return nil
	}
	if len(n.charsmap) < 4 {
		return errors.New("precompiled_charsmap is truncated")
	}
	size := binary.LittleEndian.Uint32(n.charsmap)
	rest := n.charsmap[4:]
	if uint64(size) > uint64(len(rest)) || size%4 != 0 {
		return errors.New("precompiled_charsmap: bad trie size")
	}
	n.array = make([]uint32, size/4)
	for i := range n.array {
		n.array[i] = binary.LittleEndian.Uint32(rest[4*i:])
	}
	n.replacements = string(rest[size:])
	return nil
}

// longestRule returns the length of the longest rule matching a prefix of
// s and the offset of its replacement, or 0.
func (n *normalizer) longestRule(s string) (length int, value uint32) {
	a := n.array
	if len(a) == 0 {
		return 0, 0
	}
	unit := a[0]
	pos := unitOffset(unit)
	for i := 0; i < len(s); i++ {
		pos ^= uint32(s[i])
		if int(pos) >= len(a) {
			return
		}
		unit = a[pos]
		if unit&(1<<31|0xFF) != uint32(s[i]) {
			return
		}
		pos ^= unitOffset(unit)
		if (unit>>8)&1 == 1 && int(pos) < len(a) {
			length, value = i+1, a[pos]&(1<<31-1)
		}
	}
	return
}

func unitOffset(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }

// prefix is NormalizePrefix: what the start of s becomes, and how many
// bytes of s that consumes.
func (n *normalizer) prefix(s string) (string, int) {
	if l := userPrefix(s, n.user); l > 0 {
		return s[:l], l
	}
	if l, v := n.longestRule(s); l > 0 {
		if int(v) > len(n.replacements) {
			return "", l // a corrupt map: the rule deletes
		}
		r := n.replacements[v:]
		if end := strings.IndexByte(r, 0); end >= 0 {
			r = r[:end]
		}
		return r, l
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return "\uFFFD", 1
	}
	return s[:size], size
}

// userPrefix is the length of the longest user-defined symbol that
// starts s, or 0.
func userPrefix(s string, user []string) int {
	best := 0
	for _, u := range user {
		if len(u) > best && strings.HasPrefix(s, u) {
			best = len(u)
		}
	}
	return best
}

// normalize is Normalizer::Normalize without the alignment.
func (n *normalizer) normalize(s string) string {
	if n.removeExtraSpaces {
		for s != "" {
			p, l := n.prefix(s)
			if p != " " {
				break
			}
			s = s[l:]
		}
	}
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	space := " "
	if n.escapeSpaces {
		space = spaceSymbol
	}
	if n.addDummyPrefix {
		b.WriteString(space)
	}
	prevSpace := n.removeExtraSpaces
	for s != "" {
		p, l := n.prefix(s)
		for prevSpace && strings.HasPrefix(p, " ") {
			p = p[1:]
		}
		if p != "" {
			if n.escapeSpaces {
				b.WriteString(strings.ReplaceAll(p, " ", spaceSymbol))
			} else {
				b.WriteString(p)
			}
			prevSpace = strings.HasSuffix(p, " ")
		}
		s = s[l:]
		if !n.removeExtraSpaces {
			prevSpace = false
		}
	}
	out := b.String()
	if n.removeExtraSpaces {
		for strings.HasSuffix(out, space) {
			out = out[:len(out)-len(space)]
		}
	}
	return out
}
