package persona

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bot/yamlfile"
)

// Load reads prompts from fsys below root. Problems are reported; a missing
// message in one language falls back to English, so a half-translated
// prompts folder still works.
//
// Load returns nil when persona.yaml or messages/en.yaml cannot be used
// (missing, malformed, no name, a message the core needs missing in
// English with no built-in wording); callers then keep their last good
// persona. A broken variant of a message is left out; a broken English
// message is said in the built-in wording, one in another language in
// English; a broken file in another language is skipped, and
// smalltalk.yaml problems only turn smalltalk recognition off. Each is
// reported. Load never panics.
func Load(fsys fs.FS, root string, opts ...LoadOption) (*Persona, []Problem) {
	var o loadOptions
	for _, f := range opts {
		f(&o)
	}
	l := &loader{fsys: fsys}
	p := &Persona{
		intro:  map[string]*template.Template{},
		hours:  map[string]string{},
		words:  map[string]locale{},
		langs:  map[string]*langFile{},
		static: map[*template.Template]string{},
	}
	if !l.persona(p, path.Join(root, "persona.yaml")) {
		return nil, l.sorted()
	}
	o.replaceContact(p)
	if o.zone != nil {
		p.zone = ZoneLabel(o.zone)
	}
	if !l.messageDir(p, path.Join(root, "messages")) {
		return nil, l.sorted()
	}
	l.smalltalk(p, path.Join(root, "smalltalk.yaml"))
	p.langList = sortedKeys(p.langs)
	l.crossCheck(p, root)
	return p, l.sorted()
}

// sorted orders problems by file and line, as ops read them.
func (l *loader) sorted() []Problem {
	slices.SortStableFunc(l.problems, func(a, b Problem) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return l.problems
}

type loader struct {
	fsys     fs.FS
	problems []Problem
	// shipped is set on the loader reading the binary's own prompts for
	// the messages ops' prompts lack: it has nothing to fall back to.
	shipped bool
	// fromShipped are the English keys ops' prompts lack, taken from the
	// binary's own prompts: the other languages take them from there too.
	fromShipped map[string]bool
}

// shippedMessages reads lang's messages from the prompts built into the
// binary (package baton embeds prompts/), or nil if it has none. Ops who
// mount their own prompts/ from an earlier release lack the messages added
// since: those are said in the release's own wording, with a warning,
// rather than the bot refusing to start. Problems of the shipped file are
// not ops' to fix (tests keep it clean), so they are dropped.
func (l *loader) shippedMessages(p *Persona, lang string) *langFile {
	if l.shipped {
		return nil
	}
	b := &loader{fsys: baton.Files, shipped: true}
	f, ok := b.messageFile(p, lang, path.Join("prompts", "messages", lang+".yaml"))
	if !ok {
		return nil
	}
	return f
}

func (l *loader) errorf(file string, line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	l.problems = append(l.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (l *loader) warnf(file string, line int, format string, args ...any) {
	l.errorf(file, line, warnPrefix+format, args...)
}

// parse reads a YAML file and returns its top-level node: nil with ok for
// an empty file, found false when the file does not exist.
func (l *loader) parse(file string) (top *yaml.Node, found, ok bool) {
	b, err := fs.ReadFile(l.fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, false
	}
	if err != nil {
		l.errorf(file, 1, "cannot read: %v", err)
		return nil, true, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	switch err := decode(dec, &doc); {
	case err == io.EOF:
		return nil, true, true
	case err != nil:
		line, msg := yamlErrorLine(err, b)
		l.errorf(file, line, "invalid YAML: %s", msg)
		return nil, true, false
	}
	var extra yaml.Node
	if err := decode(dec, &extra); err != io.EOF {
		l.warnf(file, extra.Line, "only the first YAML document is read; remove the '---' line and what follows")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, true, true
	}
	top = doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return nil, true, true // only comments
	}
	return top, true, true
}

// templateStartRE finds a value that starts with {{ unquoted, which YAML
// reads as a mapping: the most likely YAML mistake in a message file.
var templateStartRE = regexp.MustCompile(`(:|^\s*-)\s*\{\{`)

// yamlErrorLine turns a yaml.v3 error into a 1-based line of src and a
// message for ops, with a hint for the most likely mistake in a message file.
func yamlErrorLine(err error, src []byte) (int, string) {
	e := yamlfile.Locate(err, src)
	line, msg := e.Line, e.Msg
	lines := strings.Split(strings.TrimRight(string(src), "\n"), "\n")
	for _, l := range lines[max(0, min(line, len(lines))-2):min(line, len(lines))] {
		if templateStartRE.MatchString(l) && !strings.Contains(msg, "{{") {
			msg += " (put a message that starts with {{ in quotes)"
			break
		}
	}
	return line, msg
}

// decode guards against parser panics on hostile input.
func decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

// pair is one key: value of a mapping.
type pair struct {
	key   string
	line  int
	value *yaml.Node
}

// pairs lists a mapping's entries, reporting non-text keys and duplicates
// (YAML forbids them; the first one wins). Aliases are resolved.
func (l *loader) pairs(file string, m *yaml.Node) []pair {
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			l.errorf(file, k.Line, "expected a plain key here")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.errorf(file, k.Line, "%q is defined twice (first at line %d); the first one is used", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k.Value, line: k.Line, value: v})
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// text reads a scalar; ok is false (and a problem reported) otherwise.
func (l *loader) text(file, what string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		l.errorf(file, n.Line, "%s: expected text", what)
		return "", false
	}
	return n.Value, true
}

// textList reads a list of scalars.
func (l *loader) textList(file, what string, n *yaml.Node) ([]string, bool) {
	items, ok := l.textItems(file, what, n)
	var out []string
	for _, c := range items {
		out = append(out, c.Value)
	}
	return out, ok
}

// textItems returns a list's text items as nodes, so a caller that reports
// duplicates or empty entries can name each item's own line; a node that
// is not a list, or an item that is not text, is reported at its line.
func (l *loader) textItems(file, what string, n *yaml.Node) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		l.errorf(file, n.Line, "%s: expected a list", what)
		return nil, false
	}
	var out []*yaml.Node
	ok := true
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode || isNull(c) {
			l.errorf(file, c.Line, "%s: expected text in the list", what)
			ok = false
			continue
		}
		out = append(out, c)
	}
	return out, ok
}

