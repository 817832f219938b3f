package bleu

import "unsafe"

// arena holds token text. Tokens are strings pointing into its blocks; a
// block is never moved or written again once a token points into it, so
// the strings stay valid. reset makes the memory reusable, which is only
// safe when no token from before is used any more (hypothesis tokens live
// for one segment). A nil *arena allocates every token string.
type arena struct {
	block []byte
}

const arenaBlock = 64 << 10

// str copies b into the arena and returns it as a string.
func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if a == nil {
		return string(b)
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, max(arenaBlock, len(b)))
	}
	n := len(a.block)
	a.block = append(a.block, b...)
	return unsafe.String(&a.block[n], len(b))
}

// reset lets the arena overwrite the current block.
func (a *arena) reset() { a.block = a.block[:0] }
