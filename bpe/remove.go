package bpe

import "strings"

// Remove undoes BPE segmentation as fairseq's --remove-bpe does for
// subword-nmt output, and as `sed -r 's/(@@ )|(@@ ?$)//g'`: it deletes every
// "@@ " and a "@@" or "@@ " that ends the line, scanning left to right.
// line should not include its line break.
func Remove(line string) string {
	i := strings.Index(line, "@@")
	if i < 0 {
		return line
	}
	var b strings.Builder
	b.Grow(len(line))
	for i >= 0 {
		b.WriteString(line[:i])
		rest := line[i+2:]
		switch {
		case rest == "" || rest == " ":
			return b.String()
		case rest[0] == ' ':
			line = rest[1:]
		default:
			b.WriteByte('@') // "@@x" stays; the scan resumes at the second '@'
			line = line[i+1:]
		}
		i = strings.Index(line, "@@")
	}
	b.WriteString(line)
	return b.String()
}
