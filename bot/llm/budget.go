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
// without a tokenizer: ASCII text at one token per three bytes (real BPE
// tokenizers average about four), and one token per character for CJK and
// every other non-ASCII character.
func EstimateTokens(s string) int {
	ascii, other := 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			ascii++
		} else {
			other++
		}
	}
	return (ascii+2)/3 + other
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
	// Walk runes until the estimate reaches the cap (minus the ellipsis).
	ascii, other, cut := 0, 0, 0
	for i, r := range s {
		if r < utf8.RuneSelf {
			ascii++
		} else {
			other++
		}
		if (ascii+2)/3+other > max-1 {
			break
		}
		cut = i + utf8.RuneLen(r)
	}
	head := s[:cut]
	// Prefer a natural end within the last third of what fits.
	floor := len(head) * 2 / 3
	if i := lastSentenceEnd(head); i >= floor {
		return strings.TrimRightFunc(head[:i], unicode.IsSpace) + " …"
	}
	if i := strings.LastIndexFunc(head, unicode.IsSpace); i >= floor {
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
