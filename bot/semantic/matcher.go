package semantic

import (
	"context"

	"github.com/batonhq/baton/bot/knowledge"
)

// Matcher is the knowledge.Matcher of one loaded base when embeddings are
// configured: lexical until the base's vectors are built, fused after.
type Matcher struct {
	v   *Vectors
	job *job
}

// Match implements knowledge.Matcher.
func (m *Matcher) Match(ctx context.Context, query string, n int) []knowledge.Match {
	if f := m.v.fusedFor(m.job.kb); f != nil {
		return f.Match(ctx, query, n)
	}
	m.v.ensure(m.job)
	m.v.m.path(pathNotReady)
	out := m.job.lexical.Match(ctx, query, n)
	if len(out) > 0 && out[0].Confident {
		markSure(ctx, query) // as fused matching would: no call for it (issue 9)
	}
	return out
}

// Fused returns the fused matcher, nil while the vectors are not built.
func (m *Matcher) Fused() *Fused { return m.v.fusedFor(m.job.kb) }

// Lexical is the lexical matcher that serves until then, and that fusion
// starts from.
func (m *Matcher) Lexical() *knowledge.Calibrated { return m.job.lexical }

// Calibration is the lexical decision (what `baton check` reports for the
// base; the fused one is Fused().Calibration()).
func (m *Matcher) Calibration() *knowledge.Calibration { return m.job.lexical.Cal }

// Wait waits until the base's vectors are built (or their build fails, or
// ctx ends), so `baton match` and tests see the fused matcher serve uses
// once ready.
func (m *Matcher) Wait(ctx context.Context) (*Fused, error) { return m.v.wait(ctx, m.job) }
