package translate

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"unsafe"

	"github.com/fixup-nmt/nmt/quant"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/transformer"
)

// An int8 checkpoint (Quantize, `nmt quantize`) is a train checkpoint
// whose quantized weights are stored with dtype "int8" in their own shape
// [rows, cols], each beside its row scales, float32 [rows], under the
// weight's name plus ScaleSuffix. Every other tensor keeps its dtype; the
// optimizer state is dropped. Each weight's precision is its stored
// dtype: a linear weight kept in float32 (the output projection, on
// request) runs in float32 when the model runs in int8. Where the output
// projection is the target embedding, an int8 copy of it is stored as
// transformer.OutputProjection unless the embedding itself is int8.
const ScaleSuffix = ".int8_scale"

// QuantizeOptions choose which weights Quantize stores in int8, and which
// ones a float32 checkpoint loaded in int8 (LoadOptions.Int8) keeps in
// float32: the decoder's linear layers always run in int8.
type QuantizeOptions struct {
	Embeddings Precision // Float32 (also Auto) or Int8; files only
	Encoder    Precision // the encoder's linear layers: Int8 (also Auto) or Float32
	Output     Precision // the output projection: Int8 (also Auto) or Float32
}

// quantizes reports whether o puts the weight name (as
// transformer.Config.Int8Weights names it) in int8.
func (o QuantizeOptions) quantizes(name string) bool {
	switch {
	case name == transformer.OutputProjection:
		return o.Output != Float32
	case strings.HasPrefix(name, "encoder."):
		return o.Encoder != Float32
	}
	return true
}

// QuantizedTensor is what quantizing one weight cost.
type QuantizedTensor struct {
	Name     string  `json:"name"`
	Shape    []int64 `json:"shape"`
	MaxError float64 `json:"max_error"` // largest |w - dequantized w|
	Bound    float64 `json:"bound"`     // the largest row's half step: MaxError <= Bound
	RelRMS   float64 `json:"rel_rms"`   // ||w - dequantized w|| / ||w||
}

// QuantizeReport says what Quantize wrote.
type QuantizeReport struct {
	Tensors  []QuantizedTensor `json:"tensors"`
	InBytes  int64             `json:"in_bytes"`  // the input file
	OutBytes int64             `json:"out_bytes"` // the int8 checkpoint
	// The model's tensors alone (no optimizer state, no metadata), as
	// read and as written.
	ModelInBytes  int64 `json:"model_in_bytes"`
	ModelOutBytes int64 `json:"model_out_bytes"`
}

// Quantize writes an int8 checkpoint of the float32 checkpoint in to out
// (atomically): every linear layer's weight quantized by output channel
// (quant.Int8), the encoder's and the output projection too unless
// o.Encoder or o.Output is Float32, the embeddings where o.Embeddings is
// Int8; biases, norms and Fixup's scalars stay float32.
func Quantize(in, out string, o QuantizeOptions) (*QuantizeReport, error) {
	embed8, out8, err := o.check()
	if err != nil {
		return nil, err
	}
	hdr, blobs, err := train.ReadCheckpoint(in)
	if err != nil {
		return nil, err
	}
	if hdr.Int8() {
		return nil, fmt.Errorf("%s: already an int8 checkpoint", in)
	}
	cfg, err := modelConfig(in, hdr.Meta)
	if err != nil {
		return nil, err
	}
	shared := cfg.ShareAll || cfg.ShareDecoderInputOutput
	if shared && embed8 && !out8 {
		return nil, fmt.Errorf("%s: the output projection is the target embedding in this model: embeddings int8 and output float32 cannot both hold", in)
	}
	which := map[string]bool{}
	for _, n := range cfg.Int8Weights() {
		which["model."+n] = o.quantizes(n)
	}
	for _, n := range []string{"encoder.embed_tokens.weight", "decoder.embed_tokens.weight"} {
		which["model."+n] = embed8
	}
	var outBlobs []train.Blob
	rep := &QuantizeReport{}
	add := func(name string, b train.Blob) error {
		q, qt, err := quantizeBlob(name, b)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		rep.Tensors = append(rep.Tensors, qt)
		outBlobs = append(outBlobs, q...)
		return nil
	}
	for _, b := range blobs {
		if strings.HasPrefix(b.Name, "model.") {
			rep.ModelInBytes += int64(len(b.Data))
		}
		switch {
		case !strings.HasPrefix(b.Name, "model."):
			continue // optimizer state
		case which[b.Name]:
			err = add(b.Name, b)
		default:
			outBlobs = append(outBlobs, b)
		}
		if err != nil {
			return nil, err
		}
	}
	if shared && out8 && !embed8 {
		if err := add("model."+transformer.OutputProjection, blobByName(blobs, "model."+sharedEmbedding(cfg))); err != nil {
			return nil, err
		}
	}
	for _, b := range outBlobs {
		rep.ModelOutBytes += int64(len(b.Data))
	}
	meta := hdr.Meta
	meta.OptimStep = 0
	if err := train.WriteCheckpoint(out, meta, outBlobs); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		path string
		n    *int64
	}{{in, &rep.InBytes}, {out, &rep.OutBytes}} {
		if st, err := os.Stat(p.path); err == nil {
			*p.n = st.Size()
		}
	}
	return rep, nil
}

