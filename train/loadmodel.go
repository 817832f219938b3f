package train

import (
	"encoding/json"
	"fmt"

	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

// LoadModel builds the Transformer of a checkpoint of nmt train or nmt
// average in vs (an otherwise empty VarStore, on any device) and copies
// its "model." tensors in; the model is in evaluation mode. It returns
// the checkpoint's header too: its Meta has the config and the data files.
// An int8 checkpoint (nmt quantize) is refused: LoadModelWith reads those.
func LoadModel(path string, vs *nn.VarStore) (*transformer.Model, *Header, error) {
	return LoadModelWith(path, vs, nil)
}

// VarsLoader puts a checkpoint's tensors (byName, "model.NAME" for
// variable NAME) into the variables of the model cfg describes.
type VarsLoader func(cfg transformer.Config, vars []Param, byName map[string]Blob) error

// LoadModelWith is LoadModel with load in place of its float32 copy, for
// checkpoints with other tensors (translate's int8 ones); nil is
// LoadModel's.
func LoadModelWith(path string, vs *nn.VarStore, load VarsLoader) (*transformer.Model, *Header, error) {
	hdr, blobs, err := ReadCheckpoint(path)
	if err != nil {
		return nil, nil, err
	}
	if load == nil {
		if hdr.Int8() {
			return nil, nil, errInt8(path)
		}
		load = func(_ transformer.Config, vars []Param, byName map[string]Blob) error { return loadVars(vars, byName) }
	}
	if hdr.Meta.Format != FormatVersion {
		return nil, nil, fmt.Errorf("%s: checkpoint format %d, this nmt reads %d", path, hdr.Meta.Format, FormatVersion)
	}
	if hdr.Meta.ModelConfig == nil {
		return nil, nil, fmt.Errorf("%s: no model_config in the checkpoint's metadata", path)
	}
	var mc transformer.Config
	b, _ := json.Marshal(hdr.Meta.ModelConfig)
	if err := json.Unmarshal(b, &mc); err != nil {
		return nil, nil, fmt.Errorf("%s: model_config: %w", path, err)
	}
	var m *transformer.Model
	err = tch.Catch(func() error {
		if m, err = fixup.New(vs.Root(), mc); err != nil {
			return err
		}
		return load(m.Config(), AllVars(vs), blobsByName(blobs))
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	m.SetTraining(false)
	return m, hdr, nil
}

func blobsByName(blobs []Blob) map[string]Blob {
	byName := make(map[string]Blob, len(blobs))
	for _, b := range blobs {
		byName[b.Name] = b
	}
	return byName
}

// loadVars copies the "model.NAME" blob into each variable NAME.
func loadVars(vars []Param, byName map[string]Blob) error {
	for _, p := range vars {
		b, ok := byName["model."+p.Name]
		if !ok {
			return fmt.Errorf("model variable %s is missing", p.Name)
		}
		if err := loadBlob(p.T, b); err != nil {
			return err
		}
	}
	return nil
}
