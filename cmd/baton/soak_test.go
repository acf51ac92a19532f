package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
)

// The soak run: two `baton serve` processes (one Redis, one Slack app)
// under a steady stream of customers for BATON_SOAK (a duration: 30s in
// CI, 10m for the README's numbers), with hot reloads of knowledge/ and
// prompts/, handoffs answered by an agent in Slack, resolved and rated,
// and a restart (SIGTERM, start again) of replica 2 halfway. At the end:
//
//   - every customer heard each answer once, in order; every handoff
//     went card -> agent reply -> resolve -> rating, each step once;
//
//   - no error in either replica's log;
//
//   - replica 1's goroutines and memory (sampled from /metrics) at the end
//     are within a tolerance of what they were after warming up.
//
//     BATON_SOAK=10m go test -run TestSoak -v -timeout 20m ./cmd/baton/
//
// BATON_SOAK_RATE sets the customer messages per second (default 10),
// BATON_SOAK_RELOAD the time between content edits (default a tenth of
// the run, 5s to 1m; 0: none).
func TestSoak(t *testing.T) {
	spec := os.Getenv("BATON_SOAK")
	if spec == "" {
		t.Skip("set BATON_SOAK to a duration (30s in CI, 10m for the README's numbers) to run the soak")
	}
	dur, err := time.ParseDuration(spec)
	if err != nil || dur < 10*time.Second {
		t.Fatalf("BATON_SOAK=%q: want a duration of at least 10s", spec)
	}
	rate := 10.0
	if v := os.Getenv("BATON_SOAK_RATE"); v != "" {
		if rate, err = strconv.ParseFloat(v, 64); err != nil || rate <= 0 {
			t.Fatalf("BATON_SOAK_RATE=%q: want messages per second", v)
		}
	}
	reloadEvery := clamp(dur/10, 5*time.Second, time.Minute)
	if v := os.Getenv("BATON_SOAK_RELOAD"); v != "" {
		if reloadEvery, err = time.ParseDuration(v); err != nil {
			t.Fatalf("BATON_SOAK_RELOAD=%q: want a duration (0: no reloads)", v)
		}
	}
	dirs := copyContent(t)
	p := startPair(t, map[string]string{
		"BATON_PROMPTS_DIR":   dirs.prompts,
		"BATON_KNOWLEDGE_DIR": dirs.knowledge,
	})
	p.sl.RetryUnacked(3 * time.Second) // as Slack does when a replica dies before acking
	s := &soak{p: p, start: time.Now(), down: [2]bool{}}

	ctx, stop := context.WithTimeout(context.Background(), dur)
	defer stop()
	var wg sync.WaitGroup
	handoffs := make(chan *soakCustomer, 1000)
	for range 2 {
		wg.Go(func() { s.agent(handoffs) })
	}
	wg.Go(func() { s.sample(ctx, clamp(dur/40, time.Second, 10*time.Second)) })
	if reloadEvery > 0 {
		wg.Go(func() { s.reloads(ctx, dirs, reloadEvery) })
	}
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		s.load(ctx, rate, handoffs)
		close(handoffs)
	}()
	time.Sleep(dur / 2) // the soak's schedule: the restart halfway through
	s.restart(t, 1)
	<-loaded
	loadEnd := time.Now()
	wg.Wait()

	// Every reply of the last messages comes in; then count.
	s.waitAllAnswered(t)
	t.Logf("soak: %v, %d customer messages (%.1f/s), %d customers, %d handoffs, %d reloads, 1 restart; drained %v after the load stopped",
		dur, s.messages, float64(s.messages)/loadEnd.Sub(s.start).Seconds(), len(s.customers), s.handoffs, s.reloaded, time.Since(loadEnd).Round(time.Millisecond))
	s.check(t)
	s.checkFlat(t, dur)
	if errs := p.errors(); len(errs) > 0 {
		t.Errorf("error logs:\n%s", strings.Join(errs, "\n"))
	}
	for i := range p.reps {
		if reloadEvery > 0 && !strings.Contains(p.reps[i].log.String(), `"msg":"content reloaded"`) {
			t.Errorf("replica %d never reloaded its content", i+1)
		}
	}
}

func clamp(d, lo, hi time.Duration) time.Duration { return max(lo, min(d, hi)) }

type contentDirs struct{ prompts, knowledge string }