// perLang reads "text" (meaning English) or a lang: text mapping.
func (l *loader) perLang(file, what string, n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	switch n.Kind {
	case yaml.ScalarNode:
		if !isNull(n) {
			out["en"] = n
		}
	case yaml.MappingNode:
		for _, e := range l.pairs(file, n) {
			if !validLang(e.key) {
				l.errorf(file, e.line, "%s: %q is not a language code (use en, zh, ko, ...)", what, e.key)
				continue
			}
			out[e.key] = e.value
		}
	default:
		l.errorf(file, n.Line, "%s: expected text or one text per language (en: ..., zh: ...)", what)
	}
	return out
}

var langRE = regexp.MustCompile(`^[a-z]{2,3}$`)

func validLang(s string) bool { return langRE.MatchString(s) }

// persona reads persona.yaml; false means it cannot be used.
func (l *loader) persona(p *Persona, file string) bool {
	top, found, ok := l.parse(file)
	if !found {
		l.errorf(file, 1, "persona.yaml is missing")
		return false
	}
	if !ok {
		return false
	}
	if top == nil || top.Kind != yaml.MappingNode {
		line := 1
		if top != nil {
			line = top.Line
		}
		l.errorf(file, line, "expected name, shop, intro, contact, hours and tone at the top level")
		return false
	}
	fields := map[string]pair{}
	for _, e := range l.pairs(file, top) {
		switch e.key {
		case "name", "shop", "intro", "contact", "hours", "timezone", "tone", "time_of_day", "weekdays":
			fields[e.key] = e
		default:
			l.warnf(file, e.line, "unknown key %q (known: name, shop, intro, contact, hours, timezone, tone, time_of_day, weekdays)", e.key)
		}
	}

	usable := true
	if e, ok := fields["name"]; !ok {
		l.errorf(file, 1, "name is missing: the bot needs a name")
		usable = false
	} else if s, ok := l.text(file, "name", e.value); ok && strings.TrimSpace(s) != "" {
		p.name = strings.TrimSpace(s)
	} else {
		if ok {
			l.errorf(file, e.line, "name is empty: the bot needs a name")
		}
		usable = false
	}

	if e, ok := fields["shop"]; !ok {
		l.warnf(file, 1, "shop is missing; {{shop}} says nothing")
	} else if s, ok := l.text(file, "shop", e.value); ok {
		p.shop = strings.TrimSpace(s)
	}

	l.contact(p, file, fields)

	if e, ok := fields["hours"]; !ok {
		l.warnf(file, 1, "hours is missing; {{hours}} says nothing")
	} else {
		for lang, n := range l.perLang(file, "hours", e.value) {
			if s, ok := l.text(file, "hours."+lang, n); ok {
				p.hours[lang] = strings.TrimSpace(s)
			}
		}
	}

	if e, ok := fields["timezone"]; ok {
		// The zone the hours are in, named after them; BATON_TIMEZONE
		// wins (WithZone).
		if s, ok := l.text(file, "timezone", e.value); ok {
			if loc, err := time.LoadLocation(strings.TrimSpace(s)); err != nil || strings.EqualFold(strings.TrimSpace(s), "local") || strings.TrimSpace(s) == "" {
				l.errorf(file, e.value.Line, "timezone: %q is not an IANA time zone name (such as America/New_York or Asia/Seoul); {{hours}} names no zone", s)
			} else {
				p.zone = ZoneLabel(loc)
			}
		}
	}

	if e, ok := fields["tone"]; !ok {
		l.warnf(file, 1, "tone is missing; the LLM gets no voice rules")
	} else if rules, _ := l.textList(file, "tone", e.value); len(rules) > 0 {
		for _, r := range rules {
			if r = strings.TrimSpace(r); r != "" {
				p.tone = append(p.tone, r)
			}
		}
	} else if e.value.Kind == yaml.SequenceNode {
		l.warnf(file, e.line, "tone has no rules; the LLM gets no voice rules")
	}

	l.words(p, file, fields)

	// The intro comes last: it is a template and may use the words above.
	e, ok := fields["intro"]
	if !ok {
		l.errorf(file, 1, "intro is missing: add at least intro: en: \"I'm ... from the ... team.\"")
		return false
	}
	intros := l.perLang(file, "intro", e.value)
	fm := p.funcs("en", Data{})
	delete(fm, "intro") // an intro cannot include itself
	for _, lang := range sortedKeys(intros) {
		n := intros[lang]
		src, ok := l.text(file, "intro."+lang, n)
		if !ok {
			continue
		}
		t, ok := l.template(p, file, "intro."+lang, "intro."+lang, lang, n, src, fm, false)
		if ok {
			p.intro[lang] = t
		}
	}
	if _, ok := p.intro["en"]; !ok {
		if _, had := intros["en"]; !had {
			l.errorf(file, e.line, "intro: en is missing; English is the fallback for every language")
		}
		return false
	}
	return usable
}

