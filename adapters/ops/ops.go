// Package ops is the ops page of `baton serve` at /ops: an HTTP adapter
// that reads the statistics, the queue and the knowledge gaps through the
// core's interfaces and renders them server-side (html/template, no
// front-end build step). It is readable without JavaScript; with it, the
// live part updates over server-sent events.
//
// Access needs the token from BATON_OPS_TOKEN: as "Authorization: Bearer
// <token>", or once as ?token=<token>, which sets a cookie for the rest of
// the visit. Without the variable nothing is mounted.
package ops

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/bot/gaps"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/stats"
)

// Stats is what the page reads the numbers from (bot/stats.Recorder).
type Stats interface {
	Report(ctx context.Context, days int) (stats.Report, error)
	Queue(ctx context.Context, limit int64) (waiting, working []stats.Waiting, err error)
	Handoffs(ctx context.Context, limit int64) ([]stats.Handoff, error)
	Samples(ctx context.Context, days int, perDay int64) ([]stats.Miss, []stats.Pick, error)
	Feedback(ctx context.Context, days int, perDay int64) ([]stats.FeedbackSample, error)
	Forget(ctx context.Context, conv string) error
}

// Sessions gives a conversation's session (bot/session.Store).
type Sessions interface {
	Get(ctx context.Context, id string) (*session.Session, bool, error)
}

// Knowledge is where chosen phrasings go: the knowledge folder on disk
// ("" when the knowledge is embedded and cannot be edited), and the ids
// of its entries with their languages, for the page's choices.
type Knowledge interface {
	Dir() string
	Entries() map[string][]string // id -> languages
}

// Config is what the page needs.
type Config struct {
	Token     string // BATON_OPS_TOKEN; required
	Stats     Stats
	Sessions  Sessions
	Knowledge Knowledge // optional: without it the gap actions are hidden
	Log       *slog.Logger
	Now       func() time.Time
	Every     time.Duration // how often the live part is refreshed (default 2s)
}

// Handler serves /ops and below.
type Handler struct {
	cfg    Config
	mux    *http.ServeMux
	cookie string // the cookie value: a hash of the token, never the token

	gapMu    sync.Mutex
	gapAt    time.Time
	gapCache gapView

	closeOnce sync.Once
	done      chan struct{} // closed by Close: event streams end
}

// Close ends the live event streams, so a server shutting down does not
// wait for browsers that keep /ops open.
func (h *Handler) Close() { h.closeOnce.Do(func() { close(h.done) }) }

// cookieName carries the proof of the token between pages.
const cookieName = "baton_ops"

// gapTTL is how long the gap clusters are reused between page views.
const gapTTL = time.Minute

// New returns the ops handler, or an error when the token is empty.
func New(cfg Config) (*Handler, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("ops page: BATON_OPS_TOKEN is empty")
	}
	if cfg.Stats == nil || cfg.Sessions == nil {
		return nil, errors.New("ops page: needs statistics and sessions")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Every <= 0 {
		cfg.Every = 2 * time.Second
	}
	sum := sha256.Sum256([]byte("baton-ops-cookie:" + cfg.Token))
	h := &Handler{cfg: cfg, mux: http.NewServeMux(), cookie: hex.EncodeToString(sum[:]), done: make(chan struct{})}
	h.mux.HandleFunc("GET /ops", h.page)
	h.mux.HandleFunc("GET /ops/{$}", h.page)
	h.mux.HandleFunc("GET /ops/live", h.live)
	h.mux.HandleFunc("GET /ops/events", h.events)
	h.mux.HandleFunc("GET /ops/conv", h.conversation)
	h.mux.HandleFunc("POST /ops/gaps/questions", h.addQuestions)
	h.mux.HandleFunc("POST /ops/gaps/draft", h.draft)
	return h, nil
}

// Mount adds the page to mux at /ops.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.Handle("/ops", h)
	mux.Handle("/ops/", h)
}

// ServeHTTP checks the token, then serves the page.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	if !h.allowed(w, r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baton ops"`)
		http.Error(w, "401 unauthorized: the ops page needs the token from BATON_OPS_TOKEN (Authorization: Bearer <token>, or ?token=<token> once)", http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodPost && !sameOrigin(r) {
		http.Error(w, "403 forbidden: cross-site form", http.StatusForbidden)
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) allowed(w http.ResponseWriter, r *http.Request) bool {
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && h.equal(auth) {
		return true
	}
	if c, err := r.Cookie(cookieName); err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(h.cookie)) == 1 {
		return true
	}
	if tok := r.URL.Query().Get("token"); tok != "" && h.equal(tok) {
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: h.cookie, Path: "/ops", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: 12 * 3600})
		return true
	}
	return false
}

