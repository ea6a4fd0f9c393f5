// Package ckpt reads and writes gwg checkpoint files: a model's parameters,
// their exponential moving average, the base distribution's mean and, for a
// run in progress, everything needed to resume training bit-exactly
// (optimizer moments, replay buffer, random state, configuration, metrics).
//
// The package imports nothing else from gwg, so the trainer, the evaluators
// and the command line can all use it. Models are described by a generic
// [ModelSpec]; turning a checkpoint back into a model is the model packages'
// business.
//
// # File layout
//
// A checkpoint is a fixed 52-byte header followed by a msgpack payload:
//
//	offset  size  contents
//	0       8     magic "GWGCKPT\n"
//	8       4     format version, uint32 little-endian
//	12      8     payload length in bytes, uint64 little-endian
//	20      32    SHA-256 of the payload
//	52      n     payload: the Checkpoint as a msgpack map
//
// Tensors store their float32 values as little-endian msgpack binary, so
// every bit pattern survives a round trip. The replay buffer is stored one bit
// per value (see [PackBits]).
//
// [Save] writes atomically: the file under the final name is either the old
// one or the complete new one, never a mixture. [Load] and [Decode] check the
// magic, the version, the length, the checksum and finally the contents
// ([Checkpoint.Validate]) and refuse a bad file with an error that says what
// is wrong; the failures can be told apart with errors.Is and the sentinel
// errors [ErrNotCheckpoint], [ErrNewerVersion], [ErrTruncated], [ErrCorrupt]
// and [ErrInvalid].
package ckpt