func (l *loader) contact(p *Persona, file string, fields map[string]pair) {
	e, ok := fields["contact"]
	if !ok {
		l.warnf(file, 1, "contact is missing; customers get no email or phone when no agent is available")
		return
	}
	if e.value.Kind != yaml.MappingNode {
		l.errorf(file, e.value.Line, "contact: expected email: and phone:")
		return
	}
	for _, c := range l.pairs(file, e.value) {
		s, ok := l.text(file, "contact."+c.key, c.value)
		switch c.key {
		case "email":
			if ok {
				p.email = strings.TrimSpace(s)
				if !strings.Contains(p.email, "@") {
					l.warnf(file, c.line, "contact.email %q does not look like an email address", p.email)
				}
			}
		case "phone":
			if ok {
				p.phone = strings.TrimSpace(s)
			}
		default:
			l.warnf(file, c.line, "unknown key contact.%s (known: email, phone)", c.key)
		}
	}
	if p.email == "" && p.phone == "" {
		l.warnf(file, e.line, "contact has neither email nor phone")
	}
}

// words reads time_of_day (morning, afternoon, evening) and weekdays
// (Monday to Sunday) per language, over the built-in en/zh/ko words.
func (l *loader) words(p *Persona, file string, fields map[string]pair) {
	get := func(lang string) locale {
		if w, ok := p.words[lang]; ok {
			return w
		}
		if w, ok := defaultLocales[lang]; ok {
			return w
		}
		return defaultLocales["en"]
	}
	if e, ok := fields["time_of_day"]; ok {
		for lang, n := range l.langMap(file, "time_of_day", e.value) {
			list, ok := l.textList(file, "time_of_day."+lang, n)
			if !ok {
				continue
			}
			if len(list) != 3 {
				l.errorf(file, n.Line, "time_of_day.%s: expected 3 words (morning, afternoon, evening), found %d", lang, len(list))
				continue
			}
			w := get(lang)
			copy(w.times[:], list)
			p.words[lang] = w
		}
	}
	if e, ok := fields["weekdays"]; ok {
		for lang, n := range l.langMap(file, "weekdays", e.value) {
			list, ok := l.textList(file, "weekdays."+lang, n)
			if !ok {
				continue
			}
			if len(list) != 7 {
				l.errorf(file, n.Line, "weekdays.%s: expected 7 names, Monday to Sunday, found %d", lang, len(list))
				continue
			}
			w := get(lang)
			for i, d := range list { // Monday first in the file, Sunday first in time.Weekday
				w.weekdays[(i+1)%7] = d
			}
			p.words[lang] = w
		}
	}
}

