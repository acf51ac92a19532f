// Package content loads what ops edit — prompts/ and knowledge/ — and keeps
// the last good version while they are edited under a running bot.
package content

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/batonhq/baton/bot/handoff"
	"github.com/batonhq/baton/bot/knowledge"
	"github.com/batonhq/baton/bot/persona"
	"github.com/batonhq/baton/bot/routing"
	"github.com/batonhq/baton/bot/text"
)

// Problem is a file:line report about a prompts or knowledge file.
type Problem = knowledge.Problem

// Set is one consistent version of everything ops edit.
type Set struct {
	KB       *knowledge.KB // the base and the matcher calibrated for it
	Lexicon  *text.Lexicon
	OffTopic []string
	Persona  *persona.Persona
	Rules    *handoff.Rules
	Routing  *routing.Table // nil: every handoff to the default team

	routingBroken bool // routing.yaml has problems: a reload keeps the last good table
}

// MatcherFunc builds the Matcher for a freshly loaded knowledge base; Load
// calls it at start and at every reload, so each version of the base gets
// its own calibration. cmd/baton has the one function serve and `baton
// match` both use.
type MatcherFunc func(ctx context.Context, b *knowledge.Base, lex *text.Lexicon, cfg knowledge.CalibrationConfig) knowledge.Matcher

// LexicalMatcher is the default MatcherFunc: lexical matching, calibrated.
func LexicalMatcher(ctx context.Context, b *knowledge.Base, lex *text.Lexicon, cfg knowledge.CalibrationConfig) knowledge.Matcher {
	return knowledge.NewLexicalMatcher(ctx, b, lex, cfg)
}

// Option changes how contents are loaded.
type Option func(*options)

type options struct {
	matcher     MatcherFunc
	wrongRate   float64
	likelyRight float64
	guessRight  float64
	handoff     []handoff.LoadOption
	zone        *time.Location
}

// WithZone sets the shop's time zone, named where the persona states its
// hours (persona.WithZone; nil: persona.yaml's timezone).
func WithZone(loc *time.Location) Option { return func(o *options) { o.zone = loc } }

// WithMatcher sets how the matcher is built (default LexicalMatcher).
func WithMatcher(f MatcherFunc) Option { return func(o *options) { o.matcher = f } }

// WithWrongRate sets the share of confident answers calibration may let
// be wrong (default knowledge.DefaultWrongRate).
func WithWrongRate(r float64) Option { return func(o *options) { o.wrongRate = r } }

// WithLikelyRight sets the least share of likely (hedged) answers that
// must be right on the calibration samples (default
// knowledge.DefaultLikelyRight); below 0 turns the likely tier off.
func WithLikelyRight(r float64) Option { return func(o *options) { o.likelyRight = r } }

// WithGuessRight sets the least share of guesses (asked "are you asking
// about …?", not answered) that must be right on the calibration samples
// (default knowledge.DefaultGuessRight); below 0 turns the guess tier
// off.
func WithGuessRight(r float64) Option { return func(o *options) { o.guessRight = r } }

// WithHandoff adds options to how the handoff rules load (the vector
// layer's embeddings: handoff.WithEmbeddings).
func WithHandoff(opts ...handoff.LoadOption) Option {
	return func(o *options) { o.handoff = append(o.handoff, opts...) }
}

