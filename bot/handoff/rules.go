package handoff

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/yamlfile"
)

// Problem is the file:line report bot/knowledge uses, so `baton check`
// prints every file's problems the same way.
type Problem = knowledge.Problem

// Rules is a loaded prompts/handoff.yaml. It is immutable after LoadRules
// and safe for concurrent use; hot reload swaps the whole value.
type Rules struct {
	file                       string // base name of the rules file, for evidence
	explicit, explicitUnless   []*phrase
	confusion, confusionUnless []*phrase
	misses                     int  // confusion after this many low-confidence turns in a row; 0: never
	afterBot                   bool // confusion phrases count only after a bot turn
	// overComplaint: right after an answer, confusion the customer put
	// in words is the reason over a complaint the phrases graded below
	// this ("this answer is useless" 0.51, 没用 0.51); 0: never.
	overComplaint float64
	// complaintFirst are the complaint cue groups (indices into
	// complaint.cues) that keep the complaint the reason whatever its
	// grade: a fix that did not work (persist) is a complaint.
	complaintFirst []int

	complaint complaintRules
	loop      loopRules
	neg       negation
	ix        *matchIndex // every phrase list above, compiled for one pass
	learned   learnedRules
	demand    demandRules
	// trace, set only by tests on a copy, receives the vector layer's
	// inputs instead of deciding (for choosing its numbers).
	trace func(p [nClasses]float64, allowed [nClasses]bool, q []float32)
}

type complaintRules struct {
	threshold float64
	// leans is the score at which what follows small talk is taken
	// for unhappy (complaint.leans_unhappy; LeansUnhappy).
	leans     float64
	base      float64
	cues      []cue
	combos    []combo
	unless    []*phrase
	negated   float64 // weight multiplier for a negated complaint cue ("not bad")
	negPraise float64 // ... for a negated praise cue ("not happy")
	exclaim   emphasis
	qmarks    emphasis
	caps      emphasis
	capsRatio float64
	// cueOf maps a cue group's phrase (its index id minus cueLo) to the
	// group: the groups are the index's last lists, in order, so one
	// walk over a document's sorted candidate phrases visits just the
	// groups with a phrase to try (complaintVector). nil: not indexed.
	cueOf []int32
	cueLo int32
}

// cue is one group of complaint (or praise) phrases sharing a weight in
// every language.
type cue struct {
	name    string
	weight  float64
	phrases []*phrase
}

// emphasis is "!!" or SHOUTING: it only adds to a message that already
// has a complaint cue, so "thanks!!" stays thanks.
type emphasis struct {
	min    int
	weight float64
}

// combo is a feature that is present when each of its parts is: a part
// is a set of cue groups (indices into cues), present when one of them
// matched and was not negated. Cues can mean more together than apart
// ("thanks" next to "worst" is sarcasm), or less (a problem asked about
// with "how do I" is a question for the bot).
type combo struct {
	name   string
	weight float64
	// parts hold indexes into the complaint features: cues, or one of
	// markExclaim, markCaps, markQmarks for "!!", CAPS and "??".
	parts [][]int
	// absent[k]: part k is written "!a|b" and is present when none of
	// its cues moved the score ("a calm question": no anger word, no
	// "??").
	absent []bool
	// calms: when present, the learned layer may not call the message a
	// complaint either (`calms_learned: true`): what the phrases read as
	// a calm question about a problem ("my top-up is still pending, can
	// you make it go through?") the layer, which sees words and not the
	// question around them, must not rule back in.
	calms bool
	// needsCue: some part is not written with !, so the combo is off
	// when no cue or mark moved the score (complaintVector skips it).
	needsCue bool
}

// Combo parts may name the message's marks as well as cues.
const (
	markExclaim = -1 - iota
	markCaps
	markQmarks
)

var markNames = map[string]int{"exclaim": markExclaim, "caps": markCaps, "qmarks": markQmarks}

type loopRules struct {
	count      int
	similarity float64
	window     int
	minSize    int
}

// Fallbacks used only when the file's value is missing or invalid (which
// is also reported as a problem); the shipped prompts/handoff.yaml sets
// every one of them from measurements.
const (
	defGap       = 3
	defThreshold = 0.75
	// defLeans is complaint.leans_unhappy when the file has none (files
	// older than the key).
	defLeans = 0.15
)