// langMap reads a lang: value mapping.
func (l *loader) langMap(file, what string, n *yaml.Node) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		l.errorf(file, n.Line, "%s: expected one entry per language (en: ..., zh: ...)", what)
		return nil
	}
	out := map[string]*yaml.Node{}
	for _, e := range l.pairs(file, n) {
		if !validLang(e.key) {
			l.errorf(file, e.line, "%s: %q is not a language code (use en, zh, ko, ...)", what, e.key)
			continue
		}
		out[e.key] = e.value
	}
	return out
}

// messageDir reads messages/*.yaml; false means English is unusable.
func (l *loader) messageDir(p *Persona, dir string) bool {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.errorf(dir, 1, "cannot read: %v", err)
	}
	files := map[string]string{}
	for _, de := range entries {
		name := de.Name()
		ext := path.Ext(name)
		if de.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		lang := strings.TrimSuffix(name, ext)
		file := path.Join(dir, name)
		if !validLang(lang) {
			l.warnf(file, 1, "skipped: name a message file after its language code (en.yaml, zh.yaml, ko.yaml)")
			continue
		}
		if prev, dup := files[lang]; dup {
			l.warnf(file, 1, "skipped: %s already holds the %s messages", prev, lang)
			continue
		}
		files[lang] = file
	}
	enFile, ok := files["en"]
	if !ok {
		l.errorf(path.Join(dir, "en.yaml"), 1, "en.yaml is missing; English is the fallback for every language")
		return false
	}
	en, ok := l.messageFile(p, "en", enFile)
	if !ok {
		return false
	}
	p.langs["en"] = en
	for _, lang := range sortedKeys(files) {
		if lang == "en" {
			continue
		}
		if f, ok := l.messageFile(p, lang, files[lang]); ok {
			p.langs[lang] = f
		}
	}
	return true
}

