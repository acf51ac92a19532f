package semantic

import (
	"context"
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
	if err := embedMissing(ctx, v.counted(kindBuild), v.cache, texts, vecs, missing, nil); err != nil {
		return nil, err
	}
	return vecs, nil
}
