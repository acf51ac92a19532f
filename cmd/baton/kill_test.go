package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/adapters/telegram/telegramtest"
	"github.com/batonhq/baton/bot/llm/llmtest"
	"github.com/batonhq/baton/bot/session/sessiontest"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// batonBinary builds cmd/baton once per test binary run.
func batonBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no separate baton processes")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "baton-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "baton")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatalf("building baton: %v", buildErr)
	}
	return builtBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// process is a `baton serve` running as a separate process.
type process struct {
	cmd  *exec.Cmd
	log  *lines
	addr string
	done chan struct{}
}

func startProcess(t *testing.T, bin string, env map[string]string) *process {
	t.Helper()
	p := &process{log: newLines(), addr: env["BATON_ADDR"], done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	p.log.waitFor(t, "telegram: started")
	return p
}

// kill is kill -9: the process gets no chance to release anything.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// Two `baton serve` processes share one Redis behind one webhook. Replica 1
// is killed with SIGKILL while it is answering a customer's first message
// (its model call hangs); the customer's second message went to replica 2.
// Replica 2 takes the chat over once replica 1's lease expires and answers
// both, in order, once each.
func TestKill9ReplicaMidConversation(t *testing.T) {
	bin := batonBinary(t)
	tg := telegramtest.New(t)
	model := llmtest.New(t, llmtest.WithResponder(llmtest.Grounded()))
	arrivals := model.Arrivals()
	addr1, addr2 := freeAddr(t), freeAddr(t)
	base := testEnv(t, tg, map[string]string{
		// The dead replica's lease and locks must run out on their own.
		"REDIS_URL":               sessiontest.RealtimeURL(t),
		"OPENAI_BASE_URL":         model.URL(),
		"OPENAI_MODEL":            "fake-small",
		"TELEGRAM_WEBHOOK_SECRET": "kill-secret",
		"BATON_HEARTBEAT":         "1s", // lease and lock TTL 3s: a loaded machine stalls for hundreds of ms
		"BATON_LOG_LEVEL":         "info",
	})
	envFor := func(addr string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		env["BATON_ADDR"] = addr
		env["TELEGRAM_WEBHOOK_URL"] = "http://" + addr + "/telegram/webhook"
		return env
	}
	r1 := startProcess(t, bin, envFor(addr1))
	r2 := startProcess(t, bin, envFor(addr2))

	ctx, cancel := context.WithTimeout(context.Background(), serveWait)
	defer cancel()
	deliver := func(addr string, u telegramtest.Update) {
		t.Helper()
		code, _, err := tg.DeliverTo(ctx, "http://"+addr+"/telegram/webhook", "kill-secret", u)
		if err != nil || code != http.StatusOK {
			t.Fatalf("webhook at %s: %d %v", addr, code, err)
		}
	}
	u := telegramtest.User{ID: 8080, FirstName: "Sam", Lang: "en"}
	model.Stall()
	deliver(addr1, u.Text("How long does shipping take?"))
	for ep := range arrivals { // replica 1 is in its model call
		if ep == "chat" {
			break
		}
	}
	deliver(addr2, u.Text("What payment methods do you accept?"))
	r1.kill(t)
	model.Release()

	// An answer may come in several messages; wait for the second one's.
	tg.Wait(t, "both answers", func([]telegramtest.Call) bool {
		return strings.Contains(strings.Join(tg.Sent(u.ID), "\n"), "You can pay with")
	})
	all := strings.Join(tg.Sent(u.ID), "\n")
	if i, j := strings.Index(all, "2 pm ET"), strings.Index(all, "You can pay with"); i < 0 || j < 0 || i > j {
		t.Errorf("answers out of order or missing after the kill:\n%s", all)
	}
	if strings.Count(all, "2 pm ET") != 1 || strings.Count(all, "You can pay with") != 1 {
		t.Errorf("an answer went out twice:\n%s", all)
	}
	r2.log.waitFor(t, "baton serve: listening") // still up
	if code, body := get(t, "http://"+addr2+"/readyz"); code != http.StatusOK {
		t.Errorf("replica 2 /readyz: %d %s", code, body)
	}
}
