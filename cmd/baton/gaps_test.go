package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/bot/content"
	"github.com/batonhq/baton/bot/lifecycle"
	"github.com/batonhq/baton/bot/session/sessiontest"
	"github.com/batonhq/baton/bot/stats"
	"github.com/batonhq/baton/bot/store"
)

// TestGapsWriteAddsPhrasingsAndReloads: misses kept by the statistics are
// listed by `baton gaps`; `baton gaps --write` adds a cluster to an entry's
// questions; `baton check` passes on the result, and a watching holder
// (as in `baton serve`) reloads it, so the bot now answers that wording.
func TestGapsWriteAddsPhrasingsAndReloads(t *testing.T) {
	env := testEnv(t, nil, nil)
	getenv := func(k string) string { return env[k] }
	db, err := store.New(sessiontest.Dial(t, env["REDIS_URL"]), env["BATON_REDIS_PREFIX"])
	if err != nil {
		t.Fatal(err)
	}
	rec := stats.New(db)
	ctx := context.Background()
	now := time.Now()
	for i, q := range []string{"can I pay with seashells", "Can I pay with seashells?", "pay with seashells please", "do you sell kites"} {
		rec.Observe(ctx, nil, lifecycle.Missed{Base: lifecycle.Base{Conv: "telegram:" + string(rune('1'+i)), Lang: "en", At: now}, Text: q})
	}
	rec.Observe(ctx, nil, lifecycle.Picked{Base: lifecycle.Base{Conv: "telegram:9", Lang: "en", At: now}, Entry: "orders/tracking", After: "where's my stuff"})

	var out, errs strings.Builder
	if code := run(ctx, []string{"gaps"}, getenv, nil, &out, &errs); code != 0 {
		t.Fatalf("baton gaps: %d %s", code, errs.String())
	}
	list := out.String()
	if !strings.Contains(list, "  1. ×3  ") || !strings.Contains(list, "seashells") || !strings.Contains(list, "orders/tracking (en) ×1") {
		t.Fatalf("baton gaps:\n%s", list)
	}

	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../knowledge")); err != nil {
		t.Fatal(err)
	}
	h, _, err := content.NewHolder(content.Dir("../../prompts"), content.Dir(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	reloaded := make(chan struct{}, 10)
	h.OnReload(func([]content.Problem) { reloaded <- struct{}{} })
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if _, err := h.StartWatch(wctx); err != nil {
		t.Fatal(err)
	}
	if m := h.Current().KB.Match(t.Context(), "can I pay with seashells", 1); len(m) > 0 && m[0].Confident {
		t.Fatalf("already answered before the edit: %+v", m)
	}

	out.Reset()
	if code := run(ctx, []string{"gaps", "--write", "--entry", "payment/methods", "--knowledge", dir, "1"}, getenv, nil, &out, &errs); code != 0 {
		t.Fatalf("baton gaps --write: %d %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "added 3 phrasing(s) to payment/methods") {
		t.Errorf("write said %q", out.String())
	}
	out.Reset()
	if code := run(ctx, []string{"gaps", "--write", "--pick", "orders/tracking", "--knowledge", dir}, getenv, nil, &out, &errs); code != 0 || !strings.Contains(out.String(), "added 1 phrasing(s) to orders/tracking") {
		t.Errorf("write --pick: %d %q %s", code, out.String(), errs.String())
	}
	out.Reset()
	if code := run(ctx, []string{"gaps", "--write", "--draft", "products/kites", "--knowledge", dir, "2"}, getenv, nil, &out, &errs); code != 0 {
		t.Errorf("write --draft: %d %s", code, errs.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "en", "products", "kites.md.draft")); err != nil {
		t.Errorf("draft: %v", err)
	}
	out.Reset()
	if code := run(ctx, []string{"check", "--prompts", "../../prompts", "--knowledge", dir}, getenv, nil, &out, &errs); code != 0 {
		t.Fatalf("baton check after the write: %d\n%s%s", code, out.String(), errs.String())
	}
	// Hot reload: the watcher picks the edit up.
	for {
		select {
		case <-reloaded:
		case <-time.After(10 * time.Second):
			t.Fatal("no reload after the edit")
		}
		if m := h.Current().KB.Match(t.Context(), "can I pay with seashells", 1); len(m) > 0 && m[0].ID == "payment/methods" && m[0].Confident {
			break
		}
	}
}
