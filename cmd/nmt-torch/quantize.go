package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/translate"
)

// quantizeCommand is `nmt quantize`: an int8 checkpoint for translation.
func quantizeCommand() *cli.Command {
	return &cli.Command{
		Name:      "quantize",
		Usage:     cmdinfo.TorchUsage("quantize"),
		UsageText: "nmt quantize --checkpoint model/checkpoint_best.ckpt --out model/int8.ckpt [--embeddings int8] [--encoder float32] [--output float32]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "checkpoint", Required: true, Usage: "float32 checkpoint to quantize"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "int8 checkpoint to write"},
			&cli.StringFlag{Name: "embeddings", Value: "float32", Usage: "float32 or int8 (per row)"},
			&cli.StringFlag{Name: "encoder", Value: "int8", Usage: "the encoder's linear layers: int8 or float32"},
			&cli.StringFlag{Name: "output", Value: "int8", Usage: "the output projection: int8 or float32"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json (every quantized tensor's error)"},
			&cli.BoolFlag{Name: "verbose", Usage: "text: list every quantized tensor's largest and relative RMS error"},
		},
		Action: func(c *cli.Context) error {
			var o translate.QuantizeOptions
			var err error
			if o.Embeddings, err = translate.ParsePrecision(c.String("embeddings")); err != nil {
				return fmt.Errorf("--embeddings: %w", err)
			}
			if o.Encoder, err = translate.ParsePrecision(c.String("encoder")); err != nil {
				return fmt.Errorf("--encoder: %w", err)
			}
			if o.Output, err = translate.ParsePrecision(c.String("output")); err != nil {
				return fmt.Errorf("--output: %w", err)
			}
			rep, err := translate.Quantize(c.String("checkpoint"), c.String("out"), o)
			if err != nil {
				return err
			}
			if c.String("format") == "json" {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			worst := translate.QuantizedTensor{}
			for _, t := range rep.Tensors {
				if t.RelRMS >= worst.RelRMS {
					worst = t
				}
			}
			fmt.Printf("wrote %s: %d tensors in int8, %.1f MB; the model's tensors %.1f MB against %.1f MB in float32 (%.1fx smaller); the input file %.1f MB (with the optimizer's state)\n",
				c.String("out"), len(rep.Tensors), float64(rep.OutBytes)/1e6, float64(rep.ModelOutBytes)/1e6, float64(rep.ModelInBytes)/1e6,
				float64(rep.ModelInBytes)/float64(max(1, rep.ModelOutBytes)), float64(rep.InBytes)/1e6)
			fmt.Printf("largest relative RMS error %.3g%% (%s); every value within half its row's step\n", 100*worst.RelRMS, worst.Name)
			if c.Bool("verbose") {
				w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
				for _, t := range rep.Tensors {
					fmt.Fprintf(w, "%s\t%v\t%.3g\t%.3g\t\n", t.Name, t.Shape, t.MaxError, t.RelRMS)
				}
				w.Flush()
			}
			return nil
		},
	}
}