// LoadRules reads and validates the handoff rules at path in fsys.
//
// Every problem is reported as file:line: message. A phrase with a problem
// is left out and a knob with a problem falls back to a safe value, so the
// rules stay usable; rules is nil only when the file cannot be read or is
// not YAML at all. Callers that hot-reload should keep their previous
// rules when problems is not empty.
func LoadRules(fsys fs.FS, path string, opts ...LoadOption) (*Rules, []Problem) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, []Problem{{File: path, Line: 0, Msg: fmt.Sprintf("cannot read: %v", err)}}
	}
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
	return parseRulesFS(path, data, fsys, o)
}

func parseRules(file string, data []byte) (*Rules, []Problem) {
	return parseRulesFS(file, data, nil, loadOptions{})
}

// parseRulesFS parses a rules file; fsys holds the learned layer's
// examples file named in it (nil: no learned layer).
func parseRulesFS(file string, data []byte, fsys fs.FS, o loadOptions) (*Rules, []Problem) {
	root, probs := parseYAML(file, data)
	if probs != nil {
		return nil, probs
	}
	l := &loader{file: file}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		l.errf(root, "expected a mapping with explicit, complaint, confusion, loop and negation")
		return nil, l.probs
	}
	r := &Rules{file: path.Base(file)}
	top := l.section(&section{node: root.Content[0]}, "", "negation", "explicit", "complaint", "confusion", "loop", "learned", "demand")

	// Negation first: its gap is used by every phrase.
	neg := l.section(top, "negation", "window", "gap", "complaint", "praise", "words", "feelings")
	r.neg.window = l.intIn(neg, "window", 0, 10, 3)
	gap := l.intIn(neg, "gap", 1, 10, defGap)
	r.neg.words = l.phrases(neg, "words", 0, gap, true)
	r.neg.feelings = l.phrases(neg, "feelings", 0, gap, false) // optional: older files have none
	r.complaint.negated = l.floatIn(neg, "complaint", -2, 2, 0)
	r.complaint.negPraise = l.floatIn(neg, "praise", -2, 2, -1)

	ex := l.section(top, "explicit", "typo_min_length", "phrases", "unless")
	typo := l.typoMin(ex)
	r.explicit = l.phrases(ex, "phrases", typo, gap, true)
	r.explicitUnless = l.phrases(ex, "unless", 0, gap, false)

	co := l.section(top, "confusion", "misses", "after_bot", "over_complaint", "complaint_first", "typo_min_length", "phrases", "unless")
	r.misses = l.intIn(co, "misses", 0, 20, 2)
	r.afterBot = l.boolean(co, "after_bot", true)
	if _, ok := co.vals["over_complaint"]; ok { // optional: files without it keep complaint first
		r.overComplaint = l.floatIn(co, "over_complaint", 0, 1, 0)
	}
	typo = l.typoMin(co)
	r.confusion = l.phrases(co, "phrases", typo, gap, true)
	r.confusionUnless = l.phrases(co, "unless", 0, gap, false)

	cp := l.section(top, "complaint", "threshold", "base", "typo_min_length", "exclaim", "caps", "qmarks", "cues", "combos", "unless", "leans_unhappy")
	c := &r.complaint
	c.threshold = l.floatOpen(cp, "threshold", 0, 1, defThreshold)
	c.leans = defLeans
	if v, ok := cp.vals["leans_unhappy"]; ok { // optional: older files have none
		c.leans = l.floatIn(cp, "leans_unhappy", 0, 1, defLeans)
		if c.leans >= c.threshold {
			// At or above the threshold the message hands off anyway:
			// the key would change nothing, surely not what was meant.
			l.errf(v, "%s: %v is not under complaint.threshold (%v): it would never matter", cp.path("leans_unhappy"), c.leans, c.threshold)
			c.leans = min(defLeans, c.threshold/2)
		}
	}
	c.base = l.floatIn(cp, "base", -20, 20, -3)
	typo = l.typoMin(cp)
	exn := l.section(cp, "exclaim", "min", "weight")
	c.exclaim = emphasis{min: l.intIn(exn, "min", 1, 20, 2), weight: l.floatIn(exn, "weight", 0, 10, 0)}
	cpn := l.section(cp, "caps", "min_words", "ratio", "weight")
	c.caps = emphasis{min: l.intIn(cpn, "min_words", 1, 50, 3), weight: l.floatIn(cpn, "weight", 0, 10, 0)}
	c.capsRatio = l.floatIn(cpn, "ratio", 0.01, 1, 0.5)
	if _, ok := cp.vals["qmarks"]; ok { // optional: older files have no qmarks
		qmn := l.section(cp, "qmarks", "min", "weight")
		c.qmarks = emphasis{min: l.intIn(qmn, "min", 1, 20, 1), weight: l.floatIn(qmn, "weight", 0, 10, 0)}
	}
	c.cues = l.cues(cp, typo, gap)
	c.combos = l.combos(cp, c.cues)
	r.complaintFirst = l.cueNames(co, "complaint_first", c.cues)
	c.unless = l.phrases(cp, "unless", 0, gap, false)

	lp := l.section(top, "loop", "count", "similarity", "window", "min_size")
	r.loop = loopRules{
		count:      l.intIn(lp, "count", 2, 20, 3),
		similarity: l.floatIn(lp, "similarity", 0.01, 1, 0.7),
		window:     l.intIn(lp, "window", 1, 100, 10),
		minSize:    l.intIn(lp, "min_size", 0, 50, 3),
	}
	if fsys != nil {
		r.learned = l.learned(top, file, fsys, o)
	}
	if _, ok := top.vals["demand"]; ok { // optional: older files have none
		dm := l.section(top, "demand", "offer", "phrases", "insist", "leverage")
		r.demand.phrases = l.phrases(dm, "phrases", 0, gap, true)
		r.demand.insist = l.phrases(dm, "insist", 0, gap, true)
		r.demand.offer, r.demand.lines = l.ids(dm, "offer")
		r.demand.leverage = l.leverage(dm, c)
	}
	lists := [][]*phrase{r.neg.words, r.neg.feelings, r.explicit, r.explicitUnless, r.confusion, r.confusionUnless, c.unless, r.demand.phrases, r.demand.insist}
	for _, q := range c.cues {
		lists = append(lists, q.phrases)
	}
	r.ix = newIndex(lists...)
	c.index(r.ix)
	return r, l.probs
}

