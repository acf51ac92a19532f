// Package semantic adds meaning to knowledge matching: the knowledge
// base's example questions as vectors from any OpenAI-compatible
// embeddings server (OpenAI, Azure, Ollama, vLLM, llama.cpp), cached in
// Redis by content hash and built in the background, and a Matcher that
// fuses that vector evidence with the lexical match into one calibrated
// decision. Answers stay the curated entries: nothing is generated.
package semantic

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Embedder turns texts into unit-length vectors, in input order.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// OpenAI is an Embedder over an OpenAI-compatible embeddings endpoint,
// through go-openai. Each call is one request bounded by Timeout.
type OpenAI struct {
	Client  *openai.Client
	Model   string
	Timeout time.Duration // per request; 0 means 20s
}

// errInvalid marks a 200 response that is not usable embeddings.
var errInvalid = errors.New("invalid embeddings response")

// Embed implements Embedder.
func (o OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := o.Client.CreateEmbeddings(ctx, openai.EmbeddingRequest{
		Input: texts, Model: openai.EmbeddingModel(o.Model),
	})
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || len(d.Embedding) == 0 {
			return nil, fmt.Errorf("embeddings: %w: bad index %d", errInvalid, d.Index)
		}
		out[d.Index] = normalize(d.Embedding)
	}
	dim := 0
	for i, v := range out {
		switch {
		case v == nil:
			return nil, fmt.Errorf("embeddings: %w: input %d missing", errInvalid, i)
		case dim == 0:
			dim = len(v)
		case len(v) != dim:
			return nil, fmt.Errorf("embeddings: %w: dimensions %d and %d in one response", errInvalid, dim, len(v))
		}
	}
	return out, nil
}

// normalize returns v scaled to unit length (a zero vector stays zero), so
// a dot product is the cosine similarity whatever the server returns.
func normalize(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if n == 0 {
		return out
	}
	inv := 1 / math.Sqrt(n)
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}

// dot is the dot product, 0 for vectors of different lengths. Four
// running sums let the CPU overlap the multiplications: it is the inner
// loop of every match and of calibration.
func dot(a, b []float32) float32 {
	if len(a) != len(b) {
		return 0
	}
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}