func (o QuantizeOptions) check() (embed8, out8 bool, err error) {
	switch o.Embeddings {
	case Auto, Float32, Int8:
	default:
		return false, false, fmt.Errorf("quantize: embeddings %q: want float32 or int8", o.Embeddings)
	}
	switch o.Output {
	case Auto, Float32, Int8:
	default:
		return false, false, fmt.Errorf("quantize: output projection %q: want int8 or float32", o.Output)
	}
	switch o.Encoder {
	case Auto, Float32, Int8:
	default:
		return false, false, fmt.Errorf("quantize: encoder %q: want int8 or float32", o.Encoder)
	}
	return o.Embeddings == Int8, o.Output != Float32, nil
}

// sharedEmbedding names the parameter that is the output projection where
// it is shared.
func sharedEmbedding(c transformer.Config) string {
	if c.ShareAll {
		return "encoder.embed_tokens.weight"
	}
	return "decoder.embed_tokens.weight"
}

func blobByName(blobs []train.Blob, name string) train.Blob {
	for _, b := range blobs {
		if b.Name == name {
			return b
		}
	}
	return train.Blob{TensorInfo: train.TensorInfo{Name: name}}
}

// quantizeBlob stores the float32 matrix b as name in int8, with its
// scales, and measures the error.
func quantizeBlob(name string, b train.Blob) ([]train.Blob, QuantizedTensor, error) {
	qt := QuantizedTensor{Name: strings.TrimPrefix(name, "model."), Shape: b.Shape}
	if b.DType != "float32" || len(b.Shape) != 2 {
		return nil, qt, fmt.Errorf("tensor %s: %s %v, want a float32 matrix", b.Name, b.DType, b.Shape)
	}
	w := b.Float32s()
	m, err := quant.Int8(w, int(b.Shape[0]), int(b.Shape[1]))
	if err != nil {
		return nil, qt, fmt.Errorf("tensor %s: %w", b.Name, err)
	}
	var se, sw float64
	for i, v := range m.Dequantize() {
		d := math.Abs(float64(v - w[i]))
		qt.MaxError = math.Max(qt.MaxError, d)
		se += d * d
		sw += float64(w[i]) * float64(w[i])
	}
	for r := 0; r < m.Rows; r++ {
		qt.Bound = math.Max(qt.Bound, float64(m.Bound(r)))
	}
	if sw > 0 {
		qt.RelRMS = math.Sqrt(se / sw)
	}
	scales := make([]byte, 4*len(m.Scale))
	for i, s := range m.Scale {
		binary.LittleEndian.PutUint32(scales[4*i:], math.Float32bits(s))
	}
	qb := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(m.Q))), len(m.Q))
	return []train.Blob{
		{TensorInfo: train.TensorInfo{Name: name, DType: "int8", Shape: b.Shape}, Data: qb},
		{TensorInfo: train.TensorInfo{Name: name + ScaleSuffix, DType: "float32", Shape: []int64{b.Shape[0]}}, Data: scales},
	}, qt, nil
}

