package train

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// recipes are named configs: DefaultConfig with the settings of a
// published run. Any key of a config file or flag overrides them.
var recipes = map[string]func(c *Config){
	"iwslt14-fixup": iwslt14Fixup,
	// The same with post-LayerNorm and default init: fairseq's IWSLT'14
	// example.
	"iwslt14-layernorm": func(c *Config) {
		iwslt14(c)
		c.Model.Norm, c.Model.Init, c.Model.Dropout, c.Data.MaxTokens = "post", "default", 0.3, 4096
	},
	// T-Fixup style: no warmup, lr_t = lr*sqrt(4000/(4000+t)).
	"iwslt14-tfixup": func(c *Config) {
		iwslt14Fixup(c)
		c.Model.Init = "t-fixup"
		c.Optim.LRScheduler, c.Optim.WarmupUpdates, c.Optim.WarmupInitLR = "inverse_sqrt_nowarmup", 4000, -1
	},
	// Quickstart on the synthetic corpus (nmt corpus synth): a small
	// Fixup model that learns in minutes on a laptop CPU.
	"small": func(c *Config) {
		m, o := &c.Model, &c.Optim
		m.Arch, m.Norm, m.Init = "small", "none", "fixup"
		o.LR, o.LRScheduler, o.WarmupUpdates, o.WarmupInitLR = 1e-3, "inverse_sqrt", 500, 1e-7
		o.LabelSmoothing, m.Dropout, o.WeightDecay, c.Data.MaxTokens = 0.1, 0.1, 1e-4, 2048
		o.MaxEpoch, c.Log.Interval, c.Checkpoint.SaveIntervalUpdates, c.Checkpoint.KeepIntervalUpdates = 20, 20, 500, 2
	},
}

// iwslt14Fixup: Fixup on IWSLT'14 de-en (Zhang et al. 2019, fairseq's
// transformer_iwslt_de_en without LayerNorm).
func iwslt14Fixup(c *Config) {
	iwslt14(c)
	c.Model.Norm, c.Model.Init, c.Model.Dropout, c.Data.MaxTokens = "none", "fixup", 0.5, 4000
}

// iwslt14 sets what the IWSLT'14 recipes share: fairseq's
// transformer_iwslt_de_en with Adam, inverse-sqrt warmup, label smoothing
// and weight decay.
func iwslt14(c *Config) {
	o := &c.Optim
	c.Model.Arch = "iwslt"
	o.Optimizer, o.AdamBetas, o.LR = "adam", "0.9,0.98", 5e-4
	o.LRScheduler, o.WarmupUpdates, o.WarmupInitLR = "inverse_sqrt", 4000, 1e-7
	o.LabelSmoothing, o.WeightDecay = 0.1, 1e-4
}

// Recipes lists the recipe names.
func Recipes() []string {
	var out []string
	for k := range recipes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Recipe returns DefaultConfig with the named recipe applied ("" is the
// default config).
func Recipe(name string) (Config, error) {
	c := DefaultConfig()
	if name == "" {
		return c, nil
	}
	r, ok := recipes[name]
	if !ok {
		return c, fmt.Errorf("recipe: want one of %s, got %q", strings.Join(Recipes(), ", "), name)
	}
	r(&c)
	c.Recipe = name
	return c, nil
}

// Resolve builds the config of a run: the recipe (from flags, else from
// the config file), then the config file, then flags (key -> text value,
// only those given on the command line). It does not validate.
func Resolve(configPath string, flags map[string]string) (Config, error) {
	var file []byte
	recipe := ""
	if configPath != "" {
		b, err := os.ReadFile(configPath)
		if err != nil {
			return Config{}, err
		}
		file = b
		var probe Config
		if err := probe.DecodeYAML(b, configPath); err != nil {
			return Config{}, err
		}
		recipe = probe.Recipe
	}
	if r, ok := flags["recipe"]; ok {
		recipe = r
	}
	c, err := Recipe(recipe)
	if err != nil {
		return c, err
	}
	if file != nil {
		if err := c.DecodeYAML(file, configPath); err != nil {
			return c, err
		}
	}
	keys := make([]string, 0, len(flags))
	for k := range flags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := c.Set(k, flags[k]); err != nil {
			return c, fmt.Errorf("--%w", err)
		}
	}
	c.Recipe = recipe
	return c, nil
}
