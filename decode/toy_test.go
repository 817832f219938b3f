package decode

import (
	"hash/fnv"
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// toyModel is a stand-in for the transformer: the log-probabilities of the
// next token are a fixed pseudo-random function of the source and the
// whole prefix, computed in Go. Its state keeps each row's source and
// prefix, so a wrong Reorder gives wrong scores.
type toyModel struct {
	vocab int
	temp  float64 // larger: flatter distributions
	eosUp float64 // EOS logit grows by this per step
	steps int     // Step calls (for tests)
}

type toyState struct {
	src  [][]int64 // per row
	pref [][]int64 // per row: tokens fed so far (EOS first)
}

func (st *toyState) Reorder(ix []int64) {
	src := make([][]int64, len(ix))
	pref := make([][]int64, len(ix))
	for i, j := range ix {
		src[i], pref[i] = st.src[j], append([]int64(nil), st.pref[j]...)
	}
	st.src, st.pref = src, pref
}

func (st *toyState) Free() {}

func (m *toyModel) Start(src *ts.Tensor, maxLen int) State {
	sz := src.MustSize()
	flat := int64s(src)
	st := &toyState{}
	for b := 0; b < int(sz[0]); b++ {
		var s []int64
		for _, t := range flat[b*int(sz[1]) : (b+1)*int(sz[1])] {
			if t != 1 {
				s = append(s, t)
			}
		}
		st.src = append(st.src, s)
		st.pref = append(st.pref, nil)
	}
	return st
}

func (m *toyModel) Step(prev *ts.Tensor, s State) *ts.Tensor {
	m.steps++
	st := s.(*toyState)
	p := int64s(prev)
	out := make([]float32, 0, len(p)*m.vocab)
	for i, t := range p {
		st.pref[i] = append(st.pref[i], t)
		out = append(out, m.logProbs(st.src[i], st.pref[i])...)
	}
	return ts.MustOfSlice(out).MustView([]int64{int64(len(p)), int64(m.vocab)}, true)
}

// logProbs are the next-token log-probabilities after prefix (which starts
// with EOS).
func (m *toyModel) logProbs(src, prefix []int64) []float32 {
	h := fnv.New64a()
	for _, t := range src {
		h.Write([]byte{byte(t), byte(t >> 8)})
	}
	h.Write([]byte{255})
	for _, t := range prefix {
		h.Write([]byte{byte(t), byte(t >> 8)})
	}
	seed := h.Sum64()
	logits := make([]float64, m.vocab)
	for v := range logits {
		seed = seed*6364136223846793005 + 1442695040888963407
		logits[v] = float64(seed>>11)/float64(1<<53)*m.temp - m.temp/2
	}
	logits[2] += m.eosUp * float64(len(prefix)-2)
	mx := math.Inf(-1)
	for _, l := range logits {
		mx = math.Max(mx, l)
	}
	sum := 0.0
	for _, l := range logits {
		sum += math.Exp(l - mx)
	}
	out := make([]float32, m.vocab)
	for v, l := range logits {
		out[v] = float32(l - mx - math.Log(sum))
	}
	return out
}

// Forward is the full recompute: log-probabilities [B,T,V] of every
// position of prevOutput (right-padded, EOS first).
func (m *toyModel) forward(src []int64, prevOutput []int64) [][]float32 {
	out := make([][]float32, len(prevOutput))
	for t := range prevOutput {
		out[t] = m.logProbs(src, prevOutput[:t+1])
	}
	return out
}

// scripted is a model whose log-probabilities are given per prefix (tokens
// after the leading EOS, as a string key such as "4 5"); a prefix not in
// the table gets def. Values not given are -20.
type scripted struct {
	vocab int
	table map[string]map[int64]float32
	def   map[int64]float32
}

func (m *scripted) Start(src *ts.Tensor, maxLen int) State {
	n := int(src.MustSize()[0])
	return &toyState{src: make([][]int64, n), pref: make([][]int64, n)}
}

func (m *scripted) Step(prev *ts.Tensor, s State) *ts.Tensor {
	st := s.(*toyState)
	p := int64s(prev)
	out := make([]float32, 0, len(p)*m.vocab)
	for i, t := range p {
		st.pref[i] = append(st.pref[i], t)
		key := keyOf(st.pref[i][1:])
		d, ok := m.table[key]
		if !ok {
			d = m.def
		}
		for v := 0; v < m.vocab; v++ {
			x, ok := d[int64(v)]
			if !ok {
				x = -20
			}
			out = append(out, x)
		}
	}
	return ts.MustOfSlice(out).MustView([]int64{int64(len(p)), int64(m.vocab)}, true)
}

func keyOf(toks []int64) string {
	s := ""
	for i, t := range toks {
		if i > 0 {
			s += " "
		}
		s += string(rune('0' + t))
	}
	return s
}

var cpu = gotch.CPU
