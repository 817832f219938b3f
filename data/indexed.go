package data

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// The binarized dataset format is fairseq's "mmap" indexed dataset
// (MMapIndexedDataset), so fairseq can read what nmt writes and back:
//
//	PREFIX.bin: token ids of all sentences, one after another, little-endian,
//	            uint16 when the vocabulary has fewer than 65,500 symbols,
//	            int32 otherwise.
//	PREFIX.idx: "MMIDIDX\x00\x00"            magic, 9 bytes
//	            uint64 version               1
//	            uint8  dtype code            8 = uint16, 4 = int32 (also read: 1 uint8, 9 uint32)
//	            uint64 n                     number of sentences
//	            int32  sizes[n]              tokens per sentence (EOS included)
//	            int64  pointers[n]           byte offset of each sentence in .bin
//
// All integers are little-endian.
const (
	idxMagic   = "MMIDIDX\x00\x00"
	idxVersion = 1
	idxHeader  = 9 + 8 + 1 + 8
)

// dtype codes of fairseq's indexed_dataset._code_to_dtype.
const (
	dtypeUint8  = 1
	dtypeInt32  = 4
	dtypeUint16 = 8
	dtypeUint32 = 9
)

func dtypeSize(code byte) int {
	switch code {
	case dtypeUint8:
		return 1
	case dtypeUint16:
		return 2
	case dtypeInt32, dtypeUint32:
		return 4
	}
	return 0
}

// dtypeFor is fairseq's best_fitting_int_dtype (before uint32 was added).
func dtypeFor(vocabSize int) byte {
	if vocabSize < 65500 {
		return dtypeUint16
	}
	return dtypeInt32
}

// IndexedWriter writes a binarized dataset, PREFIX.bin and PREFIX.idx.
// Both files appear only when Close succeeds.
type IndexedWriter struct {
	prefix string
	code   byte
	vocab  int
	bin    *atomicfile.File
	sizes  []int32
	buf    []byte
	tokens int64
}

// NewIndexedWriter starts a dataset for ids below vocabSize.
func NewIndexedWriter(prefix string, vocabSize int) (*IndexedWriter, error) {
	bin, err := atomicfile.Create(prefix + ".bin")
	if err != nil {
		return nil, err
	}
	return &IndexedWriter{prefix: prefix, code: dtypeFor(vocabSize), vocab: vocabSize, bin: bin}, nil
}

// Add appends one sentence. Ids must lie in [0, vocabSize).
func (w *IndexedWriter) Add(ids []int32) error {
	w.buf = w.buf[:0]
	for _, id := range ids {
		if id < 0 || int(id) >= w.vocab {
			return fmt.Errorf("%s.bin: sentence %d: want ids in [0, %d), got %d", w.prefix, len(w.sizes)+1, w.vocab, id)
		}
		if w.code == dtypeUint16 {
			w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(id))
		} else {
			w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(id))
		}
	}
	if _, err := w.bin.Write(w.buf); err != nil {
		return err
	}
	w.sizes = append(w.sizes, int32(len(ids)))
	w.tokens += int64(len(ids))
	return nil
}

// Len is the number of sentences added so far.
func (w *IndexedWriter) Len() int { return len(w.sizes) }

// Tokens is the number of tokens added so far.
func (w *IndexedWriter) Tokens() int64 { return w.tokens }

// Close writes the index and commits both files.
func (w *IndexedWriter) Close() error {
	defer w.bin.Abort()
	if err := w.bin.Commit(); err != nil {
		return err
	}
	err := atomicfile.Write(w.prefix+".idx", func(out io.Writer) error {
		b := make([]byte, 0, idxHeader)
		b = append(b, idxMagic...)
		b = binary.LittleEndian.AppendUint64(b, idxVersion)
		b = append(b, w.code)
		b = binary.LittleEndian.AppendUint64(b, uint64(len(w.sizes)))
		if _, err := out.Write(b); err != nil {
			return err
		}
		if err := binary.Write(out, binary.LittleEndian, w.sizes); err != nil {
			return err
		}
		ptrs := make([]int64, len(w.sizes))
		var addr int64
		for i, s := range w.sizes {
			ptrs[i] = addr
			addr += int64(s) * int64(dtypeSize(w.code))
		}
		return binary.Write(out, binary.LittleEndian, ptrs)
	})
	if err != nil {
		os.Remove(w.prefix + ".bin")
	}
	return err
}

