package serve_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/fixup-nmt/nmt/serve"
)

var screenshot = flag.String("screenshot", "", "TestBrowserPage writes a PNG of the page here (docs/serve-page.png)")

// TestBrowserPage drives the page at / in Debian's headless chromium:
// without an API key the server's error is shown; with one, a typed
// sentence translated with Ctrl+Enter shows nmt translate's output and
// the time taken. Skipped where chromium is not installed (scripts/setup.sh
// installs it).
func TestBrowserPage(t *testing.T) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	_, ts := newServer(t, func(c *serve.Config) { c.APIKeys = map[string]bool{"page-key": true} })
	sent := testSentences(t)[7]
	want := offline(t, []string{sent})[0]

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 700),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL),
		chromedp.WaitVisible(id("key")), // shown once /frontend/settings says a key is needed
		chromedp.SendKeys(id("source"), sent),
		chromedp.Click(id("go")),
		chromedp.WaitVisible(id("error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	pair, _ := chromedp.Run(ctx, chromedp.Value(id("pair")))
	errText, _ := chromedp.Run(ctx, chromedp.Text(id("error")))
	if pair != "de:en" || !strings.Contains(errText, "API key") {
		t.Fatalf("pair %q, error shown %q", pair, errText)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(id("key"), "page-key"),
		chromedp.Focus(id("source")),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(kb.ModifierCtrl)), // Ctrl+Enter
		chromedp.WaitNotVisible(id("error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("status").textContent.startsWith("Translated in")`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatal(err)
	}
	result, _ := chromedp.Run(ctx, chromedp.Text(id("result")))
	status, _ := chromedp.Run(ctx, chromedp.Text(id("status")))
	if result != want {
		t.Errorf("the page shows %q, nmt translate gives %q", result, want)
	}
	t.Logf("%s -> %s (%s)", sent, result, status)
	if *screenshot != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
