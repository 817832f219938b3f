package data

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestLanguagePair(t *testing.T) {
	dir := t.TempDir()
	c := counter("a b c", "b c", "x y z")
	d := BuildDictionary(c, DefaultDictConfig())
	for _, l := range []string{"de", "en"} {
		if err := d.Save(filepath.Join(dir, "dict."+l+".txt")); err != nil {
			t.Fatal(err)
		}
	}
	src := [][]int32{d.Encode("a b c", nil), d.Encode("b", nil)}
	tgt := [][]int32{d.Encode("x", nil), d.Encode("y z", nil)}
	writeIndexed(t, DatasetPrefix(dir, "train", "de", "en", "de"), d.Len(), src)
	writeIndexed(t, DatasetPrefix(dir, "train", "de", "en", "en"), d.Len(), tgt)
	p, err := OpenLanguagePair(dir, "train", "de", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	plan, err := p.Plan(BatchConfig{MaxTokens: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Batches) != 1 {
		t.Fatalf("batches %v", plan.Batches)
	}
	b := p.Batch(plan.Batches[0])
	if b.B != 2 || b.S != 4 || b.T != 3 || !reflect.DeepEqual(b.IDs, []int64{0, 1}) {
		t.Errorf("batch %+v", b)
	}
	if got := p.SrcDict.Decode(p.Sample(0).Source); got != "a b c" {
		t.Errorf("decode = %q", got)
	}
	if _, err := OpenLanguagePair(dir, "valid", "de", "en"); err == nil {
		t.Error("missing split: want an error")
	}
}