// Abort discards the dataset.
func (w *IndexedWriter) Abort() { w.bin.Abort() }

// Indexed is a binarized dataset opened by memory-mapping its files.
// It is safe for concurrent readers.
type Indexed struct {
	prefix   string
	idx, bin []byte
	unmap    []func() error
	code     byte
	esize    int
	sizes    []int32
	ptrs     []int64
}

// OpenIndexed maps PREFIX.idx and PREFIX.bin and checks that every
// sentence lies inside the data file.
func OpenIndexed(prefix string) (*Indexed, error) {
	d := &Indexed{prefix: prefix}
	var err error
	if d.idx, err = mapFile(prefix+".idx", &d.unmap); err != nil {
		return nil, err
	}
	if d.bin, err = mapFile(prefix+".bin", &d.unmap); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.parse(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Indexed) parse() error {
	name := d.prefix + ".idx"
	b := d.idx
	if len(b) < idxHeader || !bytes.Equal(b[:9], []byte(idxMagic)) {
		return fmt.Errorf("%s: want a fairseq mmap index (magic %q), got another file", name, idxMagic)
	}
	if v := binary.LittleEndian.Uint64(b[9:]); v != idxVersion {
		return fmt.Errorf("%s: want version %d, got %d", name, idxVersion, v)
	}
	d.code = b[17]
	if d.esize = dtypeSize(d.code); d.esize == 0 {
		return fmt.Errorf("%s: want dtype code 1, 4, 8 or 9, got %d", name, d.code)
	}
	n := binary.LittleEndian.Uint64(b[18:])
	if want := uint64(idxHeader) + 12*n; n > uint64(len(b)) || uint64(len(b)) != want {
		return fmt.Errorf("%s: want %d bytes for %d sentences, got %d", name, uint64(idxHeader)+12*n, n, len(b))
	}
	d.sizes = make([]int32, n)
	d.ptrs = make([]int64, n)
	off := idxHeader
	for i := range d.sizes {
		d.sizes[i] = int32(binary.LittleEndian.Uint32(b[off+4*i:]))
	}
	off += 4 * int(n)
	for i := range d.ptrs {
		d.ptrs[i] = int64(binary.LittleEndian.Uint64(b[off+8*i:]))
	}
	for i := range d.sizes {
		s, p := int64(d.sizes[i]), d.ptrs[i]
		if s < 0 || p < 0 || p%int64(d.esize) != 0 || p+s*int64(d.esize) > int64(len(d.bin)) {
			return fmt.Errorf("%s: sentence %d: want %d tokens at byte %d inside %s.bin (%d bytes), got out of bounds", name, i, s, p, d.prefix, len(d.bin))
		}
	}
	return nil
}

// Len is the number of sentences.
func (d *Indexed) Len() int { return len(d.sizes) }

// Sizes returns the number of tokens of every sentence; do not modify it.
func (d *Indexed) Sizes() []int32 { return d.sizes }

// Size returns the number of tokens of sentence i.
func (d *Indexed) Size(i int) int { return int(d.sizes[i]) }

// Get appends the ids of sentence i to dst and returns it. It panics if i
// is out of range, like a slice index.
func (d *Indexed) Get(dst []int32, i int) []int32 {
	if i < 0 || i >= len(d.sizes) {
		panic(fmt.Sprintf("data: %s: sentence %d out of range [0, %d)", d.prefix, i, len(d.sizes)))
	}
	p, n := int(d.ptrs[i]), int(d.sizes[i])
	b := d.bin[p : p+n*d.esize]
	for k := 0; k < n; k++ {
		var id int32
		switch d.code {
		case dtypeUint8:
			id = int32(b[k])
		case dtypeUint16:
			id = int32(binary.LittleEndian.Uint16(b[2*k:]))
		default:
			id = int32(binary.LittleEndian.Uint32(b[4*k:]))
		}
		dst = append(dst, id)
	}
	return dst
}

// Close unmaps the files.
func (d *Indexed) Close() error {
	var first error
	for _, f := range d.unmap {
		if err := f(); err != nil && first == nil {
			first = err
		}
	}
	d.unmap = nil
	d.idx, d.bin = nil, nil
	return first
}
