// Package fixup builds Transformers with the initialisations that let them
// train without (or with scaled) LayerNorm, by name:
//
//   - "default": fairseq's (Xavier-uniform, q/k/v gain 1/sqrt(2), zero
//     biases, embeddings N(0, d^-1/2)); any norm.
//   - "fixup" (Zhang et al., ICLR 2019, as hongyi-zhang/Fixup's
//     transformer_zero.py applies it; norm "none"): L = 2*enc + 3*dec
//     residual branches. FFN (m = 2): fc1 Xavier-uniform times L^(-1/2),
//     fc2 zero. Attention (m = 4): the stacked q/k/v [3D, D] Xavier-uniform
//     times L^(-1/6), output projection zero. No biases inside attention
//     and FFN; a scalar bias (0) before each attention, before fc1, before
//     the ReLU and before fc2; a scalar multiplier (1) at the end of every
//     branch; the encoder output gets a scalar multiplier and bias, the
//     decoder output a scalar bias; an unshared output projection starts at
//     zero (a shared one is the embedding and is not zeroed).
//     Deviation from the official code, on purpose: that code uses 12 in
//     place of L for the decoder's encoder attention; we use the paper's L
//     for every branch.
//   - "t-fixup" (Huang et al., ICML 2020, layer6ai-labs/T-Fixup; norm
//     "none"): Xavier everywhere with value projections at gain 1;
//     encoder value, attention output and FFN weights times
//     0.67*N_enc^(-1/4); the decoder's (self and encoder attention, FFN)
//     times (9*N_dec)^(-1/4); source embeddings times (9*N_enc)^(-1/4),
//     target embeddings times (9*N_dec)^(-1/4) (a fully shared embedding
//     gets the target factor once).
//   - "deepnorm" (Wang et al., 2022; post norm): x = LN(alpha*x + G(x));
//     FFN, value and output weights Xavier-normal with gain beta, q and k
//     Xavier-normal with gain 1; encoder alpha = 0.81*(N^4 M)^(1/16),
//     beta = 0.87*(N^4 M)^(-1/16); decoder alpha = (3M)^(1/4),
//     beta = (12M)^(-1/4).
//   - "rezero" (Bachlechner et al., 2020; norm "none"): x + a*F(x), one
//     gate a per layer shared by its branches, init 0; other weights as
//     "default".
//
// Other init/norm pairs are errors that list the valid ones.
//
// Usage:
//
//	cfg, _ := transformer.Preset("iwslt")
//	cfg.Norm, cfg.Init = "none", "fixup"
//	vs := nn.NewVarStore(gotch.CPU)
//	transformer.ManualSeed(1)
//	m, err := fixup.New(vs.Root(), cfg)
package fixup
