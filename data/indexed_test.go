package data

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeIndexed(t *testing.T, prefix string, vocab int, sents [][]int32) {
	t.Helper()
	w, err := NewIndexedWriter(prefix, vocab)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sents {
		if err := w.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIndexedRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name  string
		vocab int
		esize int
	}{{"uint16", 9720, 2}, {"int32", 70000, 4}} {
		t.Run(tt.name, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "train.de-en.de")
			sents := [][]int32{{5, 6, EOSID}, {EOSID}, {int32(tt.vocab - 1), 4, 4, 4, EOSID}, {}}
			writeIndexed(t, prefix, tt.vocab, sents)
			d, err := OpenIndexed(prefix)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if d.Len() != len(sents) || !reflect.DeepEqual(d.Sizes(), []int32{3, 1, 5, 0}) {
				t.Fatalf("len %d sizes %v", d.Len(), d.Sizes())
			}
			for i, s := range sents {
				if got := d.Get(nil, i); len(got)+len(s) > 0 && !reflect.DeepEqual(got, s) {
					t.Errorf("sentence %d = %v, want %v", i, got, s)
				}
			}
			st, _ := os.Stat(prefix + ".bin")
			if st.Size() != int64(9*tt.esize) {
				t.Errorf(".bin is %d bytes, want %d", st.Size(), 9*tt.esize)
			}
			ents, _ := os.ReadDir(filepath.Dir(prefix))
			if len(ents) != 2 {
				t.Errorf("files %v, want only .bin and .idx", ents)
			}
		})
	}
}

// TestIndexedFairseqBytes pins the index layout to fairseq's
// MMapIndexedDataset: magic, version 1, dtype code 8 (uint16), count,
// int32 sizes, int64 byte pointers.
func TestIndexedFairseqBytes(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "x")
	writeIndexed(t, prefix, 100, [][]int32{{7, 2}, {9, 9, 2}})
	idx, _ := os.ReadFile(prefix + ".idx")
	want := []byte("MMIDIDX\x00\x00")
	want = binary.LittleEndian.AppendUint64(want, 1)
	want = append(want, 8)
	want = binary.LittleEndian.AppendUint64(want, 2)
	want = binary.LittleEndian.AppendUint32(want, 2)
	want = binary.LittleEndian.AppendUint32(want, 3)
	want = binary.LittleEndian.AppendUint64(want, 0)
	want = binary.LittleEndian.AppendUint64(want, 4)
	if !reflect.DeepEqual(idx, want) {
		t.Errorf(".idx = % x\nwant  % x", idx, want)
	}
	bin, _ := os.ReadFile(prefix + ".bin")
	if !reflect.DeepEqual(bin, []byte{7, 0, 2, 0, 9, 0, 9, 0, 2, 0}) {
		t.Errorf(".bin = % x", bin)
	}
}

func TestIndexedBadFiles(t *testing.T) {
	good := func(t *testing.T) string {
		prefix := filepath.Join(t.TempDir(), "x")
		writeIndexed(t, prefix, 100, [][]int32{{7, 2}, {9, 9, 2}})
		return prefix
	}
	tests := []struct {
		name   string
		damage func(prefix string)
		err    string
	}{
		{"bad magic", func(p string) { patch(p+".idx", 0, []byte("XX")) }, "want a fairseq mmap index"},
		{"bad version", func(p string) { patch(p+".idx", 9, []byte{2}) }, "want version 1, got 2"},
		{"bad dtype", func(p string) { patch(p+".idx", 17, []byte{6}) }, "want dtype code 1, 4, 8 or 9, got 6"},
		{"truncated index", func(p string) { os.Truncate(p+".idx", 40) }, "want 50 bytes for 2 sentences, got 40"},
		{"huge count", func(p string) { patch(p+".idx", 18, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f}) }, "bytes for"},
		{"truncated data", func(p string) { os.Truncate(p+".bin", 6) }, "sentence 1: want 3 tokens at byte 4"},
		{"missing data", func(p string) { os.Remove(p + ".bin") }, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good(t)
			tt.damage(p)
			_, err := OpenIndexed(p)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func patch(path string, off int64, b []byte) {
	f, _ := os.OpenFile(path, os.O_WRONLY, 0)
	f.WriteAt(b, off)
	f.Close()
}

func TestIndexedWriterRejectsBadIDs(t *testing.T) {
	dir := t.TempDir()
	w, err := NewIndexedWriter(filepath.Join(dir, "x"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add([]int32{3, 10}); err == nil || !strings.Contains(err.Error(), "sentence 1: want ids in [0, 10), got 10") {
		t.Errorf("err = %v", err)
	}
	w.Abort()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind %v", ents)
	}
}

func TestIndexedGetPanicsOutOfRange(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "x")
	writeIndexed(t, prefix, 10, [][]int32{{2}})
	d, _ := OpenIndexed(prefix)
	defer d.Close()
	defer func() {
		if recover() == nil {
			t.Error("Get(1) did not panic")
		}
	}()
	d.Get(nil, 1)
}
