package transformer

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/sugarme/gotch/nn"
)

// Checkpoints are gotch VarStore files (path) with the model's Config as
// JSON beside them (path + ".json").

// Save writes vs's parameters to path and c to path+".json".
func Save(path string, vs *nn.VarStore, c Config) error {
	if err := vs.Save(path); err != nil {
		return fmt.Errorf("transformer: save %s: %w", path, err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path+".json", append(b, '\n'), 0o644)
}

// LoadConfig reads the Config saved beside the checkpoint at path.
func LoadConfig(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path + ".json")
	if err != nil {
		return c, fmt.Errorf("transformer: checkpoint config: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("transformer: %s.json: %w", path, err)
	}
	return c, c.Validate()
}

// Load builds the checkpoint's model in vs (an otherwise empty VarStore)
// and loads its parameters. The structure follows the saved Config's Init,
// so no initialisation is needed before the load.
func Load(path string, vs *nn.VarStore) (*Model, error) {
	c, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	m, err := New(vs.Root(), c)
	if err != nil {
		return nil, err
	}
	if err := vs.Load(path); err != nil {
		return nil, fmt.Errorf("transformer: load %s: %w", path, err)
	}
	return m, nil
}
