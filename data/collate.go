package data

import "sort"

// Sample is one sentence pair of a dataset, ids ending in EOS. Target is
// nil for source-only data.
type Sample struct {
	ID             int
	Source, Target []int32
}

// Batch is a padded mini-batch as fairseq's LanguagePairDataset.collater
// builds it, in plain int64 slices (row-major) for the training code to
// turn into tensors. Rows are sorted by descending source length.
type Batch struct {
	IDs           []int64 // [B] dataset indices of the rows
	Source        []int64 // [B, S] left-padded with PADID
	SourceLengths []int64 // [B] non-pad source tokens
	Target        []int64 // [B, T] right-padded with PADID; nil without targets
	// PrevOutput is the decoder input: EOS, then the target without its
	// last token (fairseq's move_eos_to_beginning), right-padded. [B, T]
	PrevOutput []int64
	B, S, T    int
	// NTokens is the number of target tokens (EOS included), or of source
	// tokens without targets.
	NTokens int
}

// Collate pads samples into a Batch.
func Collate(samples []Sample) Batch {
	rows := make([]Sample, len(samples))
	copy(rows, samples)
	sort.SliceStable(rows, func(i, j int) bool { return len(rows[i].Source) > len(rows[j].Source) })
	b := Batch{B: len(rows)}
	for _, s := range rows {
		b.S = max(b.S, len(s.Source))
		b.T = max(b.T, len(s.Target))
	}
	hasTarget := len(rows) > 0 && rows[0].Target != nil
	b.IDs = make([]int64, b.B)
	b.SourceLengths = make([]int64, b.B)
	b.Source = filled(b.B*b.S, int64(PADID))
	if hasTarget {
		b.Target = filled(b.B*b.T, int64(PADID))
		b.PrevOutput = filled(b.B*b.T, int64(PADID))
	}
	for r, s := range rows {
		b.IDs[r] = int64(s.ID)
		b.SourceLengths[r] = int64(len(s.Source))
		row := b.Source[r*b.S : (r+1)*b.S]
		off := b.S - len(s.Source)
		for k, id := range s.Source {
			row[off+k] = int64(id)
		}
		if !hasTarget {
			b.NTokens += len(s.Source)
			continue
		}
		b.NTokens += len(s.Target)
		t := b.Target[r*b.T : (r+1)*b.T]
		p := b.PrevOutput[r*b.T : (r+1)*b.T]
		for k, id := range s.Target {
			t[k] = int64(id)
			if k == 0 {
				p[0] = int64(EOSID)
			} else {
				p[k] = int64(s.Target[k-1])
			}
		}
	}
	return b
}

func filled(n int, v int64) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = v
	}
	return s
}
