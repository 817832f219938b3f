package data

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// Special symbols and their fixed ids, as in fairseq's Dictionary.
const (
	BOS = "<s>"
	PAD = "<pad>"
	EOS = "</s>"
	UNK = "<unk>"

	BOSID int32 = 0
	PADID int32 = 1
	EOSID int32 = 2
	UNKID int32 = 3

	// NSpecial is the number of special symbols at the start of every
	// Dictionary; they are never written to dict.txt.
	NSpecial = 4
)

// Dictionary maps symbols to consecutive ids the way fairseq's Dictionary
// does: the special symbols <s>, <pad>, </s>, <unk> take ids 0-3, then come
// the symbols of the training text.
type Dictionary struct {
	symbols []string
	counts  []int64
	index   map[string]int32
}

// NewDictionary returns a dictionary holding only the special symbols.
func NewDictionary() *Dictionary {
	d := &Dictionary{index: make(map[string]int32)}
	for _, s := range []string{BOS, PAD, EOS, UNK} {
		d.add(s, 0)
	}
	return d
}

// add appends s with count n, or adds n to its count.
func (d *Dictionary) add(s string, n int64) int32 {
	if id, ok := d.index[s]; ok {
		d.counts[id] += n
		return id
	}
	id := int32(len(d.symbols))
	d.index[s] = id
	d.symbols = append(d.symbols, s)
	d.counts = append(d.counts, n)
	return id
}

// Len is the number of symbols, special ones included.
func (d *Dictionary) Len() int { return len(d.symbols) }

// Symbol returns the symbol of id, or <unk> for an id out of range.
func (d *Dictionary) Symbol(id int32) string {
	if id < 0 || int(id) >= len(d.symbols) {
		return UNK
	}
	return d.symbols[id]
}

// Count returns the training count of id (0 for padding symbols).
func (d *Dictionary) Count(id int32) int64 { return d.counts[id] }

// Index returns the id of s, or UNKID.
func (d *Dictionary) Index(s string) int32 {
	if id, ok := d.index[s]; ok {
		return id
	}
	return UNKID
}

// Contains reports whether s is in the dictionary.
func (d *Dictionary) Contains(s string) bool { _, ok := d.index[s]; return ok }

// Encode splits line on white space (fairseq's tokenize_line) and returns
// the ids of its words followed by EOSID. Words not in the dictionary map
// to UNKID; unk, if not nil, is incremented once per such word.
func (d *Dictionary) Encode(line string, unk *int) []int32 {
	words := strings.Fields(line)
	ids := make([]int32, 0, len(words)+1)
	for _, w := range words {
		id, ok := d.index[w]
		if !ok {
			id = UNKID
			if unk != nil {
				*unk++
			}
		}
		ids = append(ids, id)
	}
	return append(ids, EOSID)
}

// Decode joins the symbols of ids with single spaces, leaving out EOS, BOS
// and padding, as fairseq's Dictionary.string does.
func (d *Dictionary) Decode(ids []int32) string { return d.DecodeUnk(ids, UNK) }