// messageFile reads one language's messages. A broken English message is
// replaced by the built-in one; in other languages a broken message is
// dropped (English is used for it). Only a file that is not YAML or not a
// mapping is skipped.
func (l *loader) messageFile(p *Persona, lang, file string) (*langFile, bool) {
	strict := lang == "en"
	top, _, ok := l.parse(file)
	if !ok {
		return nil, false
	}
	f := &langFile{msgs: map[string][]*template.Template{}}
	if top != nil && top.Kind != yaml.MappingNode {
		l.errorf(file, top.Line, "expected key: message pairs at the top level")
		return nil, false
	}
	broken := false
	lines := map[string]int{}
	if top != nil {
		fm := p.funcs(lang, Data{})
		var shipped *langFile
		for _, e := range l.pairs(file, top) {
			lines[e.key] = e.line
			known := slices.Contains(keys, e.key)
			if !known {
				if en := p.langs["en"]; lang == "en" || en == nil || en.msgs[e.key] == nil {
					l.warnf(file, e.line, "unknown message %q: Baton never sends it (a typo?)", e.key)
				}
			}
			from := len(l.problems)
			vs, ok := l.variants(p, file, lang, e, fm)
			if ok {
				f.msgs[e.key] = vs
				continue
			}
			// No wording of this message is usable: the one mistake
			// leaves out this message, not the whole file (nor the bot).
			switch {
			case !strict:
				l.consequence(from, "; the English wording is used until fixed")
				continue
			case !l.shipped && shipped == nil:
				shipped = l.shippedMessages(p, lang)
			}
			if shipped != nil && shipped.msgs[e.key] != nil {
				f.msgs[e.key] = shipped.msgs[e.key]
				l.consequence(from, "; the built-in wording is used until fixed")
				continue
			}
			if !known {
				l.consequence(from, "; this message is left out until fixed")
				continue
			}
			broken = true
		}
	}
	if strict {
		var missing []string
		for _, k := range keys {
			if _, ok := f.msgs[k]; !ok && lines[k] == 0 {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 && !broken {
			// No message is required of ops: one the binary has in its
			// own prompts is said in that wording.
			var filled, lacking []string
			shipped := l.shippedMessages(p, lang)
			for _, k := range missing {
				if shipped != nil && shipped.msgs[k] != nil {
					f.msgs[k] = shipped.msgs[k]
					filled = append(filled, k)
					if l.fromShipped == nil {
						l.fromShipped = map[string]bool{}
					}
					l.fromShipped[k] = true
				} else {
					lacking = append(lacking, k)
				}
			}
			if len(filled) > 0 {
				l.warnf(file, 1, "missing messages (the built-in wording is used): %s", strings.Join(filled, ", "))
			}
			missing = lacking
		}
		if len(missing) > 0 {
			l.errorf(file, 1, "missing messages the bot sends: %s", strings.Join(missing, ", "))
			return nil, false
		}
		if broken {
			return nil, false
		}
		return f, true
	}
	var missing, filled []string
	var shipped *langFile
	for _, k := range sortedKeys(p.langs["en"].msgs) {
		if _, ok := f.msgs[k]; ok || lines[k] != 0 {
			continue
		}
		// A message ops' English lacks too is new since their prompts:
		// the built-in wording in this language, if the binary has one.
		if l.fromShipped[k] {
			if shipped == nil {
				shipped = l.shippedMessages(p, lang)
			}
			if shipped != nil && shipped.msgs[k] != nil {
				f.msgs[k] = shipped.msgs[k]
				filled = append(filled, k)
				continue
			}
		}
		missing = append(missing, k)
	}
	for _, ks := range [][]string{missing, filled} {
		slices.SortFunc(ks, func(a, b string) int { return keyOrder(a) - keyOrder(b) })
	}
	if len(filled) > 0 {
		l.warnf(file, 1, "missing messages (the built-in wording is used): %s", strings.Join(filled, ", "))
	}
	if len(missing) > 0 {
		l.warnf(file, 1, "missing messages (English is used): %s", strings.Join(missing, ", "))
	}
	return f, true
}

// keyOrder sorts core keys in file order and others after them.
func keyOrder(k string) int {
	if i := slices.Index(keys, k); i >= 0 {
		return i
	}
	return len(keys)
}

// variants reads one message: text or a list of texts, each a template.
func (l *loader) variants(p *Persona, file, lang string, e pair, fm template.FuncMap) ([]*template.Template, bool) {
	var nodes []*yaml.Node
	switch v := e.value; v.Kind {
	case yaml.ScalarNode:
		if isNull(v) {
			l.errorf(file, e.line, "message %q is empty", e.key)
			return nil, false
		}
		nodes = []*yaml.Node{v}
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			l.errorf(file, e.line, "message %q has an empty list", e.key)
			return nil, false
		}
		for _, c := range v.Content {
			nodes = append(nodes, deref(c))
		}
	default:
		l.errorf(file, v.Line, "message %q: expected text or a list of texts (put a message that starts with {{ in quotes)", e.key)
		return nil, false
	}
	var out []*template.Template
	var bad []int // where each broken variant's problems start
	for i, n := range nodes {
		what, name := fmt.Sprintf("message %q", e.key), e.key
		if len(nodes) > 1 {
			what = fmt.Sprintf("message %q variant %d", e.key, i+1)
			name = fmt.Sprintf("%s, variant %d", e.key, i+1)
		}
		from := len(l.problems)
		if n.Kind != yaml.ScalarNode || (isNull(n) && !mayBeEmpty[e.key]) {
			l.errorf(file, n.Line, "%s: expected text (put a message that starts with {{ in quotes)", what)
			bad = append(bad, from)
			continue
		}
		if t, good := l.template(p, file, what, name, lang, n, n.Value, fm, mayBeEmpty[e.key]); good {
			out = append(out, t)
		} else {
			bad = append(bad, from)
		}
	}
	if len(out) == 0 {
		return nil, false
	}
	// The message's other wordings are said meanwhile.
	for _, from := range bad {
		l.consequence(from, "; this variant is left out until fixed")
	}
	return out, true
}

// consequence tells ops what the bot does meanwhile, at the end of each
// problem (not warning) reported since from.
func (l *loader) consequence(from int, what string) {
	for i := from; i < len(l.problems); i++ {
		if !IsWarning(l.problems[i]) {
			l.problems[i].Msg += what
		}
	}
}

// unclosedAction finds a {{ with no }} before the next {{ or the end (the
// usual typo: "{{intro}"), returning its offset in src and the text from
// it to the end of the word, or -1.
func unclosedAction(src string) (int, string) {
	for off := 0; ; {
		i := strings.Index(src[off:], "{{")
		if i < 0 {
			return -1, ""
		}
		i += off
		rest := src[i+2:]
		end, next := strings.Index(rest, "}}"), strings.Index(rest, "{{")
		if end < 0 || (next >= 0 && next < end) {
			snip := src[i:]
			if j := strings.IndexAny(snip, " \t\n"); j > 0 {
				snip = snip[:j]
			}
			return i, snip
		}
		off = i + 2 + end + 2
	}
}

// tmplErrRE splits text/template errors: "template: m:2:14: executing "m" at <.X>: ...".
var tmplErrRE = regexp.MustCompile(`^template: [^:]*:(\d+)(?::\d+)?: (?:executing "[^"]*" )?(.*)$`)

// template parses src and tries it on sample data, reporting problems at
// the line of the YAML file where they are.
func (l *loader) template(p *Persona, file, what, name, lang string, n *yaml.Node, src string, fm template.FuncMap, emptyOK bool) (*template.Template, bool) {
	// lineAt is the line of the YAML file holding line tl of src.
	lineAt := func(tl int) int {
		switch n.Style {
		case yaml.LiteralStyle, yaml.FoldedStyle:
			return n.Line + tl // the text starts below the | or >
		default:
			return n.Line + tl - 1
		}
	}
	at := func(err error) (int, string) {
		line, msg := n.Line, err.Error()
		if m := tmplErrRE.FindStringSubmatch(msg); m != nil {
			tl, _ := strconv.Atoi(m[1])
			line, msg = lineAt(tl), m[2]
		}
		return line, msg
	}
	t, err := template.New("m").Option("missingkey=zero").Funcs(fm).Parse(src)
	if err == nil {
		err = checkRanges(t)
	}
	if err != nil {
		// The usual typo in plain words rather than the parser's.
		if i, snip := unclosedAction(src); i >= 0 {
			l.errorf(file, lineAt(strings.Count(src[:i], "\n")+1), "unclosed {{ in %s: %q needs }} to close it", name, snip)
			return nil, false
		}
		line, msg := at(err)
		l.errorf(file, line, "%s does not parse: %s", what, msg)
		return nil, false
	}
	if out, ok := staticText(t); ok && p.static != nil {
		p.static[t] = withParticles(lang, out)
	} else if p.static != nil && fixedText(t) {
		// Rendered as render would render it on any turn (t was parsed
		// with this language's functions); an error is left for the
		// sample render below to report.
		if out, err := p.render(t, lang, Data{}); err == nil {
			p.static[t] = out
		}
	}
	full := sampleData(p.name)
	out, err := p.render(t, lang, full)
	if err != nil {
		line, msg := at(err)
		l.errorf(file, line, "%s fails on sample data: %s", what, msg)
		return nil, false
	}
	if out == "" && !emptyOK {
		l.errorf(file, n.Line, "%s renders to nothing", what)
		return nil, false
	}
	// Customer, Topics, Agent... may be empty in real use; a template that
	// needs them fails then and Say falls back to English.
	if _, err := p.render(t, lang, Data{Bot: p.name, Now: full.Now}); err != nil {
		line, msg := at(err)
		l.warnf(file, line, "%s fails when customer name, topics, agent, wait or back are empty (English is used then): %s", what, msg)
	}
	return t, true
}

// checkRanges allows {{range}} only over .Topics and .Extra: a range over
// a number ({{range 1000000000}}) would spin for minutes with no output
// for the size limit to stop, and templates have no deadline.
func checkRanges(t *template.Template) error {
	var bad *parse.RangeNode
	var badTree *parse.Tree
	var tree *parse.Tree
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			if !rangeOK(n.Pipe) && bad == nil {
				bad, badTree = n, tree
			}
			walk(n.List)
			walk(n.ElseList)
		}
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			tree = tt.Tree
			walk(tt.Root)
		}
	}
	if bad != nil {
		return fmt.Errorf("template: m:%d: {{range %s}}: range works only over .Topics or .Extra", nodeLine(badTree, bad), bad.Pipe)
	}
	return nil
}

