package bleu

import "testing"

// Hand-worked cases for each tokenizer, following the rules in the
// tokenizers' doc comments. Want is sacreBLEU's tokenizer output.
var tokenizeTests = []struct {
	Name, Tok, In, Want string
}{
	// 13a
	{"13a/comma and bang", "13a", "Hello, world!", "Hello , world !"},
	{"13a/double quotes", "13a", `He said "hi".`, `He said " hi " .`},
	{"13a/apostrophe kept", "13a", "don't stop", "don't stop"},
	{"13a/number separators", "13a", "1,000.50 and 3.5.", "1,000.50 and 3.5 ."},
	{"13a/final period after number", "13a", "in 1990.", "in 1990 ."},
	{"13a/hyphen in word kept", "13a", "well-known", "well-known"},
	{"13a/dash after digit", "13a", "1990-2000 and -5", "1990 - 2000 and -5"},
	{"13a/html entities", "13a", "A &amp; B &lt;tag&gt; &quot;x&quot;", `A & B < tag > " x "`},
	{"13a/entities unescaped in order", "13a", "&amp;lt; &amp;quot;", "< & quot ;"},
	{"13a/skipped", "13a", "a <skipped> b", "a b"},
	{"13a/newline joins hyphenation", "13a", "inter-\nnational\nday", "international day"},
	{"13a/period then comma", "13a", "a.,b", "a . , b"},
	{"13a/brackets slash", "13a", "(a/b)[c]{d}", "( a / b ) [ c ] { d }"},
	{"13a/cyrillic", "13a", "Привет, мир.", "Привет , мир ."},
	{"13a/cjk untouched", "13a", "你好。", "你好。"},
	{"13a/bom stays in token", "13a", "\ufeffHallo Welt", "\ufeffHallo Welt"},
	{"13a/nbsp and thin space split", "13a", "5\u00a0000\u2009km", "5 000 km"},
	{"13a/empty", "13a", "", ""},
	// intl
	{"intl/comma and bang", "intl", "Hello, world!", "Hello , world !"},
	{"intl/number separators", "intl", "1,000.50", "1,000.50"},
	{"intl/final period after number kept", "intl", "in 1990.", "in 1990."},
	{"intl/symbols", "intl", "€100 and 5$", "€ 100 and 5 $"},
	{"intl/math symbols", "intl", "2+2=4", "2 + 2 = 4"},
	{"intl/german quotes", "intl", "„Hallo“", "„ Hallo “"},
	{"intl/hyphen split", "intl", "well-known", "well - known"},
	{"intl/dot inside word", "intl", "a.b", "a . b"},
	{"intl/arabic comma", "intl", "مرحبا، عالم", "مرحبا ، عالم"},
	{"intl/entities not unescaped", "intl", "&amp;", "& amp ;"},
	// zh
	{"zh/chinese", "zh", "我爱北京天安门。", "我 爱 北 京 天 安 门 。"},
	{"zh/mixed", "zh", "我有3个apple, 好吗?", "我 有 3 个 apple , 好 吗 ?"},
	{"zh/en dash is in sacreBLEU's range", "zh", "a–b “q”", "a – b “ q ”"},
	{"zh/no padding: final period stays", "zh", "5.", "5."},
	{"zh/fullwidth", "zh", "ＡＢＣ", "Ａ Ｂ Ｃ"},
	{"zh/entities not unescaped", "zh", "&quot;", "& quot ;"},
	{"zh/stripped", "zh", "  中 文  ", "中 文"},
	// char
	{"char/spaces become tokens", "char", "ab c", "a b   c"},
	{"char/multibyte", "char", "Grüße", "G r ü ß e"},
	// none
	{"none/unchanged", "none", "Hello,  world!", "Hello,  world!"},
}

func TestTokenizers(t *testing.T) {
	for _, tt := range tokenizeTests {
		t.Run(tt.Name, func(t *testing.T) {
			tok, err := NewTokenizer(tt.Tok)
			if err != nil {
				t.Fatal(err)
			}
			if got := tok.Tokenize(tt.In); got != tt.Want {
				t.Errorf("%s.Tokenize(%q) = %q, want %q", tt.Tok, tt.In, got, tt.Want)
			}
			if tok.Signature() != tt.Tok {
				t.Errorf("Signature() = %q, want %q", tok.Signature(), tt.Tok)
			}
		})
	}
}

// TestTokenizeWords checks the tokens BLEU counts, after lowercasing,
// rstrip and whitespace splitting.
func TestTokenizeWords(t *testing.T) {
	tests := []struct {
		Name, Tok string
		Lower     bool
		In, Want  string
	}{
		{"char drops spaces", "char", false, "ab c", "a b c"},
		{"none splits whitespace", "none", false, " a\tb\u3000c ", "a b c"},
		{"lowercase before tokenizing", "13a", true, "HELLO, World.", "hello , world ."},
		{"python lower: dotted I", "none", true, "İstanbul", "i\u0307stanbul"},
		{"python lower: final sigma", "none", true, "ΟΔΟΣ ΣΑΣ", "οδος σας"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Tokenize, cfg.Lowercase = tt.Tok, tt.Lower
			got, err := Tokenize(tt.In, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.Want {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.In, got, tt.Want)
			}
		})
	}
}

func TestUnknownTokenizer(t *testing.T) {
	if _, err := NewTokenizer("ja-mecab"); err == nil {
		t.Error("NewTokenizer(ja-mecab): want an error")
	}
	cfg := DefaultConfig()
	cfg.Smooth = "laplace"
	if err := cfg.Validate(); err == nil {
		t.Error("Validate with smooth laplace: want an error")
	}
}

func TestPythonWhitespace(t *testing.T) {
	tests := []struct {
		In   string
		Want []string
	}{
		{"a b", []string{"a", "b"}},
		{"\x1ca\x1fb\u0085c", []string{"a", "b", "c"}},           // Python-only separators
		{"a\u00a0b\u2009c\u3000d", []string{"a", "b", "c", "d"}}, // Zs
		{"a\u200bb\ufeffc", []string{"a\u200bb\ufeffc"}},         // ZWSP, BOM: not space
		{"  ", nil},
	}
	for _, tt := range tests {
		got := pyFields(nil, tt.In)
		if len(got) != len(tt.Want) {
			t.Errorf("pyFields(%q) = %q, want %q", tt.In, got, tt.Want)
			continue
		}
		for i := range got {
			if got[i] != tt.Want[i] {
				t.Errorf("pyFields(%q) = %q, want %q", tt.In, got, tt.Want)
			}
		}
	}
	if got := pyRstrip("a b \r\n\x1f\u3000"); got != "a b" {
		t.Errorf("pyRstrip = %q", got)
	}
}
