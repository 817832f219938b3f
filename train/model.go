package train

import (
	"github.com/sugarme/gotch/nn"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/transformer"
)

// ModelConfig turns the model keys of c into a transformer.Config for
// vocabulary v: the preset (arch), then every key that is set.
func ModelConfig(c Config, v Vocab) (transformer.Config, error) {
	m, err := transformer.Preset(c.Arch)
	if err != nil {
		return m, err
	}
	setInt := func(dst *int, x int) {
		if x > 0 {
			*dst = x
		}
	}
	setInt(&m.EncoderLayers, c.EncoderLayers)
	setInt(&m.DecoderLayers, c.DecoderLayers)
	setInt(&m.Dim, c.Dim)
	setInt(&m.FFNDim, c.FFNDim)
	setInt(&m.Heads, c.Heads)
	if c.Norm != "" {
		m.Norm = c.Norm
	}
	if c.Init != "" {
		m.Init = c.Init
	}
	setF := func(dst *float64, x float64) {
		if x >= 0 {
			*dst = x
		}
	}
	setF(&m.Dropout, c.Dropout)
	setF(&m.AttentionDropout, c.AttentionDropout)
	setF(&m.ActivationDropout, c.ActivationDropout)
	m.SrcVocab, m.TgtVocab, m.Pad, m.EOS = v.Src, v.Tgt, v.Pad, v.EOS
	m.ShareDecoderInputOutput, m.ShareAll = c.ShareDecoderIO, c.ShareAll
	m.MaxPositions = c.MaxPositions
	return m, m.Validate()
}

// BuildTransformer is the BuildFunc of `nmt train`: the Transformer of
// package transformer, initialised by fixup.New according to its Init.
func BuildTransformer(p *nn.Path, c Config, v Vocab) (Model, any, error) {
	mc, err := ModelConfig(c, v)
	if err != nil {
		return nil, nil, err
	}
	m, err := fixup.New(p, mc)
	if err != nil {
		return nil, nil, err
	}
	return m, mc, nil
}