// LeansUnhappy is the complaint score (0 to 1) at which what follows
// small talk reads as unhappy enough that a cheerful reply would jar
// (complaint.leans_unhappy), well under the handoff's threshold.
func (r *Rules) LeansUnhappy() float64 { return r.complaint.leans }

// parseYAML parses a file of this package, a syntax error as a Problem at
// the line of the mistake.
func parseYAML(file string, data []byte) (*yaml.Node, []Problem) {
	root, err := yamlfile.Parse(data)
	if err != nil {
		line, msg := yamlfile.Where(err)
		return nil, []Problem{{File: file, Line: line, Msg: "not valid YAML: " + msg}}
	}
	return root, nil
}

type loader struct {
	file  string
	probs []Problem
}

func (l *loader) errf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.probs = append(l.probs, Problem{File: l.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// section is one mapping of the file, its keys already checked.
type section struct {
	name string     // dotted path, "complaint.caps"
	node *yaml.Node // nil when the section is missing (already reported)
	at   *yaml.Node // where to report a missing key: the section's own key
	vals map[string]*yaml.Node
	keys map[string]*yaml.Node // key nodes, for their line numbers
}

func (s *section) path(key string) string {
	if s.name == "" {
		return key
	}
	return s.name + "." + key
}

// section reads parent[key] (parent itself when key is ""), a mapping whose
// keys must be among allowed; unknown and repeated keys are reported.
func (l *loader) section(parent *section, key string, allowed ...string) *section {
	s := &section{vals: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	n, at := parent.node, parent.node
	if key != "" {
		s.name = parent.path(key)
		n, at = parent.vals[key], parent.keys[key]
		if n == nil {
			if parent.node != nil {
				l.errf(parent.at, "missing %s", s.name)
			}
			return s
		}
	}
	s.at = at
	if n.Kind != yaml.MappingNode {
		l.errf(n, "%s: expected a mapping with %s", s.name, strings.Join(allowed, ", "))
		return s
	}
	s.node = n
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := s.vals[k.Value]; dup {
			l.errf(k, "%s is repeated", s.path(k.Value))
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		if !ok {
			l.errf(k, "unknown key %q in %s (known: %s)", k.Value, or(s.name, "the file"), strings.Join(allowed, ", "))
			continue
		}
		s.vals[k.Value] = v
		s.keys[k.Value] = k
	}
	return s
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// weight reads a cue's or combo's weight: present, a number, -10 to 10.
func (l *loader) weight(g, n *yaml.Node, prefix string) (float64, bool) {
	if n == nil {
		l.errf(g, "%s: missing weight", prefix)
		return 0, false
	}
	w, ok := l.number(n, prefix+".weight")
	if !ok {
		return 0, false
	}
	if w < -10 || w > 10 {
		l.errf(n, "%s.weight: %v is out of range (-10 to 10)", prefix, w)
		return 0, false
	}
	return w, true
}

// scalar returns s[key], reporting it when missing or not a scalar.
func (l *loader) scalar(s *section, key string) (*yaml.Node, bool) {
	v, ok := s.vals[key]
	if !ok {
		if s.node != nil {
			l.errf(s.at, "missing %s", s.path(key))
		}
		return nil, false
	}
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		l.errf(v, "%s: expected a number, got %s", s.path(key), nodeKind(v))
		return nil, false
	}
	return v, true
}

func (l *loader) boolean(s *section, key string, def bool) bool {
	v, ok := s.vals[key]
	if !ok {
		if s.node != nil {
			l.errf(s.at, "missing %s", s.path(key))
		}
		return def
	}
	switch v.Value {
	case "true":
		return true
	case "false":
		return false
	}
	l.errf(v, "%s: expected true or false, got %q", s.path(key), v.Value)
	return def
}

func (l *loader) intIn(s *section, key string, lo, hi, def int) int {
	v, ok := l.scalar(s, key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		l.errf(v, "%s: %q is not a whole number", s.path(key), v.Value)
		return def
	}
	if n < lo || n > hi {
		l.errf(v, "%s: %d is out of range (%d to %d)", s.path(key), n, lo, hi)
		return def
	}
	return n
}

func (l *loader) number(v *yaml.Node, name string) (float64, bool) {
	f, err := strconv.ParseFloat(v.Value, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		l.errf(v, "%s: %q is not a number", name, v.Value)
		return 0, false
	}
	return f, true
}

// floatIn reads a number in [lo, hi].
func (l *loader) floatIn(s *section, key string, lo, hi, def float64) float64 {
	v, ok := l.scalar(s, key)
	if !ok {
		return def
	}
	f, ok := l.number(v, s.path(key))
	if !ok {
		return def
	}
	if f < lo || f > hi {
		l.errf(v, "%s: %v is out of range (%v to %v)", s.path(key), f, lo, hi)
		return def
	}
	return f
}

// floatOpen reads a number in (lo, hi).
func (l *loader) floatOpen(s *section, key string, lo, hi, def float64) float64 {
	v, ok := l.scalar(s, key)
	if !ok {
		return def
	}
	f, ok := l.number(v, s.path(key))
	if !ok {
		return def
	}
	if f <= lo || f >= hi {
		l.errf(v, "%s: %v is out of range (more than %v and less than %v)", s.path(key), f, lo, hi)
		return def
	}
	return f
}

func (l *loader) typoMin(s *section) int {
	n := l.intIn(s, "typo_min_length", 0, 30, 0)
	if n > 0 && n < 4 {
		l.errf(s.vals["typo_min_length"], "%s: %d would let short words match other words; use 0 (off) or 4 and more", s.path("typo_min_length"), n)
		return 0
	}
	return n
}

var langKey = regexp.MustCompile(`^[a-z]{2,3}$`)

// phrases reads s[key] = {lang: [phrase, ...]} and compiles every phrase.
// A missing list is reported when required, else it is empty.
func (l *loader) phrases(s *section, key string, typoMin, gap int, required bool) []*phrase {
	n, ok := s.vals[key]
	if !ok {
		if required && s.node != nil {
			l.errf(s.at, "missing %s", s.path(key))
		}
		return nil
	}
	name := s.path(key)
	if n.Kind != yaml.MappingNode {
		l.errf(n, "%s: expected languages (en:, zh:, ko:, ...) each with a list of phrases", name)
		return nil
	}
	var out []*phrase
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !langKey.MatchString(k.Value) {
			l.errf(k, "%s: %q is not a language code (two or three lower-case letters such as en, zh, ko)", name, k.Value)
			continue
		}
		out = append(out, l.list(v, name+"."+k.Value, typoMin, gap, seen)...)
	}
	return out
}

// list compiles one YAML list of phrases. seen catches the same phrase
// listed twice in one trigger (across languages too).
func (l *loader) list(v *yaml.Node, name string, typoMin, gap int, seen map[string]int) []*phrase {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		l.errf(v, "%s: expected a list of phrases", name)
		return nil
	}
	var out []*phrase
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
			l.errf(e, "%s: expected a phrase (text), got %s", name, nodeKind(e))
			continue
		}
		src := strings.TrimSpace(e.Value)
		if src == "" {
			l.errf(e, "%s: empty phrase", name)
			continue
		}
		key := strings.Join(strings.Fields(strings.ToLower(src)), " ")
		if first, dup := seen[key]; dup {
			l.errf(e, "%s: %q is listed twice (first at line %d)", name, src, first)
			continue
		}
		seen[key] = e.Line
		p, err := compilePhrase(src, typoMin, gap)
		if err != nil {
			l.errf(e, "%s: %q: %v", name, src, err)
			continue
		}
		p.line = e.Line
		out = append(out, p)
	}
	return out
}

