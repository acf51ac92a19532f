package memo

import (
	"fmt"
	"testing"
)

func TestRecentKeepsTheLastN(t *testing.T) {
	r := New[int](2)
	if got := r.Keep("a", 1); got != 1 {
		t.Fatalf("Keep(a, 1) = %d", got)
	}
	if got := r.Keep("a", 2); got != 1 {
		t.Errorf("Keep(a, 2) after a=1 = %d, want the value already held", got)
	}
	for i := range 5 {
		r.Keep(fmt.Sprint("k", i), i)
	}
	if n := r.Len(); n != 2 {
		t.Errorf("%d values held, want 2", n)
	}
	if _, ok := r.Get("a"); ok {
		t.Error("the oldest key is still held")
	}
	if v, ok := r.Get("k4"); !ok || v != 4 {
		t.Errorf("Get(k4) = %d, %v", v, ok)
	}
}

// A key read (or kept again) is the newest: the version in use outlives
// the edits tried after it, which go first.
func TestRecentKeepsTheKeyInUse(t *testing.T) {
	r := New[int](2)
	r.Keep("shipped", 1)
	r.Keep("edit1", 2)
	if _, ok := r.Get("shipped"); !ok {
		t.Fatal("shipped is not held")
	}
	r.Keep("edit2", 3) // pushes out edit1, the least recently used
	if v, ok := r.Get("shipped"); !ok || v != 1 {
		t.Errorf("Get(shipped) = %d, %v after one more edit; want 1, true", v, ok)
	}
	if _, ok := r.Get("edit1"); ok {
		t.Error("edit1, the least recently used, is still held")
	}
	r.Keep("shipped", 9) // kept again: the value held, now the newest
	r.Keep("edit3", 4)
	if v, ok := r.Get("shipped"); !ok || v != 1 {
		t.Errorf("Get(shipped) = %d, %v; want the first value, still held", v, ok)
	}
	if _, ok := r.Get("edit2"); ok {
		t.Error("edit2 is still held")
	}
	if n := r.Len(); n != 2 {
		t.Errorf("%d values held, want 2", n)
	}
}