func (h *Handler) equal(tok string) bool {
	a, b := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(h.cfg.Token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// sameOrigin refuses forms posted from another site.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == "" // no Origin: not a browser's cross-site post
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// windows are the periods the page shows, in days.
var windows = []struct {
	Name string
	Days int
}{{"today", 1}, {"7 days", 7}, {"30 days", 30}}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	v, err := h.build(ctx, r.URL.Query().Get("w"))
	if err != nil {
		h.cfg.Log.Error("ops page", "err", err)
		http.Error(w, "the ops page could not read its numbers (Redis): "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	v.Notice = r.URL.Query().Get("notice")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.ExecuteTemplate(w, "page", v); err != nil {
		h.cfg.Log.Warn("ops page: rendering", "err", err)
	}
}

// live is the live part alone (the queue and today), for SSE and tests.
func (h *Handler) live(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	lv, err := h.buildLive(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.ExecuteTemplate(w, "live", lv); err != nil {
		h.cfg.Log.Warn("ops page: rendering", "err", err)
	}
}

// events streams the live part as server-sent events whenever it changes,
// with a comment every 15s so proxies keep the connection.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	ctx := r.Context()
	last := ""
	tick := time.NewTicker(h.cfg.Every)
	defer tick.Stop()
	quiet := 0
	for {
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		lv, err := h.buildLive(lctx)
		cancel()
		var b strings.Builder
		if err == nil {
			err = pageTmpl.ExecuteTemplate(&b, "live", lv)
		}
		switch {
		case err != nil:
			h.cfg.Log.Warn("ops events", "err", err)
		case b.String() != last:
			last = b.String()
			quiet = 0
			fmt.Fprint(w, "event: live\n")
			for _, line := range strings.Split(last, "\n") {
				fmt.Fprintf(w, "data: %s\n", line)
			}
			fmt.Fprint(w, "\n")
		default:
			quiet++
			if time.Duration(quiet)*h.cfg.Every >= 15*time.Second {
				quiet = 0
				fmt.Fprint(w, ": still here\n\n")
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-h.done:
			return
		case <-tick.C:
		}
	}
}

func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, notice string) {
	http.Redirect(w, r, "/ops?notice="+url.QueryEscape(notice)+"#gaps", http.StatusSeeOther)
}

// editForm is the check both knowledge edits start with: there is a
// knowledge folder to edit and the form parses. It answers the request
// itself and returns false when either fails.
func (h *Handler) editForm(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.Knowledge == nil {
		http.Error(w, "no knowledge folder to edit", http.StatusNotFound)
		return false
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

// addQuestions adds the chosen phrasings to an entry's questions.
func (h *Handler) addQuestions(w http.ResponseWriter, r *http.Request) {
	if !h.editForm(w, r) {
		return
	}
	entry, lang := strings.TrimSpace(r.PostForm.Get("entry")), strings.TrimSpace(r.PostForm.Get("lang"))
	phrasings := r.PostForm["phrasing"]
	file, n, err := gaps.AddQuestions(h.cfg.Knowledge.Dir(), entry, lang, phrasings)
	if err != nil {
		h.redirect(w, r, "Not added: "+err.Error())
		return
	}
	h.forgetGaps()
	h.cfg.Log.Info("ops: questions added", "entry", entry, "lang", lang, "file", file, "added", n)
	h.redirect(w, r, fmt.Sprintf("Added %d phrasing(s) to %s (%s). The bot picks them up with the next reload.", n, entry, file))
}

// draft writes a new entry draft for a cluster.
func (h *Handler) draft(w http.ResponseWriter, r *http.Request) {
	if !h.editForm(w, r) {
		return
	}
	id, lang := strings.TrimSpace(r.PostForm.Get("id")), strings.TrimSpace(r.PostForm.Get("lang"))
	rel, err := gaps.Draft(h.cfg.Knowledge.Dir(), lang, id, r.PostForm["phrasing"])
	if err != nil {
		h.redirect(w, r, "No draft: "+err.Error())
		return
	}
	h.cfg.Log.Info("ops: entry drafted", "file", rel)
	h.redirect(w, r, "Drafted "+rel+": write the answer, then rename it to .md.")
}

func (h *Handler) forgetGaps() {
	h.gapMu.Lock()
	h.gapAt = time.Time{}
	h.gapMu.Unlock()
}
