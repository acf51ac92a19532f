package telegram

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	baton "github.com/batonhq/baton"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot"
	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/session"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

// benchChats is how many customers write at once.
const benchChats = 100

// Benchmarks of the webhook path end to end with 100 chats writing at
// once: Telegram's POST -> secret check -> Redis inbox -> per-chat queue ->
// handler -> typing + sendMessage through the real go-telegram client to
// the fake Bot API -> marked answered. Latency is from the POST leaving
// the sender to the reply reaching the fake Bot API. Uses real Redis when
// REDIS_URL is set.
//
// Closed loop (Benchmark*Webhook, *WebhookCore): each chat sends its next
// message as soon as the previous reply arrived, so msgs/s is the
// saturation throughput (and latency there is mostly queueing: 100 chats
// in flight / throughput). Paced (*Paced2000): the 100 chats together
// offer 2,000 messages a second, each waiting for its reply, which shows
// the latency a customer sees at that load.

// BenchmarkWebhook answers at once with a fixed text (no core, no LLM).
func BenchmarkWebhook(b *testing.B) { benchWebhook(b, fixedReply, 0) }

// BenchmarkWebhookPaced2000 is BenchmarkWebhook at 2,000 messages/s offered.
func BenchmarkWebhookPaced2000(b *testing.B) { benchWebhook(b, fixedReply, 2000) }

// BenchmarkWebhookCore goes through the real core (bot.New on the shipped
// prompts and knowledge: session lock in Redis, matching, persona reply,
// idle timer), without an LLM.
func BenchmarkWebhookCore(b *testing.B) { benchWebhook(b, realCore(b), 0) }

// BenchmarkWebhookCorePaced2000 is BenchmarkWebhookCore at 2,000
// messages/s offered.
func BenchmarkWebhookCorePaced2000(b *testing.B) { benchWebhook(b, realCore(b), 2000) }

// BenchmarkWebhookReference is the minimal Redis-backed bot the core is
// measured against (issue 11): update dedupe (the inbox), a session read
// and write, typing and sendMessage, nothing else. Run it in the same
// `go test -bench` as BenchmarkWebhookCore and compare msgs/cpu-s.
func BenchmarkWebhookReference(b *testing.B) { benchWebhook(b, referenceBot, 0) }

// BenchmarkWebhookCorePaced is the core paced at $BATON_BENCH_RATE
// messages/s (default 1,000): set it to a quarter of the reference's
// msgs/s to read the core's p99 at that load.
func BenchmarkWebhookCorePaced(b *testing.B) { benchWebhook(b, realCore(b), benchRate()) }

func benchRate() float64 {
	if v, err := strconv.ParseFloat(os.Getenv("BATON_BENCH_RATE"), 64); err == nil && v > 0 {
		return v
	}
	return 1000
}

