package train

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

// Checkpoint file layout (little-endian), one file per checkpoint:
//
//	"NMTCKPT1"                      8 bytes
//	header length N                 uint64
//	header                          N bytes of JSON (Header)
//	tensor data                     each tensor's raw bytes, in header order
//	SHA-256 of all the above        32 bytes
//	"NMTCKEND"                      8 bytes
//
// A reader checks the size implied by the header, the trailer and the
// checksum before using anything, so a truncated or partly written file is
// refused with a clear error.
const (
	ckptMagic = "NMTCKPT1"
	ckptEnd   = "NMTCKEND"
)

// TensorInfo locates one tensor's data in a checkpoint.
type TensorInfo struct {
	Name  string  `json:"name"`
	DType string  `json:"dtype"` // "float32", "float64", "int64", or "int8" (quantized checkpoints)
	Shape []int64 `json:"shape"`
	Bytes int64   `json:"bytes"`
}

// Header is a checkpoint's JSON header: the tensor table and Meta.
type Header struct {
	Tensors []TensorInfo `json:"tensors"`
	Meta    Meta         `json:"meta"`
}

// Int8 reports whether the checkpoint holds int8 tensors: a quantized
// checkpoint (nmt quantize), which translation reads and training,
// averaging and LoadModel refuse.
func (h *Header) Int8() bool {
	for _, t := range h.Tensors {
		if t.DType == "int8" {
			return true
		}
	}
	return false
}

// errInt8 is the answer to an int8 checkpoint where a float32 one is
// needed (training, averaging, LoadModel).
func errInt8(path string) error {
	return fmt.Errorf("%s: an int8 checkpoint (nmt quantize) is for translation only; this reads float32 checkpoints (the one it was quantized from)", path)
}

// Blob is a tensor's raw data in memory.
type Blob struct {
	TensorInfo
	Data []byte
}

// Float32s views b's data as float32 values (copying).
func (b Blob) Float32s() []float32 {
	out := make([]float32, len(b.Data)/4)
	binary.Read(bytes.NewReader(b.Data), binary.LittleEndian, out)
	return out
}

// WriteCheckpoint writes path atomically (internal/atomicfile): a
// temporary file under a unique name in the same directory, fsynced,
// renamed over path, directory fsynced. A crash at any point leaves
// either the old file or the complete new one.
func WriteCheckpoint(path string, meta Meta, blobs []Blob) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		return writeCheckpointTo(w, meta, blobs)
	})
}

func writeCheckpointTo(w io.Writer, meta Meta, blobs []Blob) error {
	h := sha256.New()
	mw := io.MultiWriter(w, h)
	hdr := Header{Meta: meta}
	for _, b := range blobs {
		b.TensorInfo.Bytes = int64(len(b.Data))
		hdr.Tensors = append(hdr.Tensors, b.TensorInfo)
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return err
	}
	head := binary.LittleEndian.AppendUint64([]byte(ckptMagic), uint64(len(js)))
	if _, err := mw.Write(append(head, js...)); err != nil {
		return err
	}
	for _, b := range blobs {
		if _, err := mw.Write(b.Data); err != nil {
			return err
		}
	}
	_, err = w.Write(append(h.Sum(nil), ckptEnd...))
	return err
}

// ErrCorrupt marks a checkpoint that is truncated or damaged.
var ErrCorrupt = errors.New("checkpoint is truncated or corrupt")

// ReadCheckpointHeader reads and checks path completely (size, trailer,
// checksum) and returns its header and the offset of its tensor data.
func ReadCheckpointHeader(path string) (*Header, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	size := st.Size()
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("%s: %w: %s (was it written completely? use another checkpoint)", path, ErrCorrupt, fmt.Sprintf(format, a...))
	}
	var head [16]byte
	if _, err := io.ReadFull(f, head[:]); err != nil || string(head[:8]) != ckptMagic {
		return nil, 0, corrupt("no nmt checkpoint header (%d bytes)", size)
	}
	n := binary.LittleEndian.Uint64(head[8:])
	if n > uint64(size) {
		return nil, 0, corrupt("header of %d bytes in a file of %d", n, size)
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(f, js); err != nil {
		return nil, 0, corrupt("header cut short")
	}
	var hdr Header
	if err := json.Unmarshal(js, &hdr); err != nil {
		return nil, 0, corrupt("header: %v", err)
	}
	want := int64(16 + n + 40)
	for _, t := range hdr.Tensors {
		want += t.Bytes
	}
	if size != want {
		return nil, 0, corrupt("%d bytes, want %d", size, want)
	}
	h := sha256.New()
	h.Write(head[:])
	h.Write(js)
	if _, err := io.CopyN(h, f, want-16-int64(n)-40); err != nil {
		return nil, 0, corrupt("data: %v", err)
	}
	var tail [40]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil || string(tail[32:]) != ckptEnd {
		return nil, 0, corrupt("no end marker")
	}
	if !bytes.Equal(tail[:32], h.Sum(nil)) {
		return nil, 0, corrupt("checksum mismatch")
	}
	return &hdr, int64(16 + n), nil
}

// ReadCheckpoint reads and checks path and returns its header and tensors.
func ReadCheckpoint(path string) (*Header, []Blob, error) {
	hdr, off, err := ReadCheckpointHeader(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return nil, nil, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	blobs := make([]Blob, len(hdr.Tensors))
	for i, t := range hdr.Tensors {
		blobs[i] = Blob{TensorInfo: t, Data: make([]byte, t.Bytes)}
		if _, err := io.ReadFull(r, blobs[i].Data); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return hdr, blobs, nil
}
