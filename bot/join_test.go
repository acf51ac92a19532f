package bot

import (
	"strings"
	"testing"
)

// TestJoin: the parts of a reply, trimmed, the empty ones left out, with
// a blank line between; more parts than join keeps on its stack too.
func TestJoin(t *testing.T) {
	many := make([]string, 12)
	for i := range many {
		many[i] = strings.Repeat("x", i+1)
	}
	cases := []struct {
		parts []string
		want  string
	}{
		{nil, ""},
		{[]string{"", "  ", "\n"}, ""},
		{[]string{" Hi Jane! ", "", "Your order ships in 2 days.\n"}, "Hi Jane!\n\nYour order ships in 2 days."},
		{[]string{"one"}, "one"},
		{many, strings.Join(many, "\n\n")},
		{append([]string{" "}, many...), strings.Join(many, "\n\n")},
	}
	for _, c := range cases {
		if got := join(c.parts...); got != c.want {
			t.Errorf("join(%q) = %q, want %q", c.parts, got, c.want)
		}
	}
}