func newOptions(opts []Option) options {
	o := options{matcher: LexicalMatcher}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Calibration is the decision the matcher was calibrated to for this
// version of the knowledge base (nil when the matcher does not say).
func (s *Set) Calibration() *knowledge.Calibration {
	if c, ok := s.KB.Matcher.(interface{ Calibration() *knowledge.Calibration }); ok {
		return c.Calibration()
	}
	return nil
}

// Source is a folder of files: an embedded tree or a directory on disk.
type Source struct {
	FS   fs.FS
	Root string // folder inside FS ("prompts", or "." for a directory)
	Dir  string // the directory on disk, "" when embedded; watched for edits
}

// Dir is a Source for a directory on disk.
func Dir(dir string) Source { return Source{FS: os.DirFS(dir), Root: ".", Dir: dir} }

// Embedded is a Source for a folder inside an embedded tree.
func Embedded(fsys fs.FS, root string) Source { return Source{FS: fsys, Root: root} }

// Resolve picks a source: the directory named by override if set, else def
// when it exists on disk, else the embedded folder.
func Resolve(override, def string, embedded fs.FS, root string) (Source, error) {
	if override != "" {
		st, err := os.Stat(override)
		if err != nil {
			return Source{}, fmt.Errorf("content folder %s: %w", override, err)
		}
		if !st.IsDir() {
			return Source{}, fmt.Errorf("content folder %s: not a directory", override)
		}
		return Dir(override), nil
	}
	if st, err := os.Stat(def); err == nil && st.IsDir() {
		return Dir(def), nil
	}
	return Embedded(embedded, root), nil
}

// show turns a problem's FS-relative file name into the path ops see.
func (s Source) show(ps []Problem) []Problem {
	if s.Dir == "" {
		return ps
	}
	for i := range ps {
		ps[i].File = filepath.Join(s.Dir, filepath.FromSlash(ps[i].File))
	}
	return ps
}

// Load reads both folders. Parts that cannot be used come back nil with the
// problems that explain why; the knowledge base is never nil (bad files are
// skipped one by one).
func Load(prompts, knowledgeSrc Source, opts ...Option) (*Set, []Problem) {
	return load(prompts, knowledgeSrc, nil, opts...)
}

// load is Load telling found the problems as soon as they are known,
// before the matcher is calibrated (seconds on a busy machine).
func load(prompts, knowledgeSrc Source, found func([]Problem), opts ...Option) (*Set, []Problem) {
	o := newOptions(opts)
	var problems []Problem
	kb, ps := knowledge.Load(knowledgeSrc.FS, knowledgeSrc.Root)
	problems = append(problems, knowledgeSrc.show(ps)...)
	lex, ps := text.LoadLexicon(prompts.FS, path.Join(prompts.Root, "lexicon"))
	problems = append(problems, prompts.show(ps)...)
	problems = append(problems, prompts.show(checkReliedGroups(prompts.FS, path.Join(prompts.Root, "lexicon")))...)
	offTopic, ps := knowledge.LoadOffTopic(prompts.FS, path.Join(prompts.Root, "offtopic"))
	problems = append(problems, prompts.show(ps)...)
	p, ps := persona.Load(prompts.FS, prompts.Root, persona.WithContactFrom(func(email, phone string) (string, string, bool) {
		return ShopContact(kb, email, phone)
	}), persona.WithZone(o.zone))
	problems = append(problems, prompts.show(ps)...)
	rules, ps := handoff.LoadRules(prompts.FS, path.Join(prompts.Root, "handoff.yaml"),
		append([]handoff.LoadOption{handoff.WithKnowledge(kb)}, o.handoff...)...)
	problems = append(problems, prompts.show(ps)...)
	table, ps := routing.Load(prompts.FS, path.Join(prompts.Root, routing.File))
	problems = append(problems, prompts.show(ps)...)
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	if found != nil {
		found(problems)
	}
	cfg := knowledge.CalibrationConfig{OffTopic: offTopic, WrongRate: o.wrongRate, LikelyRight: o.likelyRight, GuessRight: o.guessRight}
	cfg.Source = calibrationKey(prompts, knowledgeSrc, cfg)
	m := o.matcher(context.Background(), kb, lex, cfg)
	return &Set{KB: &knowledge.KB{Base: kb, Matcher: m}, Lexicon: lex, OffTopic: offTopic, Persona: p, Rules: rules,
		Routing: table, routingBroken: table == nil && len(ps) > 0}, problems
}

// Holder serves the current Set and reloads it, keeping the last good part
// when an edit breaks one.
type Holder struct {
	prompts, knowledge Source
	log                *slog.Logger
	cur                atomic.Pointer[Set]
	mu                 sync.Mutex               // serialises reloads
	read               string                   // stamp of the files as the current Set began reading them (under mu)
	onReload           func(problems []Problem) // called after each watched reload
	onProblems         func(problems []Problem) // called as each watched reload finds its problems
	opts               []Option
}

// OnReload sets a function called after each reload Watch makes (for logs,
// metrics and tests). Set it before Watch starts.
func (h *Holder) OnReload(fn func(problems []Problem)) { h.onReload = fn }

// OnProblems sets a function given each reload's problems as soon as
// they are found, before the slow part of the reload (calibrating the
// matcher): chat prints them so, even when it is closed before the reload
// ends. Set it before Watch starts.
func (h *Holder) OnProblems(fn func(problems []Problem)) { h.onProblems = fn }

// NewHolder loads the sources once. It fails only when there is no usable
// persona or handoff rules at all, which means the shipped defaults are
// broken or the override folder is not a prompts folder.
func NewHolder(prompts, knowledgeSrc Source, log *slog.Logger, opts ...Option) (*Holder, []Problem, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Holder{prompts: prompts, knowledge: knowledgeSrc, log: log, opts: opts}
	h.read = h.stamp()
	set, problems := Load(prompts, knowledgeSrc, opts...)
	if set.Persona == nil || set.Rules == nil {
		return nil, problems, fmt.Errorf("prompts: no usable persona or handoff rules (%d problems)", len(problems))
	}
	h.cur.Store(set)
	return h, problems, nil
}

// Current is the Set to use for one turn.
func (h *Holder) Current() *Set { return h.cur.Load() }

// Reload reads the sources again. Parts that fail to load keep their last
// good version. It returns the problems found.
func (h *Holder) Reload() []Problem {
	return h.reload(nil)
}

func (h *Holder) reload(found func([]Problem)) []Problem {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.read = h.stamp()
	next, problems := load(h.prompts, h.knowledge, found, h.opts...)
	old := h.cur.Load()
	if next.Persona == nil {
		next.Persona = old.Persona
	}
	if next.Rules == nil {
		next.Rules = old.Rules
	}
	if next.routingBroken {
		next.Routing = old.Routing
	}
	h.cur.Store(next)
	return problems
}

// Watch reloads on every change below the on-disk sources until ctx ends.
func (h *Holder) Watch(ctx context.Context) error {
	done, err := h.StartWatch(ctx)
	if err != nil {
		return err
	}
	return <-done
}

// StartWatch sets up watching and returns once edits are being watched;
// the channel yields Watch's result when ctx ends. Editors write files in
// bursts (temp file, rename, chmod), so changes are collected for a short
// quiet period before one reload.
func (h *Holder) StartWatch(ctx context.Context) (<-chan error, error) {
	done := make(chan error, 1)
	var dirs []string
	for _, s := range []Source{h.prompts, h.knowledge} {
		if s.Dir != "" {
			dirs = append(dirs, s.Dir)
		}
	}
	if len(dirs) == 0 {
		done <- nil // embedded defaults never change
		return done, nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch content: %w", err)
	}
	for _, d := range dirs {
		if err := addTree(w, d); err != nil {
			w.Close()
			return nil, err
		}
	}
	// Loading (and calibrating) takes seconds: an edit saved after the
	// files were read but before they were watched raised no event, and
	// the bot would serve (and report) the version before it. Such an
	// edit changed the files' stamp: reload for it now.
	h.mu.Lock()
	missed := h.stamp() != h.read
	h.mu.Unlock()
	go func() {
		defer w.Close()
		done <- h.watch(ctx, w, missed)
	}()
	return done, nil
}

// stamp sums up the files below the on-disk sources: names, sizes, modes
// and modification times.
func (h *Holder) stamp() string {
	sum := fnv.New64a()
	for _, s := range []Source{h.prompts, h.knowledge} {
		if s.Dir == "" {
			continue
		}
		_ = filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(sum, "%s error %v\n", p, err)
				return nil
			}
			if st, err := d.Info(); err == nil {
				fmt.Fprintf(sum, "%s %d %v %d\n", p, st.Size(), st.Mode(), st.ModTime().UnixNano())
			}
			return nil
		})
	}
	return strconv.FormatUint(sum.Sum64(), 16)
}

// watch reloads after each burst of changes, and at once when missed.
func (h *Holder) watch(ctx context.Context, w *fsnotify.Watcher, missed bool) error {
	const quiet = 150 * time.Millisecond
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	if missed {
		timer.Reset(0)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = addTree(w, ev.Name) // new subfolder: watch it too
				}
			}
			timer.Reset(quiet)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			h.log.Warn("content watch", "err", err)
		case <-timer.C:
			problems := h.reload(h.onProblems)
			for _, p := range problems {
				h.log.Warn("content problem", "problem", p.String())
			}
			h.log.Info("content reloaded", "entries", h.Current().KB.Len(), "problems", len(problems), "matching", h.Current().Calibration().String())
			if h.onReload != nil {
				h.onReload(problems)
			}
		}
	}
}

func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if err := w.Add(p); err != nil {
				return fmt.Errorf("watch %s: %w", p, err)
			}
		}
		return nil
	})
}
