package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// ASCIIPrefix reads eight bytes at a time; it must agree with a byte by
// byte reading at every length and position of the first non-ASCII byte.
func TestASCIIPrefixAgrees(t *testing.T) {
	slow := func(s string) int {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return i
			}
		}
		return len(s)
	}
	for n := 0; n <= 40; n++ {
		base := strings.Repeat("a", n)
		cases := []string{base}
		for at := 0; at < n; at++ {
			cases = append(cases, base[:at]+"é"+base[at+1:], base[:at]+"\x80"+base[at+1:], base[:at]+"\x7f"+base[at+1:])
		}
		for _, s := range cases {
			if got, want := ASCIIPrefix(s), slow(s); got != want {
				t.Fatalf("ASCIIPrefix(%q) = %d, want %d", s, got, want)
			}
			if got, want := IsASCII(s), slow(s) == len(s); got != want {
				t.Fatalf("IsASCII(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

// ContainsAny is strings.ContainsAny for the marks the readers ask about.
func TestContainsAnyAgrees(t *testing.T) {
	for _, s := range []string{"", "where is my order?", "我的订单呢？", "no mark", "a\xffb?", "\xff", "？", "?", "x,y", "좋아요!"} {
		for _, chars := range []string{"?？", ",，、:：;；", "?", "!！"} {
			if got, want := ContainsAny(s, chars), strings.ContainsAny(s, chars); got != want {
				t.Errorf("ContainsAny(%q, %q) = %v, want %v", s, chars, got, want)
			}
		}
	}
}
