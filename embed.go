// Package baton holds the default prompts and knowledge base, embedded into
// the binary so `baton` works from any directory. It is the only Go file at
// the top level: go:embed cannot reach files outside its package directory,
// and prompts/ and knowledge/ are data folders that hold no Go code.
package baton

import "embed"

// Files holds prompts/ and knowledge/ as shipped.
//
//go:embed prompts knowledge
var Files embed.FS
