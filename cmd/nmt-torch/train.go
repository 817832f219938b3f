package main

import (
	"fmt"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/train"
)

// trainCommand is `nmt train`: every key of train.Config is a flag; a
// recipe, then --config, then flags set the resolved config.
func trainCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "YAML config file (keys as the flags below)"},
		&cli.BoolFlag{Name: "print-config", Usage: "print the resolved config as YAML and exit"},
	}
	flags = append(flags, distFlags()...)
	for _, f := range train.Fields() {
		if f.Kind == reflect.Bool {
			flags = append(flags, &cli.BoolFlag{Name: f.Key, Usage: f.Help})
		} else {
			flags = append(flags, &cli.StringFlag{Name: f.Key, Usage: f.Help})
		}
	}
	return &cli.Command{
		Name:      "train",
		Usage:     cmdinfo.TorchUsage("train"),
		UsageText: "nmt train --recipe iwslt14-fixup --data data-bin/iwslt14 --save-dir runs/fixup [--config c.yaml] [--KEY VALUE ...]",
		Flags:     flags,
		Action:    runTrain,
	}
}

func runTrain(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("train: unexpected argument %q (every setting is a --flag)", c.Args().First())
	}
	set := map[string]string{}
	for _, f := range train.Fields() {
		if c.IsSet(f.Key) {
			if f.Kind == reflect.Bool {
				set[f.Key] = fmt.Sprint(c.Bool(f.Key))
			} else {
				set[f.Key] = c.String(f.Key)
			}
		}
	}
	cfg, err := train.Resolve(c.String("config"), set)
	if err != nil {
		return err
	}
	if c.Bool("print-config") {
		fmt.Print(cfg.YAML())
		return cfg.ValidateSettings() // printing needs no data
	}
	if done, err := launchWorkers(c); done {
		return err
	}
	g, err := joinGroup(c, cfg.Machine.Device)
	if err != nil {
		return err
	}
	defer g.Close()
	tr, err := train.New(cfg, train.Options{
		Build: train.BuildTransformer, Log: os.Stderr, Version: cmdinfo.Version,
		Terminal: term.IsTerminal(int(os.Stderr.Fd())), Dist: g,
	})
	if err != nil {
		return err
	}
	defer tr.Close()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		for s := range sigs {
			fmt.Fprintf(os.Stderr, "\n%v: finishing the current update, then saving checkpoint_last (send again to wait, kill -9 to lose it)\n", s)
			tr.Interrupt(s)
		}
	}()
	err = tr.Run()
	if ie, ok := err.(*train.Interrupted); ok {
		code := 130
		if ie.Signal == syscall.SIGTERM {
			code = 143
		}
		return cli.Exit(fmt.Sprintf("%v\nresume with the same command: nmt train %s", ie, strings.Join(os.Args[2:], " ")), code)
	}
	return err
}