// copyContent copies the shipped prompts/ and knowledge/ to a temporary
// directory the soak may edit.
func copyContent(t *testing.T) contentDirs {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"prompts", "knowledge"} {
		if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatalf("copying %s: %v", d, err)
		}
	}
	return contentDirs{prompts: filepath.Join(root, "prompts"), knowledge: filepath.Join(root, "knowledge")}
}

type soakCustomer struct {
	u       telegramtest.User
	handoff bool
	next    int // messages delivered so far
	reply   string
}

// script is what the customer sends, in order.
func (c *soakCustomer) script() []string {
	if c.handoff {
		return []string{questions[1].q, "I want to talk to a person"}
	}
	out := make([]string, len(questions))
	for i, q := range questions {
		out[i] = q.q
	}
	return out
}

// sample is replica 1 at one moment. heap is the Go heap goal
// (go_memstats_next_gc_bytes: twice the live heap after the last GC with
// the default GOGC), steadier than the heap in use, which swings with
// each GC cycle.
type sample struct {
	at                    time.Duration
	goroutines, heap, rss float64
}

type soak struct {
	p     *pair
	start time.Time

	mu        sync.Mutex
	down      [2]bool // a replica being restarted: deliveries go to the other
	customers []*soakCustomer
	messages  int
	handoffs  int
	reloaded  int
	failures  []string
	samples   []sample
}

func (s *soak) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fmt.Sprintf(format, args...))
}

// deliver posts u to replica i, or to the other when i is down or
// refuses (Telegram delivers again; the webhook's dedupe keeps it once).
func (s *soak) deliver(i int, u telegramtest.Update) {
	for attempt := 0; attempt < 50; attempt++ {
		s.mu.Lock()
		if s.down[i] {
			i = 1 - i
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), serveWait)
		code, _, err := s.p.tg.DeliverTo(ctx, "http://"+s.p.addrs[i]+"/telegram/webhook", pairSecret, u)
		cancel()
		if err == nil && code == http.StatusOK {
			return
		}
		i = 1 - i
		time.Sleep(100 * time.Millisecond) // Telegram's redelivery pace, not a synchronisation
	}
	s.fail("an update was refused 50 times")
}

// load sends customer messages at rate until ctx ends: 16 customers at a
// time, each sending its script one message at a time, alternating
// replicas; every 8th customer asks for a person.
func (s *soak) load(ctx context.Context, rate float64, handoffs chan<- *soakCustomer) {
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	const active = 16
	var pool []*soakCustomer
	id := int64(700000)
	fresh := func() *soakCustomer {
		id++
		c := &soakCustomer{u: telegramtest.User{ID: id, FirstName: fmt.Sprintf("Soak%06d", id), Lang: "en"}, handoff: id%8 == 0}
		s.mu.Lock()
		s.customers = append(s.customers, c)
		s.mu.Unlock()
		return c
	}
	for range active {
		pool = append(pool, fresh())
	}
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		c := pool[n%active]
		script := c.script()
		s.deliver((n+c.next)%2, c.u.Text(script[c.next]))
		c.next++
		s.mu.Lock()
		s.messages++
		s.mu.Unlock()
		if c.next == len(script) {
			if c.handoff {
				handoffs <- c
			}
			pool[n%active] = fresh()
		}
	}
}

// sentTo waits until chat has been sent a message containing text, or
// guard passes.
func (s *soak) sentTo(chat int64, text string, guard time.Duration) bool {
	_, ok := s.p.tg.Until(guard, func([]telegramtest.Call) bool { return count(s.p.tg.Sent(chat), text) > 0 })
	return ok
}

