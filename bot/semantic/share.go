package semantic

import (
	"context"
	"fmt"
)

// Sharing the embeddings server with other layers (the handoff detector's
// nearest examples): the vector of a customer message is computed at most
// once per message, whoever asks first, and texts embedded in bulk go
// through the same Redis cache as the knowledge questions.

// MessageVector is the vector of a customer message, shared by every
// reader of the turn: it is remembered by text, so when the knowledge
// matcher embedded the message the detector gets it without a call, and
// the other way round; a new call spends the message's budget
// (WithEmbeddingsBudget) and fails once it is spent.
func (v *Vectors) MessageVector(ctx context.Context, text string) ([]float32, error) {
	return v.query(ctx, text)
}

// KnownVector is the message's vector when someone already computed it,
// without a call: a reader that only wants the vector if it is free.
func (v *Vectors) KnownVector(text string) ([]float32, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	vec, ok := v.queries[text]
	return vec, ok
}

// EmbedTexts embeds texts in batches, in input order, reading and filling
// the Redis vector cache (WithCache) by content hash like the knowledge
// vectors, so a restart embeds only what changed. For background builds.
func (v *Vectors) EmbedTexts(ctx context.Context, texts []string) ([][]float32, error) {
	// Close stops it like the knowledge builds.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(v.ctx, cancel)()
	vecs := make([][]float32, len(texts))
	missing := make([]int, len(texts))
	for i := range missing {
		missing[i] = i
	}
	if v.cache != nil && len(missing) > 0 {
		missing = v.cache.fill(ctx, texts, vecs, missing)
	}
	emb := v.counted(kindBuild)
	for start := 0; start < len(missing); start += embedBatch {
		batch := missing[start:min(start+embedBatch, len(missing))]
		in := make([]string, len(batch))
		for j, i := range batch {
			in[j] = texts[i]
		}
		out, err := emb.Embed(ctx, in)
		if err != nil {
			return nil, err
		}
		if len(out) != len(in) {
			return nil, fmt.Errorf("embeddings: %w: %d vectors for %d texts", errInvalid, len(out), len(in))
		}
		for j, i := range batch {
			vecs[i] = out[j]
		}
		if v.cache != nil {
			v.cache.store(ctx, texts, vecs, batch)
		}
	}
	return vecs, nil
}
