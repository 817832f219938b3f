package transformer

import "strings"

// LayerOf groups a parameter name by layer: encoder.layers.3.fc1.weight ->
// encoder.layers.3; other names by their first two components
// (decoder.embed_tokens). `nmt model --grad-norm` and the depth study
// report gradient norms per LayerOf group.
func LayerOf(name string) string {
	f := strings.Split(name, ".")
	if len(f) >= 3 && f[1] == "layers" {
		return strings.Join(f[:3], ".")
	}
	if len(f) >= 2 {
		return strings.Join(f[:2], ".")
	}
	return name
}
