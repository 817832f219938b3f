// Package transformer is a fairseq-faithful encoder-decoder Transformer on
// gotch (libtorch): the transformer_iwslt_de_en / transformer / big
// architectures and a small preset, post-, pre- or no LayerNorm, with the
// structure (scalar biases, multipliers, gates, residual alphas) that the
// initialisations of package fixup need.
//
// Semantics copied from fairseq 0.12 (and ../shared/bench/transformer_ref.py):
// dictionary bos 0, pad 1, eos 2, unk 3; the source is left-padded, the
// target right-padded, prevOutput is EOS followed by the target shifted
// right; token embeddings are scaled by sqrt(D) and added to sinusoidal
// positions that count from Pad+1 over non-pad tokens (pad -> zero row);
// attention scales q by head_dim^-1/2, masks padding keys (and the future
// in the decoder) with -inf and runs softmax in float32; FFN is
// fc2(relu(fc1(x))). q, k and v share one stacked [3D, D] projection (one
// matmul for self-attention, q and k/v slices for encoder attention).
//
// Incremental decoding (NewState, Step, StepLogits) keeps, per decoder
// layer, self-attention key and value caches [Bcap, H, C, dh] written in
// place at each step (no concatenation), whose capacity C starts near the
// source length and doubles when full, and the encoder keys and values
// [2, G, H, S, dh], computed once per source and shared by its beams.
// State.Reorder reorders rows for beam search: where the CPU attention
// kernel runs, by reordering each row's list of cache rows (slots), which
// moves no keys or values; elsewhere by one index_select into a spare
// cache (state.go says more). On the CPU the decoder's weights are packed
// for the linear layers' kernel once per model (pack.go).
//
// Memory: every tensor a Forward, Encode or Decode makes belongs to the
// current ts.Scope; run each step in one. Step frees its own temporaries
// and returns only the log-probabilities. A State owns its tensors (they
// belong to no scope): Reorder frees what it replaces, Free drops them all.
// All torch code runs on one goroutine locked to its thread (tch.LockThread).
//
// Usage:
//
//	tch.LockThread()
//	cfg, _ := transformer.Preset("iwslt")
//	cfg.Norm, cfg.Init = "none", "fixup"
//	vs := nn.NewVarStore(gotch.CPU)
//	transformer.ManualSeed(1)
//	m, err := fixup.New(vs.Root(), cfg) // or transformer.New: default init
//	s := ts.NewScope()
//	logits := m.Forward(src, prev) // [B, T, V]
//	s.Close()
//
// Speed figures and the command that reproduces them are in
// docs/decode.md and docs/train.md.
package transformer
