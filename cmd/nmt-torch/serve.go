package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sugarme/gotch"
	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/serve"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/translate"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: cmdinfo.TorchUsage("serve"),
		Description: `One model from --checkpoint (repeat it for an ensemble) with the decoding
flags of nmt translate, or several from --models FILE (YAML; see docs/serve.md).
Concurrent requests are merged into searches of up to --max-tokens source
tokens. SIGTERM drains (requests in flight finish) and exits 0; SIGHUP (or
POST /admin/reload with an admin key) reloads the checkpoints.`,
		Flags: append(modelFlags(false),
			&cli.StringFlag{Name: "models", Usage: "YAML file of models (name, source, target, checkpoints, decoding); instead of --checkpoint"},
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:5000", Usage: "address to listen on (loopback unless told otherwise)"},
			&cli.DurationFlag{Name: "max-wait", Value: 5 * time.Millisecond, Usage: "longest wait for other requests to batch with one"},
			&cli.IntFlag{Name: "max-queue", Value: 4096, Usage: "sentences waiting per model; more is answered 429 with Retry-After"},
			&cli.Int64Flag{Name: "max-body", Value: 1 << 20, Usage: "request body limit in bytes (413 above)"},
			&cli.IntFlag{Name: "max-sentences", Value: 512, Usage: "sentences per request, after splitting paragraphs (413 above)"},
			&cli.IntFlag{Name: "max-beam", Value: 16, Usage: "largest beam a request may ask for"},
			&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "per request: answered 503 with Retry-After once over"},
			&cli.StringFlag{Name: "api-keys", Usage: "file of API keys, one per line: translation then needs one (403 without)"},
			&cli.StringFlag{Name: "admin-keys", Usage: "file of keys for POST /admin/reload (off without)"},
			&cli.StringSliceFlag{Name: "cors-origin", Usage: "origin allowed to call the API from a browser, repeatable (\"*\": any; default: none)"},
			&cli.BoolFlag{Name: "no-split-sentences", Usage: "with --checkpoint: translate each line whole, without splitting paragraphs into sentences"},
			&cli.DurationFlag{Name: "drain-timeout", Value: time.Minute, Usage: "on SIGTERM, the longest wait for requests in flight"},
		),
		Action: runServe,
	}
}

// serveLoader returns how the server loads its models: --models, or one
// model from --checkpoint and the decoding flags.
func serveLoader(c *cli.Context) (func() ([]serve.Loaded, error), error) {
	if p := c.String("models"); p != "" {
		if len(c.StringSlice("checkpoint")) > 0 {
			return nil, errors.New("serve: give --models or --checkpoint, not both")
		}
		if _, err := serve.ReadModels(p); err != nil {
			return nil, err
		}
		base, err := loadOptions(c, gotch.CPU) // each model's device set below
		if err != nil {
			return nil, err
		}
		return func() ([]serve.Loaded, error) {
			specs, err := serve.ReadModels(p)
			if err != nil {
				return nil, err
			}
			var out []serve.Loaded
			for _, sp := range specs {
				dev, err := tch.ParseDevice(sp.Device)
				if err != nil {
					return nil, fmt.Errorf("%s: model %q: %w", p, sp.Name, err)
				}
				lo := base
				lo.Device = dev
				m, err := translate.LoadWith(sp.Checkpoints, lo)
				if err != nil {
					return nil, fmt.Errorf("%s: model %q: %w", p, sp.Name, err)
				}
				o := translate.DefaultOptions()
				sp.Decoding.Apply(&o.Options)
				o.MaxPositions = m.MaxPositions()
				if err := o.Validate(); err != nil {
					return nil, fmt.Errorf("%s: model %q: %w", p, sp.Name, err)
				}
				out = append(out, serve.Loaded{Spec: sp, Model: m, Options: o})
			}
			return out, nil
		}, nil
	}
	if len(c.StringSlice("checkpoint")) == 0 {
		return nil, errors.New("serve: want --checkpoint (repeatable) or --models FILE")
	}
	split := !c.Bool("no-split-sentences")
	return func() ([]serve.Loaded, error) {
		m, o, err := loadModel(c)
		if err != nil {
			return nil, err
		}
		return []serve.Loaded{{Spec: serve.ModelSpec{SplitSentences: &split}, Model: m, Options: o}}, nil
	}, nil
}

func runServe(c *cli.Context) error {
	if err := setThreads(c); err != nil {
		return err
	}
	load, err := serveLoader(c)
	if err != nil {
		return err
	}
	cfg := serve.DefaultConfig()
	cfg.Load = load
	cfg.MaxTokens, cfg.MaxWait, cfg.MaxQueue = c.Int("max-tokens"), c.Duration("max-wait"), c.Int("max-queue")
	cfg.MaxBodyBytes, cfg.MaxSentences, cfg.MaxBeam = c.Int64("max-body"), c.Int("max-sentences"), c.Int("max-beam")
	cfg.Timeout, cfg.CORSOrigins = c.Duration("timeout"), c.StringSlice("cors-origin")
	cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	for flag, dst := range map[string]*map[string]bool{"api-keys": &cfg.APIKeys, "admin-keys": &cfg.AdminKeys} {
		if p := c.String(flag); p != "" {
			if *dst, err = serve.ReadKeys(p); err != nil {
				return fmt.Errorf("--%s: %w", flag, err)
			}
		}
	}
	s, err := serve.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: cfg.Timeout + time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	cfg.Log.Info("listening", "address", ln.Addr().String())
	fmt.Fprintf(os.Stderr, "nmt serve: listening on http://%s\n", ln.Addr())

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for {
		select {
		case err := <-served:
			return err
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				if err := s.Reload(); err != nil {
					cfg.Log.Error("reload failed, the old models stay", "error", err.Error())
				}
				continue
			}
			cfg.Log.Info("draining", "signal", sig.String())
			s.Drain()
			ctx, cancel := context.WithTimeout(context.Background(), c.Duration("drain-timeout"))
			err := srv.Shutdown(ctx)
			cancel()
			s.Close()
			if err != nil {
				return fmt.Errorf("serve: drain: %w", err)
			}
			cfg.Log.Info("stopped")
			return nil
		}
	}
}
