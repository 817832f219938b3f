package prep

import (
	"io"

	"github.com/schollz/progressbar/v3"
)

// bar shows the progress of one stage on w (stderr); nil w shows nothing.
type bar struct{ b *progressbar.ProgressBar }

// newBar starts a bar for total lines (-1 when unknown).
func newBar(w io.Writer, desc string, total int64) *bar {
	if w == nil {
		return &bar{}
	}
	return &bar{progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("lines"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(200_000_000),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
		progressbar.OptionSetWidth(30),
	)}
}

func (b *bar) add(n int) {
	if b.b != nil {
		b.b.Add(n)
	}
}

func (b *bar) done() {
	if b.b != nil {
		b.b.Finish()
	}
}
