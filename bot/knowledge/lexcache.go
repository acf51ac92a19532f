package knowledge

import "sync"

// lexicalMatchers keeps the lexical matchers of the last keepLexical
// calibrations that named their Source (content's hash of the files read
// and the settings), so a reload that changed nothing matching reads
// reuses the matcher instead of calibrating again. An edit of the
// knowledge, the lexicon or the samples changes the Source; the oldest
// matcher is then dropped, or every edit of a running bot would keep one
// more for good. A Calibrated is read-only once built: Sets share it.
var lexicalMatchers struct {
	sync.Mutex
	keys     []string // oldest first
	matchers map[string]*Calibrated
}

const keepLexical = 4

func cachedLexical(source string) *Calibrated {
	lexicalMatchers.Lock()
	defer lexicalMatchers.Unlock()
	return lexicalMatchers.matchers[source]
}

// keepLexicalMatcher stores c for source and returns what the cache
// holds for it: c, or the matcher another load of the same Source stored
// meanwhile.
func keepLexicalMatcher(source string, c *Calibrated) *Calibrated {
	lexicalMatchers.Lock()
	defer lexicalMatchers.Unlock()
	if have, ok := lexicalMatchers.matchers[source]; ok {
		return have
	}
	if lexicalMatchers.matchers == nil {
		lexicalMatchers.matchers = map[string]*Calibrated{}
	}
	lexicalMatchers.matchers[source] = c
	lexicalMatchers.keys = append(lexicalMatchers.keys, source)
	if len(lexicalMatchers.keys) > keepLexical {
		delete(lexicalMatchers.matchers, lexicalMatchers.keys[0])
		lexicalMatchers.keys = lexicalMatchers.keys[1:]
	}
	return c
}