func referenceBot(st *session.Store) Handler {
	return HandlerFunc(func(ctx context.Context, ev bot.Event) ([]bot.Message, error) {
		_, err := st.Update(ctx, ev.ConvID(), func(s *session.Session) error {
			s.Messages++
			s.Turns = append(s.Turns, session.Turn{Role: "customer", Text: ev.Text, At: ev.At})
			return nil
		})
		if err != nil {
			return nil, err
		}
		return []bot.Message{{Text: "Your order ships within 2 business days."}}, nil
	})
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fixedReply(*session.Store) Handler {
	return HandlerFunc(func(_ context.Context, ev bot.Event) ([]bot.Message, error) {
		return []bot.Message{{Text: "Your order ships within 2 business days. " + ev.Text}}, nil
	})
}

func realCore(b testing.TB) func(*session.Store) Handler {
	return func(st *session.Store) Handler {
		prompts, err := content.Resolve("", "prompts", baton.Files, "prompts")
		if err != nil {
			b.Fatal(err)
		}
		knowledge, err := content.Resolve("", "knowledge", baton.Files, "knowledge")
		if err != nil {
			b.Fatal(err)
		}
		holder, _, err := content.NewHolder(prompts, knowledge, discard())
		if err != nil {
			b.Fatal(err)
		}
		return bot.New(st, holder)
	}
}

var benchQuestions = []string{
	"where is my order?", "how long does shipping take?", "can I return a gift?",
	"do you ship to Canada?", "my discount code does not work", "how do I reset my password?",
}

func benchWebhook(b *testing.B, mk func(*session.Store) Handler, rate float64) {
	rig := newWebhookRig(b, mk)
	b.ResetTimer()
	res := rig.run(b, b.N, rate)
	b.StopTimer()
	res.report(b, "")
}

// BenchmarkWebhookRatio runs the core and the reference bot in the same
// process, in alternating rounds of b.N/10 messages each, and reports the
// ratio of their answered messages per CPU-second. Alternating makes the
// ratio fair on a shared machine whose load changes during the run (run
// one after the other, the second may meet a busier or a quieter machine).
func BenchmarkWebhookRatio(b *testing.B) {
	core, ref := newWebhookRig(b, realCore(b)), newWebhookRig(b, referenceBot)
	const rounds = 10
	var c, r benchResult
	b.ResetTimer()
	for i := range rounds {
		n := b.N / rounds
		if i < b.N%rounds {
			n++
		}
		c.add(core.run(b, n, 0))
		r.add(ref.run(b, n, 0))
	}
	b.StopTimer()
	c.report(b, "core-")
	r.report(b, "ref-")
	if c.cpu > 0 && r.cpu > 0 && len(r.latencies) > 0 {
		b.ReportMetric(r.cpu.Seconds()/float64(len(r.latencies))/(c.cpu.Seconds()/float64(len(c.latencies))), "ratio")
	}
}

// webhookRig is the adapter in webhook mode on real Redis (when REDIS_URL
// is set) with benchChats customers, their replies from the fake Bot API
// routed back to them.
type webhookRig struct {
	srv     *telegramtest.Server
	replies map[int64]chan struct{}
	wh      *telegramtest.Webhook
}

func newWebhookRig(b *testing.B, mk func(*session.Store) Handler, hooks ...redis.Hook) *webhookRig {
	srv := telegramtest.NewServer(telegramtest.Token)
	b.Cleanup(srv.Close)
	srv.KeepCalls = false
	replies := make(map[int64]chan struct{}, benchChats)
	for c := 0; c < benchChats; c++ {
		replies[int64(10_000+c)] = make(chan struct{}, 16)
	}
	srv.OnSend = func(c telegramtest.Call) {
		if ch, ok := replies[c.ChatID()]; ok {
			ch <- struct{}{}
		}
	}
	db := sessiontest.DB(b)
	for _, h := range hooks {
		db.Client.AddHook(h)
	}
	hs := newHarness(b, mk(session.New(db)), setup{srv: srv, db: db, webhook: true, secret: "bench-secret", quiet: true,
		opts: []Option{WithFloodLimit(0, 0), WithDedupeTTL(10 * time.Minute)}})
	hs.a.sleep = sleepCtx
	hs.start()
	return &webhookRig{srv: srv, replies: replies, wh: srv.Webhook()}
}

// benchResult is what a run measured.
type benchResult struct {
	elapsed, cpu time.Duration
	latencies    []time.Duration
}

func (r *benchResult) add(o benchResult) {
	r.elapsed += o.elapsed
	r.cpu += o.cpu
	r.latencies = append(r.latencies, o.latencies...)
}

func (r benchResult) report(b *testing.B, prefix string) {
	if len(r.latencies) == 0 {
		return
	}
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	pct := func(p float64) float64 {
		return float64(l[int(float64(len(l)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(l))/r.elapsed.Seconds(), prefix+"msgs/s")
	// The whole process's CPU: adapter, core, go-redis client, and also the
	// load generator and fake Bot API (the same for every benchmark here).
	b.ReportMetric(float64(len(l))/r.cpu.Seconds(), prefix+"msgs/cpu-s")
	b.ReportMetric(float64(r.cpu.Microseconds())/float64(len(l)), prefix+"cpu-us/msg")
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.99), prefix+"p99-ms")
}

// run sends n messages over the benchChats chats, closed loop (rate 0) or
// paced at rate messages a second, and measures them.
func (rig *webhookRig) run(b *testing.B, n int, rate float64) benchResult {
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, n)
		wg        sync.WaitGroup
	)
	per, extra := n/benchChats, n%benchChats
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(time.Second) * benchChats / rate)
	}
	start, cpu0 := time.Now(), cpuTime()
	for c := 0; c < benchChats; c++ {
		n := per
		if c < extra {
			n++
		}
		chat := int64(10_000 + c)
		phase := time.Duration(c) * interval / benchChats
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := telegramtest.Customer(chat)
			local := make([]time.Duration, 0, n)
			for i := 0; i < n; i++ {
				if interval > 0 {
					if wait := time.Until(start.Add(phase + time.Duration(i)*interval)); wait > 0 {
						time.Sleep(wait) // pacing the load, not synchronising
					}
				}
				t0 := time.Now()
				ctx, cancel := context.WithTimeout(context.Background(), waitFor)
				code, _, err := rig.srv.DeliverTo(ctx, rig.wh.URL, rig.wh.Secret, u.Text(benchQuestions[i%len(benchQuestions)]))
				if err != nil || code != http.StatusOK {
					cancel()
					b.Errorf("webhook: %d %v", code, err)
					return
				}
				select {
				case <-rig.replies[chat]:
				case <-ctx.Done():
					cancel()
					b.Errorf("chat %d: no reply within %v", chat, waitFor)
					return
				}
				cancel()
				local = append(local, time.Since(t0))
				// A reply may come in several messages; only the first counts.
				for drained := false; !drained; {
					select {
					case <-rig.replies[chat]:
					default:
						drained = true
					}
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return benchResult{elapsed: time.Since(start), cpu: cpuTime() - cpu0, latencies: latencies}
}

// BenchmarkWebhookRSS measures the memory of the process after
// $BATON_BENCH_SESSIONS conversations (default 10,000) were each three
// messages into a conversation with the real core through the webhook
// (so each is active: a session in Redis, an idle timer armed). It reports
// the process's resident set (VmRSS of /proc/self/status, after a GC) and
// the Go heap in use, before and after. The process also holds the fake
// Bot API and the load generator (100 senders), so the numbers are an
// upper bound for `baton serve` itself. b.N is ignored: run with -benchtime 1x.
func BenchmarkWebhookRSS(b *testing.B) {
	sessions := 10_000
	if v, err := strconv.Atoi(os.Getenv("BATON_BENCH_SESSIONS")); err == nil && v > 0 {
		sessions = v
	}
	const senders = 100
	srv := telegramtest.NewServer(telegramtest.Token)
	defer srv.Close()
	srv.KeepCalls = false
	const base = 1_000_000
	// Each sender answers for the chats base+k*senders+i; its channel is
	// told of every reply to one of them (one message in flight a sender).
	replies := make([]chan struct{}, senders)
	for i := range replies {
		replies[i] = make(chan struct{}, 16)
	}
	srv.OnSend = func(c telegramtest.Call) {
		if id := c.ChatID() - base; id >= 0 && id < int64(sessions) {
			replies[id%senders] <- struct{}{}
		}
	}
	db := sessiontest.DB(b)
	st := session.New(db)
	hs := newHarness(b, realCore(b)(st), setup{srv: srv, db: db, webhook: true, secret: "bench-secret", quiet: true,
		opts: []Option{WithFloodLimit(0, 0), WithDedupeTTL(10 * time.Minute)}})
	hs.a.sleep = sleepCtx
	hs.start()
	wh := srv.Webhook()
	rss0, heap0 := memNow(b)

	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chat := int64(base + i); chat < base+int64(sessions); chat += senders {
				u := telegramtest.Customer(chat)
				for _, q := range []string{"hi", "where is my order?", "how long does shipping take?"} {
					ctx, cancel := context.WithTimeout(context.Background(), waitFor)
					code, _, err := srv.DeliverTo(ctx, wh.URL, wh.Secret, u.Text(q))
					if err != nil || code != http.StatusOK {
						cancel()
						b.Errorf("webhook: %d %v", code, err)
						return
					}
					select {
					case <-replies[i]:
					case <-ctx.Done():
						cancel()
						b.Errorf("chat %d: no reply within %v", chat, waitFor)
						return
					}
					cancel()
					for drained := false; !drained; { // a reply in several messages
						select {
						case <-replies[i]:
						default:
							drained = true
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if n, err := st.Active(ctx, time.Hour); err != nil || n != int64(sessions) {
		b.Fatalf("active sessions = %d, %v; want %d", n, err, sessions)
	}
	rss, heap := memNow(b)
	b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
	b.ReportMetric(float64(rss0)/(1<<20), "rss-before-MB")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(heap0)/(1<<20), "heap-before-MB")
}

// memNow collects garbage and returns the process's resident set (VmRSS)
// and the Go heap in use, in bytes.
func memNow(b *testing.B) (rss, heap uint64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("VmRSS line %q: %v", line, err)
			}
			rss = kb << 10
		}
	}
	return rss, ms.HeapInuse
}
