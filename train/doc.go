// Package train trains translation models the way fairseq's recipes do:
// label-smoothed cross-entropy, Adam with decoupled weight decay or SGD,
// inverse-sqrt schedules, gradient clipping and accumulation, validation,
// best/last/per-epoch/per-N-update checkpoints, exact resume, averaging.
//
// One concept per file: config.go (Config and its parts: data, model,
// optimisation and schedule, checkpoints, validation and eval-bleu,
// logging, machine; their defaults and checks), keys.go (the keys: flags,
// config.yaml, meta.config), recipe.go
// (named configs and Resolve: recipe < --config < flags), loss.go
// (LabelSmoothedCE), optim.go (Adam, SGD, clipping), schedule.go (LR),
// checkpoint.go (file format), state.go (what a checkpoint holds,
// keep-last-N), savedir.go (the save directory's lock and leftovers),
// average.go, trainer.go (the loop), metrics.go (metrics.jsonl),
// loadmodel.go (a checkpoint's model on its own), progress.go (bar or log lines), evalbleu.go (BLEU of
// beam search on the valid set, as fairseq's --eval-bleu), model.go (the
// Transformer builder), seed.go.
//
// # Exact resume
//
// Update u (counted from 0) seeds libtorch with seed+u before its forward
// pass, as fairseq does, so dropout needs no saved RNG state. The data
// order depends only on seed and epoch (data.EpochIterator), the learning
// rate only on the update count, and the optimiser state is plain tensors
// saved bit for bit. On CPU a run stopped after update k and resumed
// gives the same loss at every later update (TestExactResume).
//
// # Checkpoint files
//
// SAVE-DIR holds checkpoint_last.ckpt, checkpoint_best.ckpt,
// checkpointE.ckpt (end of epoch E), checkpoint_E_U.ckpt (every
// save-interval-updates), config.yaml (the resolved config) and
// metrics.jsonl. A checkpoint is one file (see checkpoint.go):
//
//	"NMTCKPT1" | uint64 n | n bytes of JSON header | tensor bytes | sha256 | "NMTCKEND"
//
// written to a temporary file in SAVE-DIR under a unique name, fsynced and
// renamed (internal/atomicfile), so a crash never leaves a partial
// checkpoint_last; ReadCheckpoint checks the size, end marker and checksum
// and refuses anything else with ErrCorrupt. Other names are hard links
// (or copies) of checkpoint_last, made the same way. config.yaml is
// written the same way too.
//
// # One trainer per save directory
//
// New takes an exclusive flock(2) on SAVE-DIR/.train.lock (the file holds
// the trainer's pid for messages): a second trainer on the same directory
// fails at once with *DirLocked, naming that pid. The kernel releases the
// lock when its process ends in any way, kill -9 included, so the next
// trainer simply takes it over; a recycled pid cannot hold it. Holding
// the lock, New removes the temporary files (".checkpoint_last.ckpt.tmp-N"
// and the like) that a trainer killed while writing left behind.
//
// metrics.jsonl gets one write per record; a write that fails stops
// training with an error (after saving checkpoint_last if possible) and
// cuts the file back to its last whole record. Each checkpoint stores the
// file's size (metrics_bytes). A run cuts the file back to the records
// of updates up to the checkpoint it resumes from (none on a fresh
// start), and to that size when the checkpoint is from the same
// directory, so no record appears twice and a line cut by a kill -9 is
// never continued.
//
// Tensors are raw little-endian data named "model.NAME" (every VarStore
// variable, NAME as in the VarStore) and "optim.exp_avg.NAME",
// "optim.exp_avg_sq.NAME" (Adam) or "optim.momentum_buffer.NAME" (SGD).
// The header's "tensors" array gives name, dtype (float32, float64,
// int64), shape and byte length, in file order.
//
// The header's "meta" object (type Meta) has these keys:
//
//	format                  checkpoint format version (1)
//	nmt_version, torch_version
//	config                  the resolved train.Config: every key of
//	                        config.yaml and its value (older checkpoints
//	                        name them as the Go fields of a flat Config,
//	                        LR, MaxTokens, ...; both are read)
//	model_config            the transformer.Config the model was built with
//	                        (Go field names: EncoderLayers, Dim, Norm, Init,
//	                        SrcVocab, TgtVocab, Pad, EOS, Share*, ...)
//	num_updates, epoch      progress; iterator {epoch, position}
//	epoch_done              saved at the end of the epoch, after its
//	                        validation: a resume starts the next epoch
//	lr, optimizer, optimizer_step
//	best, best_metric, validations_without_improvement, skipped_updates
//	train_wall_seconds
//	metrics_bytes           size of metrics.jsonl at the save
//	data                    what translation needs, copied from the prepared
//	                        directory: dir, source_lang, target_lang,
//	                        prepare_json (prepare.json's contents: tokenizer,
//	                        lowercase, BPE and cleaning settings),
//	                        source_dict and target_dict (dict.LANG.txt
//	                        contents, fairseq format), bpe_codes (codes),
//	                        spm_models (the SentencePiece model files
//	                        prepare.json names, base64, by file name)
//	averaged_from           inputs of `nmt average` (averaged files only;
//	                        they hold no optimiser state)
//
// So a checkpoint alone is enough to translate: load model_config, build
// the model, copy the "model." tensors (LoadModel), and preprocess with
// prepare_json, the dictionaries and the BPE codes or SentencePiece
// models.
//
// # Usage
//
//	c, err := train.Resolve("run.yaml", map[string]string{"lr": "7e-4"})
//	tr, err := train.New(c, train.Options{Build: train.BuildTransformer})
//	defer tr.Close()
//	err = tr.Run() // *train.Interrupted after tr.Interrupt(sig)
package train