// DecodeUnk is Decode writing unk for UNKID (fairseq's unk_string, which
// its eval-bleu sets to markers that never match).
func (d *Dictionary) DecodeUnk(ids []int32, unk string) string {
	var b strings.Builder
	for _, id := range ids {
		if id == EOSID || id == BOSID || id == PADID {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if id == UNKID {
			b.WriteString(unk)
		} else {
			b.WriteString(d.Symbol(id))
		}
	}
	return b.String()
}

// DictConfig sets how BuildDictionary keeps and pads symbols; its fields
// are fairseq-preprocess's --thresholdsrc, --nwordssrc and padding factor.
type DictConfig struct {
	Threshold     int64 // keep symbols seen at least this often (0: all)
	NWords        int   // at most this many symbols, specials included (<=0: all)
	PaddingFactor int   // pad the size to a multiple of this with madeupwordNNNN (<=1: none)
}

// DefaultDictConfig is fairseq-preprocess's default: keep every symbol and
// pad to a multiple of 8.
func DefaultDictConfig() DictConfig { return DictConfig{PaddingFactor: 8} }

// Counter counts the words of text lines for a dictionary. Each line also
// counts one EOS, as fairseq's add_file_to_dictionary does.
type Counter struct {
	Words map[string]int64
	Lines int64
}

// NewCounter returns an empty Counter.
func NewCounter() *Counter { return &Counter{Words: make(map[string]int64)} }

// AddLine counts the white-space separated words of line.
func (c *Counter) AddLine(line string) {
	for _, w := range strings.Fields(line) {
		c.Words[w]++
	}
	c.Lines++
}

// AddFile counts every line of the file at path.
func (c *Counter) AddFile(path string) error {
	return ForEachLine(path, func(n int, line string) error {
		c.AddLine(line)
		return nil
	})
}

// BuildDictionary makes a dictionary from counted words exactly as fairseq's
// Dictionary.finalize: symbols by descending count, ties in code point
// order, cut by cfg.NWords and cfg.Threshold, then padded with
// madeupword0000, madeupword0001, ... to a multiple of cfg.PaddingFactor.
// Words spelled like a special symbol add to its count.
func BuildDictionary(c *Counter, cfg DictConfig) *Dictionary {
	d := NewDictionary()
	d.counts[EOSID] += c.Lines
	type wc struct {
		w string
		n int64
	}
	words := make([]wc, 0, len(c.Words))
	for w, n := range c.Words {
		if id, ok := d.index[w]; ok {
			d.counts[id] += n
			continue
		}
		words = append(words, wc{w, n})
	}
	sort.Slice(words, func(i, j int) bool {
		if words[i].n != words[j].n {
			return words[i].n > words[j].n
		}
		return words[i].w < words[j].w
	})
	limit := len(words)
	if cfg.NWords > 0 && cfg.NWords-NSpecial < limit {
		limit = max(cfg.NWords-NSpecial, 0)
	}
	for _, x := range words[:limit] {
		if x.n < cfg.Threshold {
			break
		}
		d.add(x.w, x.n)
	}
	if cfg.PaddingFactor > 1 {
		for i := 0; d.Len()%cfg.PaddingFactor != 0; i++ {
			d.add(fmt.Sprintf("madeupword%04d", i), 0)
		}
	}
	return d
}

// WriteTo writes the dictionary in fairseq's dict.txt format: one
// "symbol count" line per symbol after the special ones.
func (d *Dictionary) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	for i := NSpecial; i < len(d.symbols); i++ {
		k, err := fmt.Fprintf(bw, "%s %d\n", d.symbols[i], d.counts[i])
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

// Save writes the dictionary to path atomically.
func (d *Dictionary) Save(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := d.WriteTo(w)
		return err
	})
}

// ReadDictionary reads a fairseq dict.txt: "symbol count" per line, an
// optional trailing "#fairseq:overwrite" flag. name is used in errors.
func ReadDictionary(r io.Reader, name string) (*Dictionary, error) {
	d := NewDictionary()
	sc := newLineScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r\n\v\f")
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s:%d: want UTF-8 text, got invalid bytes", name, n)
		}
		word, field, ok := cutLast(line)
		overwrite := false
		if ok && field == "#fairseq:overwrite" {
			overwrite = true
			word, field, ok = cutLast(word)
		}
		cnt, err := strconv.ParseInt(field, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s:%d: want \"<symbol> <count> [flags]\", got %q", name, n, line)
		}
		if _, dup := d.index[word]; dup && !overwrite {
			return nil, fmt.Errorf("%s:%d: want each symbol once, got %q again (add #fairseq:overwrite to replace it)", name, n, word)
		}
		// Like fairseq, an overwriting row takes a new id; the old id
		// keeps its symbol but lookups find the new one.
		id := int32(len(d.symbols))
		d.index[word] = id
		d.symbols = append(d.symbols, word)
		d.counts = append(d.counts, cnt)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return d, nil
}

// LoadDictionary reads the dict.txt file at path.
func LoadDictionary(path string) (*Dictionary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadDictionary(f, path)
}

// cutLast splits s at its last space.
func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}
