package llm

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/batonhq/baton/bot/knowledge"
)

// Template files below the prompts folder.
const (
	systemTemplate  = "llm/system.tmpl"
	summaryTemplate = "llm/summary.tmpl"
)

// systemData is what llm/system.tmpl can use.
type systemData struct {
	Bot      string
	Shop     string // "" when the persona names no shop
	Tone     []string
	Lang     string
	Language string
	Entries  []promptEntry
}

// summaryData is what llm/summary.tmpl can use.
type summaryData struct {
	Bot      string
	Shop     string
	Lang     string
	Language string
	Reason   string
	Entries  []promptEntry
}

// promptEntry is one knowledge entry as the model sees it.
type promptEntry struct {
	ID   string
	Text string
}

// templates reads the prompt templates from the prompts folder on use and
// re-parses them only when their bytes change, so ops' edits on disk apply
// to the next message. A broken edit is logged once and the last good
// version stays in use.
type templates struct {
	fsys fs.FS
	dir  string
	log  *slog.Logger

	mu    sync.Mutex
	cache map[string]*parsed
}

type parsed struct {
	sum     [32]byte // of the source that parsed
	tmpl    *template.Template
	badSum  [32]byte // of the last source that failed, so it is logged once
	hasGood bool
}

func newTemplates(fsys fs.FS, dir string, log *slog.Logger) *templates {
	return &templates{fsys: fsys, dir: dir, log: log, cache: map[string]*parsed{}}
}

var funcs = template.FuncMap{"join": strings.Join}

func (t *templates) file(name string) string { return path.Join(t.dir, name) }

// get returns the current template name, parsing it when its file changed.
func (t *templates) get(name string) (*template.Template, error) {
	file := t.file(name)
	src, err := fs.ReadFile(t.fsys, file)
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.cache[name]
	if p == nil {
		p = &parsed{}
		t.cache[name] = p
	}
	if err != nil {
		if p.hasGood {
			return p.tmpl, nil // file briefly missing during an editor's save
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	sum := sha256.Sum256(src)
	if p.hasGood && sum == p.sum {
		return p.tmpl, nil
	}
	tmpl, perr := parse(file, src)
	if perr != nil {
		if p.hasGood {
			if sum != p.badSum {
				p.badSum = sum
				t.log.Error("llm: prompt template has an error; keeping the last good version", "error", perr.Error())
			}
			return p.tmpl, nil
		}
		return nil, perr
	}
	p.sum, p.tmpl, p.hasGood = sum, tmpl, true
	return tmpl, nil
}

func parse(file string, src []byte) (*template.Template, error) {
	tmpl, err := template.New(file).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, err
	}
	// Execute once with sample data so a misspelt field is an error now,
	// not on a customer's message.
	var sample any = systemData{Bot: "Mia", Shop: "Kumo", Tone: []string{"warm"}, Lang: "en", Language: "English",
		Entries: []promptEntry{{ID: "x", Text: "y"}}}
	if strings.HasSuffix(file, summaryTemplate) {
		sample = summaryData{Bot: "Mia", Shop: "Kumo", Lang: "en", Language: "English", Reason: "asked for a person",
			Entries: []promptEntry{{ID: "x", Text: "y"}}}
	}
	if err := tmpl.Execute(&bytes.Buffer{}, sample); err != nil {
		return nil, err
	}
	return tmpl, nil
}

func render(t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("llm: rendering %s: %w", t.Name(), err)
	}
	return strings.TrimSpace(b.String()), nil
}

var lineRe = regexp.MustCompile(`^template: [^:]+:(\d+)(?::\d+)?: (.*)$`)

// Check validates the LLM prompt templates below dir in fsys, as `baton
// check` reports them: "prompts/llm/system.tmpl:12: function "x" not
// defined". show is how dir is named in the reports ("prompts").
func Check(fsys fs.FS, dir, show string) []knowledge.Problem {
	var out []knowledge.Problem
	for _, name := range []string{systemTemplate, summaryTemplate} {
		file := path.Join(dir, name)
		shown := path.Join(show, name)
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, fs.ErrNotExist) {
				msg = "missing: LLM mode needs this prompt template"
			}
			out = append(out, knowledge.Problem{File: shown, Line: 0, Msg: msg})
			continue
		}
		if _, err := parse(file, src); err != nil {
			out = append(out, templateProblem(shown, err))
		}
	}
	return out
}

func templateProblem(file string, err error) knowledge.Problem {
	msg := err.Error()
	// text/template errors read "template: <name>:<line>[:<col>]: <what>",
	// possibly with "executing ..." in the middle.
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		what := m[2]
		if i := strings.Index(what, ": "); strings.HasPrefix(what, "executing ") && i >= 0 {
			what = what[i+2:]
		}
		return knowledge.Problem{File: file, Line: line, Msg: what}
	}
	return knowledge.Problem{File: file, Line: 0, Msg: msg}
}
