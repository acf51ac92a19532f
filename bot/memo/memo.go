// Package memo keeps the values built for the last few keys: what a load
// rebuilds from the same files (a calibrated matcher, a trained model),
// so reloads and tests reuse it, while each edit's new version pushes the
// oldest out — or every edit of a running bot would keep one more for
// good.
package memo

import (
	"slices"
	"sync"
)

// Recent holds the values of the last N keys stored or read. The zero
// value is not usable; use New.
type Recent[V any] struct {
	mu   sync.Mutex
	n    int
	keys []string // oldest first
	vals map[string]V
}

// New returns a Recent that keeps n values.
func New[V any](n int) *Recent[V] {
	return &Recent[V]{n: max(n, 1), vals: map[string]V{}}
}

// Get returns the value stored for key, and makes key the most recent:
// the version in use (the shipped files every test loads, the current
// files a running bot reloads) is not pushed out by a few edits tried
// meanwhile, each of which would otherwise cost a calibration or a
// training again (seconds; a minute under the race detector).
func (r *Recent[V]) Get(key string) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.vals[key]
	if ok {
		r.touch(key)
	}
	return v, ok
}

// touch moves key to the newest end of keys (r.mu held).
func (r *Recent[V]) touch(key string) {
	i := slices.Index(r.keys, key)
	if i < 0 || i == len(r.keys)-1 {
		return
	}
	copy(r.keys[i:], r.keys[i+1:])
	r.keys[len(r.keys)-1] = key
}

// Keep stores v for key and returns what is stored: v, or the value
// another caller built for the same key meanwhile (two loads of the same
// files share one). The least recently used key goes when more than n
// are held.
func (r *Recent[V]) Keep(key string, v V) V {
	r.mu.Lock()
	defer r.mu.Unlock()
	if have, ok := r.vals[key]; ok {
		r.touch(key)
		return have
	}
	r.vals[key] = v
	r.keys = append(r.keys, key)
	if len(r.keys) > r.n {
		delete(r.vals, r.keys[0])
		r.keys = r.keys[1:]
	}
	return v
}

// Len is how many values are held.
func (r *Recent[V]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.vals)
}
