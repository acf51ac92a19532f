package handoff

import (
	"os"
	"testing"
)

func loadShipped(t testing.TB) *Rules {
	t.Helper()
	r, probs := LoadRules(os.DirFS("../.."), "prompts/handoff.yaml")
	for _, p := range probs {
		t.Errorf("%s", p)
	}
	if r == nil {
		t.Fatal("prompts/handoff.yaml did not load")
	}
	return r
}

func TestShippedRulesLoad(t *testing.T) {
	loadShipped(t)
}