// agent plays the agent for each handoff: answers in the card's thread,
// resolves, and has the customer rate 5.
func (s *soak) agent(handoffs <-chan *soakCustomer) {
	const guard = 2 * serveWait
	for c := range handoffs {
		name := c.u.FirstName
		if !s.p.sl.Until(guard, func() bool { return len(s.p.cards(name)) > 0 }) {
			s.fail("%s: no card", name)
			continue
		}
		card := s.p.cards(name)[0]
		// A person reads the card first. An agent answering within a
		// fraction of a second of the card can reach the customer before
		// the bot's own handoff message (the card is posted during the
		// customer's turn, before that turn's replies go out): a known
		// ordering gap (README, issue 11), not what the soak measures.
		if !s.sentTo(c.u.ID, handoffText, guard) {
			s.fail("%s: never told of the handoff", name)
			continue
		}
		c.reply = "Hi " + name + ", Lia here; it is sorted."
		if _, err := s.p.sl.TrySendEvent(s.p.sl.AgentReply(pairChannel, card.TS, agentID, c.reply)); err != nil {
			s.fail("%s: %v", name, err)
			continue
		}
		if !s.sentTo(c.u.ID, c.reply, guard) {
			s.fail("%s: the agent's reply did not arrive", name)
			continue
		}
		if _, err := s.p.sl.TrySendEvent(s.p.sl.AgentReply(pairChannel, card.TS, agentID, "!resolve")); err != nil {
			s.fail("%s: %v", name, err)
			continue
		}
		var press string
		if _, ok := s.p.tg.Until(guard, func([]telegramtest.Call) bool { press = s.ratingData(c.u.ID); return press != "" }); !ok {
			s.fail("%s: no rating question", name)
			continue
		}
		s.deliver(int(c.u.ID)%2, c.u.Press(press, 1))
		if !s.sentTo(c.u.ID, ratingThanks, guard) {
			s.fail("%s: no thanks for the rating", name)
			continue
		}
		s.mu.Lock()
		s.handoffs++
		s.mu.Unlock()
	}
}

// ratingData is the callback data of the "5" button sent to chat, or "".
func (s *soak) ratingData(chat int64) string {
	return ratingData(s.p.tg.Calls("sendMessage"), chat, 5)
}

// reloads edits knowledge/ and prompts/ in turn every every; both
// replicas watch the same directories.
func (s *soak) reloads(ctx context.Context, dirs contentDirs, every time.Duration) {
	kbFile := filepath.Join(dirs.knowledge, "en", "warranty.md")
	msgFile := filepath.Join(dirs.prompts, "messages", "en.yaml")
	emptyLine := regexp.MustCompile(`(?m)^empty: .*$`)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var err error
		if n%2 == 1 {
			err = editFile(kbFile, func(b string) string {
				// One more way to ask about the warranty, a new one each time.
				return strings.Replace(b, "questions:\n", fmt.Sprintf("questions:\n  - \"Is my soak gadget number %d under warranty?\"\n", n), 1)
			})
		} else {
			err = editFile(msgFile, func(b string) string {
				return emptyLine.ReplaceAllString(b, fmt.Sprintf("empty: It looks like that message came through empty (%d). What can we help you with?", n))
			})
		}
		if err != nil {
			s.fail("reload %d: %v", n, err)
			continue
		}
		s.mu.Lock()
		s.reloaded++
		s.mu.Unlock()
	}
}

// editFile rewrites a file at once (a temporary file renamed over it), as
// an editor or a deploy does.
func editFile(path string, f func(string) string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(f(string(b))), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// restart stops replica i with SIGTERM (it must exit 0) and starts it
// again; meanwhile Telegram's updates go to the other replica.
func (s *soak) restart(t *testing.T, i int) {
	s.mu.Lock()
	s.down[i] = true
	s.mu.Unlock()
	r := s.p.reps[i]
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.fail("SIGTERM replica %d: %v", i+1, err)
		return
	}
	select {
	case <-r.done:
	case <-time.After(2 * serveWait):
		s.fail("replica %d did not stop after SIGTERM", i+1)
		return
	}
	if code := r.cmd.ProcessState.ExitCode(); code != 0 {
		s.fail("replica %d exited %d after SIGTERM; log:\n%s", i+1, code, r.log.String())
	}
	old := r.log.String()
	s.p.start(t, i)
	// The errors check reads the new process's log; keep the old one's.
	s.p.reps[i].log.Write([]byte(old))
	s.mu.Lock()
	s.down[i] = false
	s.mu.Unlock()
}

// sample reads replica 1's goroutines, heap and RSS from /metrics every
// every until ctx ends.
func (s *soak) sample(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		m, err := scrape("http://" + s.p.addrs[0] + "/metrics")
		if err != nil {
			s.fail("metrics: %v", err)
			continue
		}
		s.mu.Lock()
		s.samples = append(s.samples, sample{at: time.Since(s.start), goroutines: m["go_goroutines"],
			heap: m["go_memstats_next_gc_bytes"], rss: m["process_resident_memory_bytes"]})
		s.mu.Unlock()
	}
}

// scrape reads the unlabelled samples of a Prometheus text page.
func scrape(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && !strings.HasPrefix(f[0], "#") && !strings.Contains(f[0], "{") {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				out[f[0]] = v
			}
		}
	}
	return out, sc.Err()
}

