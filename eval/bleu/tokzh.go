package bleu

import "strings"

// tokZh is sacreBLEU's "zh" tokenizer: every Chinese character becomes a
// token of its own, and the rest of the line goes through the regexp passes
// of 13a (without 13a's HTML unescaping and padding). The line is stripped
// of surrounding whitespace first.
type tokZh struct{}

func (tokZh) Signature() string { return "zh" }

// zhRanges are the code point ranges sacreBLEU treats as Chinese.
//
// sacreBLEU writes two of its ranges as '\u20000'..'\u2a6d6' and
// '\u2f800'..'\u2fa1d'. Python's \u escape takes exactly four hex digits,
// so these are the two-character strings "\u2000"+"0" .. "\u2a6d"+"6" and
// "\u2f80"+"0" .. "\u2fa1"+"d", and the comparison start <= char <= end on
// a one-character string then holds for U+2001..U+2A6D and U+2F81..U+2FA1.
// The first range thus covers general punctuation such as the en dash,
// curly quotes and the ellipsis (U+2013, U+201C, U+2026), which become
// separate tokens. sacreBLEU's scores depend on this, so it is kept.
var zhRanges = [][2]rune{
	{0x3400, 0x4db5},
	{0x4e00, 0x9fa5},
	{0x9fa6, 0x9fbb},
	{0xf900, 0xfa2d},
	{0xfa30, 0xfa6a},
	{0xfa70, 0xfad9},
	{0x2001, 0x2a6d}, // written '\u20000'..'\u2a6d6' in sacreBLEU, see above
	{0x2f81, 0x2fa1}, // written '\u2f800'..'\u2fa1d' in sacreBLEU
	{0xff00, 0xffef},
	{0x2e80, 0x2eff},
	{0x3000, 0x303f},
	{0x31c0, 0x31ef},
	{0x2f00, 0x2fdf},
	{0x2ff0, 0x2fff},
	{0x3100, 0x312f},
	{0x31a0, 0x31bf},
	{0xfe10, 0xfe1f},
	{0xfe30, 0xfe4f},
	{0x2600, 0x26ff},
	{0x2700, 0x27bf},
	{0x3200, 0x32ff},
	{0x3300, 0x33ff},
}

func isChineseChar(r rune) bool {
	if r < 0x2001 {
		return false
	}
	for _, rg := range zhRanges {
		if rg[0] <= r && r <= rg[1] {
			return true
		}
	}
	return false
}

func (t tokZh) Tokenize(line string) string { return strings.Join(t.tokens(nil, line, nil), " ") }

func (tokZh) tokens(dst []string, line string, ar *arena) []string {
	line = pyStrip(line)
	var b strings.Builder
	b.Grow(len(line) + 16)
	for _, r := range line {
		if isChineseChar(r) {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return postTokenize(dst, b.String(), false, ar)
}