// int8Matrix reads the int8 tensor name of an int8 checkpoint and its
// scales.
func int8Matrix(byName map[string]train.Blob, name string) (*quant.Matrix, error) {
	b := byName[name]
	s, ok := byName[name+ScaleSuffix]
	if len(b.Shape) != 2 || int64(len(b.Data)) != b.Shape[0]*b.Shape[1] {
		return nil, fmt.Errorf("tensor %s: int8 %v of %d bytes, want a matrix", name, b.Shape, len(b.Data))
	}
	if !ok || s.DType != "float32" || int64(len(s.Data)) != 4*b.Shape[0] {
		return nil, fmt.Errorf("tensor %s: no float32 scales %s of %d rows", name, name+ScaleSuffix, b.Shape[0])
	}
	m := &quant.Matrix{Rows: int(b.Shape[0]), Cols: int(b.Shape[1]), Scale: s.Float32s(),
		Q: unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b.Data))), len(b.Data))}
	for i, q := range m.Q {
		if q == -128 {
			return nil, fmt.Errorf("tensor %s: row %d holds -128 (an int8 checkpoint's values are -127..127)", name, i/m.Cols)
		}
	}
	return m, nil
}

// blobFloat32s is a tensor's values as float32, an int8 one dequantized.
func blobFloat32s(byName map[string]train.Blob, b train.Blob) ([]float32, error) {
	switch b.DType {
	case "float32":
		return b.Float32s(), nil
	case "int8":
		m, err := int8Matrix(byName, b.Name)
		if err != nil {
			return nil, err
		}
		return m.Dequantize(), nil
	}
	return nil, fmt.Errorf("tensor %s: dtype %s, want float32 or int8", b.Name, b.DType)
}

// modelConfig reads a checkpoint's model_config.
func modelConfig(path string, meta train.Meta) (transformer.Config, error) {
	var c transformer.Config
	if meta.Format != train.FormatVersion {
		return c, fmt.Errorf("checkpoint %s: format version %d, this nmt reads %d", path, meta.Format, train.FormatVersion)
	}
	if meta.ModelConfig == nil {
		return c, fmt.Errorf("checkpoint %s: no model_config in its metadata", path)
	}
	b, _ := json.Marshal(meta.ModelConfig)
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("checkpoint %s: model_config: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return c, nil
}

// StoredTensor is one model tensor of a checkpoint as stored: its dtype
// and shape, and its values in float32 (an int8 one dequantized).
type StoredTensor struct {
	Name   string // without "model."
	DType  string
	Shape  []int64
	Values []float32
}

// ReadModel reads a checkpoint's model: its config, its stored precision
// (Int8 where any tensor is int8) and its model tensors in name order
// (the scales of int8 ones folded into their values).
func ReadModel(path string) (transformer.Config, Precision, []StoredTensor, error) {
	hdr, blobs, err := train.ReadCheckpoint(path)
	if err != nil {
		return transformer.Config{}, Auto, nil, err
	}
	cfg, err := modelConfig(path, hdr.Meta)
	if err != nil {
		return cfg, Auto, nil, err
	}
	prec := Float32
	if hdr.Int8() {
		prec = Int8
	}
	byName := map[string]train.Blob{}
	for _, b := range blobs {
		byName[b.Name] = b
	}
	var out []StoredTensor
	for _, b := range blobs {
		if !strings.HasPrefix(b.Name, "model.") || strings.HasSuffix(b.Name, ScaleSuffix) {
			continue
		}
		v, err := blobFloat32s(byName, b)
		if err != nil {
			return cfg, prec, nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, StoredTensor{Name: strings.TrimPrefix(b.Name, "model."), DType: b.DType, Shape: b.Shape, Values: v})
	}
	return cfg, prec, out, nil
}
