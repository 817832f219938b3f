package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository root, two levels above this package.
const root = "../.."

// skipDirs are folders of other projects or of build and run outputs.
var skipDirs = map[string]bool{
	".git": true, "third_party": true, "build": true, "bin": true,
	"node_modules": true, "runs": true, "data-bin": true,
}

// markdownFiles lists the repository's .md files, relative to root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Markdown files found under the repository root")
	}
	return files
}

var (
	fence    = regexp.MustCompile("^\\s*(```|~~~)")
	codeSpan = regexp.MustCompile("`[^`]*`")
	// link matches [text](target) and ![alt](target); the target ends at
	// a space (a title follows) or the closing parenthesis.
	link = regexp.MustCompile(`!?\[[^\]]*\]\(([^)\s]+)[^)]*\)`)
)

// prose yields each line of a page outside fenced code blocks, with code
// spans removed, and its line number.
func prose(text string, f func(n int, line string)) {
	inFence := false
	for i, line := range strings.Split(text, "\n") {
		if fence.MatchString(line) {
			inFence = !inFence
			continue
		}
		if !inFence {
			f(i+1, codeSpan.ReplaceAllString(line, ""))
		}
	}
}

// TestDocLinks checks that every relative link of every Markdown page
// resolves to a file or folder of the repository.
func TestDocLinks(t *testing.T) {
	for _, name := range markdownFiles(t) {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		prose(string(b), func(n int, line string) {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				p := filepath.Join(root, filepath.Dir(name), target)
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s:%d: link %q: no such file or folder", name, n, m[1])
				}
			}
		})
	}
}
