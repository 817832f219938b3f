package main

import (
	"testing"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
)

// TestCommandsListed: every command of nmt-torch is in cmdinfo.Torch (so the
// pure-Go nmt lists and forwards it) with the same usage, and every command
// there exists here.
func TestCommandsListed(t *testing.T) {
	listed := map[string]string{}
	for _, c := range cmdinfo.Torch {
		listed[c.Name] = c.Usage
	}
	have := map[string]bool{}
	for _, c := range commands() {
		have[c.Name] = true
		u, ok := listed[c.Name]
		if !ok {
			t.Errorf("nmt-torch command %q is not in cmdinfo.Torch: nmt would not forward it", c.Name)
		} else if u != c.Usage {
			t.Errorf("%s: usage %q, cmdinfo.Torch says %q", c.Name, c.Usage, u)
		}
	}
	for _, c := range cmdinfo.Torch {
		if !have[c.Name] {
			t.Errorf("cmdinfo.Torch lists %q, which nmt-torch lacks", c.Name)
		}
	}
}
