package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/spm"
)

// nmt spm encode|decode: spm_encode and spm_decode.

func spmCommand() *cli.Command {
	model := &cli.StringFlag{Name: "model", Required: true, Usage: "SentencePiece `FILE` (.model), or a Hugging Face tokenizer.json"}
	return &cli.Command{
		Name:  "spm",
		Usage: "segment text with a SentencePiece model like spm_encode / spm_decode, or with a Hugging Face tokenizer.json",
		Subcommands: []*cli.Command{
			{
				Name:      "encode",
				Usage:     "text to pieces (or ids), one line per line, like spm_encode",
				UsageText: "nmt spm encode --model M [--output-format piece|id] < text > pieces",
				Flags: []cli.Flag{model,
					&cli.StringFlag{Name: "output-format", Aliases: []string{"output_format"}, Value: "piece", Usage: "piece or id"},
					threadsFlag()},
				Action: func(c *cli.Context) error {
					m, err := spm.Load(c.String("model"))
					if err != nil {
						return cli.Exit("nmt spm encode: "+err.Error(), 2)
					}
					var f lineFunc
					switch c.String("output-format") {
					case "piece":
						f = func(line string, _ bool) string { return strings.Join(m.Encode(line), " ") }
					case "id":
						f = func(line string, _ bool) string { return joinIDs(m.EncodeIDs(line)) }
					default:
						return cli.Exit("nmt spm encode: --output-format "+c.String("output-format")+": want piece or id", 2)
					}
					return runFilter(c, "spm encode", f)
				},
			},
			{
				Name:      "decode",
				Usage:     "pieces (or ids) to text, like spm_decode",
				UsageText: "nmt spm decode --model M [--input-format piece|id] < pieces > text",
				Flags: []cli.Flag{model,
					&cli.StringFlag{Name: "input-format", Aliases: []string{"input_format"}, Value: "piece", Usage: "piece or id"},
					threadsFlag()},
				Action: func(c *cli.Context) error {
					m, err := spm.Load(c.String("model"))
					if err != nil {
						return cli.Exit("nmt spm decode: "+err.Error(), 2)
					}
					switch c.String("input-format") {
					case "piece":
						return runFilter(c, "spm decode", func(line string, _ bool) string { return m.Decode(spm.SplitPieces(line)) })
					case "id":
						return runFilterErr(c, "spm decode", func(line string) (string, error) {
							var ids []int
							for _, f := range strings.Fields(line) {
								v, err := strconv.Atoi(f)
								if err != nil {
									return "", fmt.Errorf("want piece ids, got %q", f)
								}
								ids = append(ids, v)
							}
							return m.DecodeIDs(ids)
						})
					default:
						return cli.Exit("nmt spm decode: --input-format "+c.String("input-format")+": want piece or id", 2)
					}
				},
			},
		},
	}
}

func joinIDs(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, " ")
}

// runFilterErr maps stdin to stdout line by line with f, which may reject
// a line; the output is written only when every line succeeded.
func runFilterErr(c *cli.Context, name string, f func(string) (string, error)) error {
	sc := bufio.NewScanner(c.App.Reader)
	sc.Buffer(make([]byte, 1<<16), 1<<30)
	var out strings.Builder
	n := 0
	for sc.Scan() {
		n++
		s, err := f(sc.Text())
		if err != nil {
			return fmt.Errorf("%s: stdin:%d: %w", name, n, err)
		}
		out.WriteString(s + "\n")
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: reading line %d: %w", name, n+1, err)
	}
	_, err := io.WriteString(c.App.Writer, out.String())
	return err
}
