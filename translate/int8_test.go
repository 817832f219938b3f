package translate_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/fixup-nmt/nmt/data/synth"
	"github.com/fixup-nmt/nmt/translate"
)

// testdata/synth64.ckpt is a 2+2-layer Fixup model (d 64, ffn 256, 4
// heads, no LayerNorm) trained on the quickstart's generated corpus:
// scripts/quickstart.sh's corpus and preparation (nmt corpus synth --train
// 20000 --valid 1000 --test 1000; lowercased, 2,000 BPE merges), then nmt
// train --recipe small --encoder-layers 2 --decoder-layers 2 --dim 64
// --ffn-dim 256 --heads 4 --norm none --init fixup --dropout 0.1 --lr
// 0.003 --warmup-updates 300 --max-tokens 4096 --max-epoch 12;
// checkpoint_best (update 720) through nmt average, which keeps the
// parameters only. BLEU 97.50 on the 1,000 test pairs with beam 5
// (sacreBLEU, lowercased).

// TestInt8GreedyMatchesFloat32: on the 1,000 test sentences of the
// generated corpus (seed 1, as the quickstart's), greedy search with the
// model's products in int8 gives float32's output for at least 95% of
// them.
func TestInt8GreedyMatchesFloat32(t *testing.T) {
	k, err := synth.Generate(synth.Config{Seed: 1, Train: 1, Test: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range k.Test {
		lines = append(lines, p.De)
	}
	path := filepath.Join("testdata", "synth64.ckpt")
	f32, i8 := load(t, path, translate.Float32), load(t, path, translate.Int8)
	o := translate.DefaultOptions()
	o.Beam = 1
	a, err := f32.Translate(context.Background(), lines, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := i8.Translate(context.Background(), lines, o)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i := range a {
		if a[i].Hyps[0].Text == b[i].Hyps[0].Text {
			same++
		} else if testing.Verbose() {
			t.Logf("%d: float32 %q\n   int8    %q", i+1, a[i].Hyps[0].Text, b[i].Hyps[0].Text)
		}
	}
	t.Logf("%d of %d greedy translations identical", same, len(a))
	if same < 950 {
		t.Errorf("%d of %d greedy translations identical in int8 and float32, want at least 95%%", same, len(a))
	}
}
