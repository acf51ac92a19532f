package llm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Budget caps what goes into one prompt. Token counts here are local
// estimates (see EstimateTokens), deliberately on the high side, so the
// tokens the server bills stay under the cap.
type Budget struct {
	PromptTokens  int // whole prompt: instructions, entries, history, message (default 1500)
	Entries       int // knowledge entries at most (default 4)
	EntryTokens   int // the best entry (default 280); further ones get 3/5 of it
	HistoryTurns  int // recent turns at most (default 6)
	HistoryTokens int // all quoted turns together (default 200)
	MessageTokens int // the customer's new message (default 350)
	AnswerTokens  int // max_tokens for the reply (default 400)
	AnswerRunes   int // longest answer accepted, in characters (default 1200)
}

func (b Budget) withDefaults() Budget {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&b.PromptTokens, 1500)
	def(&b.Entries, 4)
	def(&b.EntryTokens, 280)
	def(&b.HistoryTurns, 6)
	def(&b.HistoryTokens, 200)
	def(&b.MessageTokens, 350)
	def(&b.AnswerTokens, 400)
	def(&b.AnswerRunes, 1200)
	return b
}

// EstimateTokens is a conservative token count for budgeting before a call,
// without a tokenizer. It walks the text the way BPE pre-tokenizers split
// it and charges each piece at least what real tokenizers usually do: a
// Latin word one token per four letters (real ones hold most words whole,
// long and rare ones in pieces of four to six), a digit group one per three
// digits, every punctuation mark and symbol one, a run of blank lines one,
// and one per character for CJK and all other non-ASCII letters. On the
// shipped prompts it comes out 10-25% above the billed count.
func EstimateTokens(s string) int {
	n := 0
	run := 0     // length of the current ASCII letter or digit run
	var kind int // 1 letters, 2 digits
	flush := func() {
		switch kind {
		case 1:
			n += (run + 3) / 4
		case 2:
			n += (run + 2) / 3
		}
		run, kind = 0, 0
	}
	spaces, newline := 0, false
	flushSpace := func() {
		if newline || spaces > 1 {
			n++
		}
		spaces, newline = 0, false
	}
	for _, r := range s {
		k := 0
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '\'':
			k = 1
		case r >= '0' && r <= '9':
			k = 2
		}
		if k != 0 {
			flushSpace()
			if k != kind {
				flush()
				kind = k
			}
			run++
			continue
		}
		flush()
		switch {
		case r == ' ' || r == '\t' || r == '\r':
			spaces++
		case r == '\n':
			spaces++
			newline = true
		default:
			flushSpace()
			n++ // punctuation, symbols, CJK and other non-ASCII characters
		}
	}
	flush()
	flushSpace()
	return n
}

// messageOverhead is what the chat format adds per message, and
// replyOverhead what it adds per request (OpenAI's documented counts).
const (
	messageOverhead = 4
	replyOverhead   = 3
)

// truncate shortens s to about max estimated tokens, cutting at a sentence
// or line end when one is near, else at a word boundary, and marks the cut.
func truncate(s string, max int) string {
	if EstimateTokens(s) <= max {
		return s
	}
	if max <= 1 {
		return "…"
	}
	// Binary search the longest prefix (on rune boundaries) that fits with
	// the ellipsis.
	lo, hi := 0, len(s)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		for mid > 0 && !utf8.RuneStart(s[mid]) {
			mid--
		}
		if mid <= lo {
			break
		}
		if EstimateTokens(s[:mid])+1 <= max {
			lo = mid
		} else {
			hi = mid - 1
			for hi > lo && hi < len(s) && !utf8.RuneStart(s[hi]) {
				hi--
			}
		}
	}
	head := s[:lo]
	// Prefer a natural end within the last third of what fits.
	floor := len(head) * 2 / 3
	if i := lastSentenceEnd(head); i >= floor && i > 0 {
		return strings.TrimRightFunc(head[:i], unicode.IsSpace) + " …"
	}
	if i := strings.LastIndexFunc(head, unicode.IsSpace); i >= floor && i > 0 {
		return strings.TrimRightFunc(head[:i], unicode.IsSpace) + " …"
	}
	return head + "…"
}

func lastSentenceEnd(s string) int {
	best := -1
	for _, sep := range []string{". ", "! ", "? ", ".\n", "\n", "。", "！", "？", "다. "} {
		if i := strings.LastIndex(s, sep); i >= 0 && i+len(sep) > best {
			best = i + len(sep)
		}
	}
	return best
}