// waitAllAnswered waits until every customer has the reply to its last
// message (a handoff customer: the card at least).
func (s *soak) waitAllAnswered(t *testing.T) {
	t.Helper()
	s.p.tg.Wait(t, "every customer's last answer", func([]telegramtest.Call) bool {
		sent := s.sentByChat()
		for _, c := range s.customers {
			last := questions[len(questions)-1].marker
			switch {
			case c.next == 0:
				continue
			case c.handoff && c.next == 2:
				last = handoffText
			case c.handoff:
				last = questions[1].marker
			case c.next < len(questions):
				last = questions[c.next-1].marker
			}
			if count(sent[c.u.ID], last) == 0 {
				return false
			}
		}
		return true
	})
}

// sentByChat is every sendMessage text by chat, in one pass.
func (s *soak) sentByChat() map[int64][]string {
	out := map[int64][]string{}
	for _, c := range s.p.tg.Calls("sendMessage") {
		if c.OK() {
			out[c.ChatID()] = append(out[c.ChatID()], c.Text())
		}
	}
	return out
}

// check counts every customer's replies.
func (s *soak) check(t *testing.T) {
	t.Helper()
	for _, f := range s.failures {
		t.Error(f)
	}
	sent := s.sentByChat()
	bad := 0
	for _, c := range s.customers {
		var want []string
		if c.next == 0 {
			continue
		}
		if c.handoff {
			want = []string{questions[1].marker}
			if c.next == 2 {
				want = append(want, handoffText)
			}
			if c.reply != "" && count(sent[c.u.ID], ratingThanks) > 0 {
				want = append(want, joinedText, c.reply, resolvedText, ratingAsk, ratingThanks)
			}
		} else {
			for _, q := range questions[:c.next] {
				want = append(want, q.marker)
			}
		}
		if !inOrder(sent[c.u.ID], want...) {
			bad++
			if bad <= 5 {
				t.Errorf("%s (want each of %q once, in order):\n%s", c.u.FirstName, want, strings.Join(sent[c.u.ID], "\n---\n"))
			}
		}
		if c.handoff && c.next == 2 {
			if n := len(s.p.cards(c.u.FirstName)); n != 1 {
				t.Errorf("%s: %d cards", c.u.FirstName, n)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d customers heard a reply twice, missed one, or out of order", bad, len(s.customers))
	}
}

// checkFlat compares replica 1's goroutines and memory after warming up
// (the samples of the run's second fifth) with the end (its last fifth).
func (s *soak) checkFlat(t *testing.T, dur time.Duration) {
	t.Helper()
	window := func(from, to time.Duration) (g, heap, rss float64) {
		var gs, hs, rs []float64
		for _, x := range s.samples {
			if x.at >= from && x.at < to {
				gs, hs, rs = append(gs, x.goroutines), append(hs, x.heap), append(rs, x.rss)
			}
		}
		return median(gs), median(hs), median(rs)
	}
	var line []string
	for i := 1; i <= 10; i++ {
		g, h, r := window(time.Duration(i-1)*dur/10, time.Duration(i)*dur/10+time.Second)
		line = append(line, fmt.Sprintf("%.0f/%.0f/%.0f", g, h/1e6, r/1e6))
	}
	t.Logf("soak: replica 1 by tenths of the run, goroutines/heap goal MB/RSS MB: %s", strings.Join(line, " "))
	g0, h0, r0 := window(dur/5, 2*dur/5)
	g1, h1, r1 := window(4*dur/5, dur+time.Second)
	t.Logf("soak: replica 1 after warm-up -> end (medians of %d samples): goroutines %.0f -> %.0f, heap goal %.1f -> %.1f MB, RSS %.1f -> %.1f MB",
		len(s.samples), g0, g1, h0/1e6, h1/1e6, r0/1e6, r1/1e6)
	if g0 == 0 || g1 == 0 || h0 == 0 || r0 == 0 {
		t.Errorf("too few samples to compare: %d", len(s.samples))
		return
	}
	if g1 > g0*1.2+10 {
		t.Errorf("goroutines grew: %.0f -> %.0f", g0, g1)
	}
	if h1 > h0*1.5+10e6 {
		t.Errorf("heap goal grew: %.1f -> %.1f MB", h0/1e6, h1/1e6)
	}
	if r1 > r0*1.3+20e6 {
		t.Errorf("RSS grew: %.1f -> %.1f MB", r0/1e6, r1/1e6)
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}
