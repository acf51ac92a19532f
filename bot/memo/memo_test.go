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
