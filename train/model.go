package train

import (
	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/fixup"
)

// BuildTransformer is the BuildFunc of `nmt train`: the Transformer of
// package transformer (c.Model resolved for v), initialised by fixup.New
// according to its Init.
func BuildTransformer(p *nn.Path, c Config, v Vocab) (Model, any, error) {
	mc, err := c.Model.Resolve(v)
	if err != nil {
		return nil, nil, err
	}
	m, err := fixup.New(p, mc)
	if err != nil {
		return nil, nil, err
	}
	return m, mc, nil
}
