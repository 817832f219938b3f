package train

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/tch"
)

// TestLoadModel: the model LoadModel builds from checkpoint_last has the
// trainer's configuration and, bit for bit, its parameters.
func TestLoadModel(t *testing.T) {
	tch.LockThread()
	c := realConfig(t)
	c.Optim.MaxUpdate = 3
	tr, err := New(c, Options{Build: BuildTransformer, Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	vs := nn.NewVarStore(gotch.CPU)
	m, hdr, err := LoadModel(filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext), vs)
	if err != nil {
		t.Fatal(err)
	}
	if mc := m.Config(); hdr.Meta.Updates != 3 || mc.EncoderLayers != 1 || mc.Dim != 32 || mc.Init != "fixup" {
		t.Errorf("update %d, config %+v", hdr.Meta.Updates, mc)
	}
	want, got := AllVars(tr.vs), AllVars(vs)
	if len(got) != len(want) {
		t.Fatalf("%d variables, the trainer has %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !slices.Equal(got[i].T.Float64Values(), want[i].T.Float64Values()) {
			t.Errorf("variable %s differs from the trainer's %s", got[i].Name, want[i].Name)
		}
	}
	runtime.KeepAlive(vs) // AllVars' tensors are copies that share its handles
	runtime.KeepAlive(m)
	bad := filepath.Join(t.TempDir(), "x.ckpt")
	os.WriteFile(bad, []byte("not a checkpoint"), 0o644)
	if _, _, err := LoadModel(bad, nn.NewVarStore(gotch.CPU)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a file that is no checkpoint: %v", err)
	}
}
