package bot

import "testing"

// A miss on a plainly asked question is the help pages' gap, not the
// customer's wording (walk 2026-12-06 item 12): asksClearly tells such a
// question from a fragment or a word that may be anything.
func TestAsksClearly(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"do you sell phone cases", true},
		{"sorry to bother you, quick q: do you ship to PO boxes?", true},
		{"can i pay in installments", true},
		{"有手机壳卖吗", true},
		{"폰케이스 파나요?", true},
		{"klarna?", false},
		{"asdf qwer", false},
		{"asdf?", false},
		{"my headphones", false},
		{"吗", false},
	} {
		if got := asksClearly(c.text); got != c.want {
			t.Errorf("asksClearly(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