func rangeOK(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && (f.Ident[0] == "Topics" || f.Ident[0] == "Extra")
}

// nodeLine is the 1-based line of a node in its template text.
func nodeLine(t *parse.Tree, n parse.Node) int {
	if t == nil {
		return 1
	}
	loc, _ := t.ErrorContext(n) // "name:line:col"
	parts := strings.Split(loc, ":")
	if len(parts) < 2 {
		return 1
	}
	line, err := strconv.Atoi(parts[len(parts)-2])
	if err != nil {
		return 1
	}
	return line
}

// sampleData is what templates are tried on at load time.
func sampleData(bot string) Data {
	return Data{
		Bot:      bot,
		Customer: "Alex",
		Now:      time.Date(2025, time.March, 14, 10, 30, 0, 0, time.UTC),
		Topics:   []string{"Shipping times", "Returns and exchanges"},
		Agent:    "Sam",
		Wait:     "5 minutes",
		Back:     "tomorrow at 09:00",
		Extra:    map[string]string{},
	}
}

// crossCheck warns about languages that have messages but no intro,
// hours or smalltalk phrases of their own.
func (l *loader) crossCheck(p *Persona, root string) {
	file := path.Join(root, "persona.yaml")
	for _, lang := range p.Langs() {
		if lang == "en" {
			continue
		}
		if _, ok := p.intro[lang]; !ok {
			l.warnf(file, 1, "intro has no %s text (English is used)", lang)
		}
		if _, ok := p.hours[lang]; !ok && len(p.hours) > 0 {
			l.warnf(file, 1, "hours has no %s text (English is used)", lang)
		}
		if p.small != nil && !p.small.langs[lang] {
			l.warnf(path.Join(root, "smalltalk.yaml"), 1, "no %s phrases: greetings and thanks in %s are not recognised", lang, lang)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