// cues reads the complaint cue groups: a list of {name, weight, en, zh, ...}.
func (l *loader) cues(s *section, typoMin, gap int) []cue {
	n, ok := s.vals["cues"]
	if !ok {
		if s.node != nil {
			l.errf(s.at, "missing complaint.cues")
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errf(n, "complaint.cues: expected a list of {name, weight, en: [...], ...}")
		return nil
	}
	var out []cue
	names := map[string]int{}
	seen := map[string]int{}
	for _, g := range n.Content {
		if g.Kind != yaml.MappingNode {
			l.errf(g, "complaint.cues: expected {name, weight, en: [...], ...}, got %s", nodeKind(g))
			continue
		}
		c := cue{}
		var nameNode, weightNode *yaml.Node
		for i := 0; i+1 < len(g.Content); i += 2 {
			k, v := g.Content[i], g.Content[i+1]
			switch {
			case k.Value == "name":
				nameNode = v
			case k.Value == "weight":
				weightNode = v
			case langKey.MatchString(k.Value):
				// below
			default:
				l.errf(k, "complaint.cues: unknown key %q (name, weight, or a language code such as en)", k.Value)
			}
		}
		if nameNode == nil || nameNode.Kind != yaml.ScalarNode || strings.TrimSpace(nameNode.Value) == "" {
			l.errf(g, "complaint.cues: every cue needs a name")
			continue
		}
		c.name = strings.TrimSpace(nameNode.Value)
		if first, dup := names[c.name]; dup {
			l.errf(nameNode, "complaint.cues: name %q is used twice (first at line %d)", c.name, first)
			continue
		}
		names[c.name] = nameNode.Line
		prefix := "complaint.cues." + c.name
		w, ok := l.weight(g, weightNode, prefix)
		if !ok {
			continue
		}
		c.weight = w
		for i := 0; i+1 < len(g.Content); i += 2 {
			k, v := g.Content[i], g.Content[i+1]
			if k.Value == "name" || k.Value == "weight" || !langKey.MatchString(k.Value) {
				continue
			}
			c.phrases = append(c.phrases, l.list(v, prefix+"."+k.Value, typoMin, gap, seen)...)
		}
		out = append(out, c)
	}
	return out
}

// combos reads complaint.combos: a list of {name, weight, when: [part,
// ...]}, each part a cue name or several joined by |.
func (l *loader) combos(s *section, cues []cue) []combo {
	n, ok := s.vals["combos"]
	if !ok || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil // optional
	}
	if n.Kind != yaml.SequenceNode {
		l.errf(n, "complaint.combos: expected a list of {name, weight, when: [cue, cue|cue, ...]}")
		return nil
	}
	byName := map[string]int{}
	for i, c := range cues {
		byName[c.name] = i
	}
	var out []combo
	names := map[string]int{}
	for _, g := range n.Content {
		if g.Kind != yaml.MappingNode {
			l.errf(g, "complaint.combos: expected {name, weight, when: [...]}, got %s", nodeKind(g))
			continue
		}
		var nameNode, weightNode, whenNode, calmsNode *yaml.Node
		for i := 0; i+1 < len(g.Content); i += 2 {
			k, v := g.Content[i], g.Content[i+1]
			switch k.Value {
			case "name":
				nameNode = v
			case "weight":
				weightNode = v
			case "when":
				whenNode = v
			case "calms_learned":
				calmsNode = v
			default:
				l.errf(k, "complaint.combos: unknown key %q (name, weight, when, calms_learned)", k.Value)
			}
		}
		if nameNode == nil || nameNode.Kind != yaml.ScalarNode || strings.TrimSpace(nameNode.Value) == "" {
			l.errf(g, "complaint.combos: every combo needs a name")
			continue
		}
		c := combo{name: strings.TrimSpace(nameNode.Value)}
		_, clash := byName[c.name]
		if first, dup := names[c.name]; dup || clash {
			if clash {
				l.errf(nameNode, "complaint.combos: name %q is already a cue's name", c.name)
			} else {
				l.errf(nameNode, "complaint.combos: name %q is used twice (first at line %d)", c.name, first)
			}
			continue
		}
		names[c.name] = nameNode.Line
		prefix := "complaint.combos." + c.name
		w, ok := l.weight(g, weightNode, prefix)
		if !ok {
			continue
		}
		c.weight = w
		if calmsNode != nil {
			if calmsNode.Kind != yaml.ScalarNode || (calmsNode.Value != "true" && calmsNode.Value != "false") {
				l.errf(calmsNode, "%s.calms_learned: expected true or false, got %q", prefix, calmsNode.Value)
			}
			c.calms = calmsNode.Value == "true"
		}
		if whenNode == nil || whenNode.Kind != yaml.SequenceNode || len(whenNode.Content) < 2 {
			at := g
			if whenNode != nil {
				at = whenNode
			}
			l.errf(at, "%s.when: expected a list of at least two cue names (a part may be several joined by |)", prefix)
			continue
		}
		bad := false
		for _, part := range whenNode.Content {
			if part.Kind != yaml.ScalarNode {
				l.errf(part, "%s.when: expected a cue name, got %s", prefix, nodeKind(part))
				bad = true
				continue
			}
			var set []int
			v, absent := strings.CutPrefix(strings.TrimSpace(part.Value), "!")
			for _, name := range strings.Split(v, "|") {
				name = strings.TrimSpace(name)
				i, ok := byName[name]
				if !ok {
					i, ok = markNames[name]
				}
				if !ok {
					l.errf(part, "%s.when: %q is not the name of a cue in complaint.cues (nor exclaim, caps, qmarks)", prefix, name)
					bad = true
					continue
				}
				set = append(set, i)
			}
			c.parts = append(c.parts, set)
			c.absent = append(c.absent, absent)
		}
		if !slices.Contains(c.absent, false) && !bad {
			l.errf(whenNode, "%s.when: at least one part must be present (not written with !)", prefix)
			bad = true
		}
		if !bad {
			out = append(out, c)
		}
	}
	return out
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return "a " + strings.TrimPrefix(n.Tag, "!!")
}

// cueNames reads s[key], an optional list of complaint cue group names,
// as indices into cues; unknown names are problems.
func (l *loader) cueNames(s *section, key string, cues []cue) []int {
	n, ok := s.vals[key]
	if !ok {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errf(n, "%s: expected a list of complaint cue names", s.path(key))
		return nil
	}
	var out []int
	for _, v := range n.Content {
		i := slices.IndexFunc(cues, func(q cue) bool { return q.name == strings.TrimSpace(v.Value) })
		if v.Kind != yaml.ScalarNode || i < 0 {
			l.errf(v, "%s: %q is not the name of a cue group in complaint.cues", s.path(key), v.Value)
			continue
		}
		out = append(out, i)
	}
	return out
}
