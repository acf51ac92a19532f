package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/batonhq/baton/adapters/slack/slacktest"
	"github.com/batonhq/baton/adapters/telegram/telegramtest"
)

// Review 2026-12-06: the report and the ops page had no figure for the
// handoffs customers withdrew ("never mind, I figured it out") nor for what
// unhappy customers wrote after a low rating of the bot, though the
// statistics kept both. Through `baton serve` with the fake Telegram and
// the fake Slack, one customer withdraws a handoff and another writes what
// went wrong after rating the bot 1: `baton report` (text, CSV, JSON) and
// /ops show both, the customer's e-mail address masked.
func TestReportShowsWithdrawnHandoffsAndFeedback(t *testing.T) {
	tg := telegramtest.New(t)
	sl := slacktest.New(t)
	const channel, token = "C0HANDOFF", "ops-report-token"
	s, env := serveWithSlack(t, tg, sl, channel, map[string]string{"BATON_OPS_TOKEN": token})
	// say waits for the reply to text that has reply in it: a reply of
	// several messages would otherwise be taken for the next one's.
	say := func(u telegramtest.User, text, reply string) {
		t.Helper()
		n := len(tg.Sent(u.ID))
		tg.Push(u.Text(text))
		tg.Wait(t, "the reply to "+text, func([]telegramtest.Call) bool {
			sent := tg.Sent(u.ID)
			return len(sent) > n && strings.Contains(strings.Join(sent[n:], "\n"), reply)
		})
	}
	ann := telegramtest.User{ID: 7101, FirstName: "Ann", Lang: "en"}
	say(ann, "/human", "")
	sl.WaitMessage(t, "handoff card", func(m slacktest.Message) bool { return m.TopLevel() && m.Blocks != nil })
	say(ann, "never mind, I figured it out, thanks", "let our team know")
	bo := telegramtest.User{ID: 7102, FirstName: "Bo", Lang: "en"}
	say(bo, "how do i reset my password", "")
	say(bo, "thanks bye", "")
	say(bo, "1", "what went wrong")
	say(bo, "your answer was useless, the reset email never arrives at bo.kim@example.com", "Thank you for telling us")
	const said = "the reset email never arrives"

	// The ops page, while serve runs.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+s.addr+"/ops", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/ops: %d %v", resp.StatusCode, err)
	}
	html := string(page)
	for _, want := range []string{`<tr id="withdrawn"><td>Withdrawn by the customer (before any agent wrote)</td><td class="n">1</td>`,
		`<tr id="feedback-count"><td>Feedback after a low rating of the bot</td><td class="n">1</td>`, said, "1/5"} {
		if !strings.Contains(html, want) {
			t.Errorf("/ops lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "bo.kim@example.com") {
		t.Error("/ops shows the customer's e-mail address")
	}
	s.stop(t)

	getenv := func(k string) string { return env[k] }
	var out, errs strings.Builder
	if code := run(t.Context(), []string{"report", "--since", "1d", "--format", "json"}, getenv, nil, &out, &errs); code != 0 {
		t.Fatalf("baton report: exit %d: %s", code, errs.String())
	}
	var rep struct {
		Rows []struct {
			Scope     string `json:"scope"`
			Handoffs  int64  `json:"handoffs"`
			Withdrawn int64  `json:"withdrawn"`
			Feedback  int64  `json:"feedback"`
		} `json:"rows"`
		Feedback []struct {
			Stars int    `json:"stars"`
			Open  bool   `json:"open"`
			Text  string `json:"text"`
		} `json:"feedback"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil || len(rep.Rows) == 0 {
		t.Fatalf("report JSON: %v\n%s", err, out.String())
	}
	if all := rep.Rows[0]; all.Handoffs != 1 || all.Withdrawn != 1 || all.Feedback != 1 {
		t.Errorf("report, everyone: %+v; want 1 handoff, withdrawn, and 1 feedback", all)
	}
	if len(rep.Feedback) != 1 || rep.Feedback[0].Stars != 1 || !rep.Feedback[0].Open || !strings.Contains(rep.Feedback[0].Text, said) {
		t.Errorf("report feedback %+v", rep.Feedback)
	}
	for _, format := range []string{"text", "csv", "json"} {
		out.Reset()
		if code := run(t.Context(), []string{"report", "--format", format}, getenv, nil, &out, &errs); code != 0 {
			t.Fatalf("baton report --format %s: exit %d: %s", format, code, errs.String())
		}
		if strings.Contains(out.String(), "bo.kim@example.com") {
			t.Errorf("the %s report shows the customer's e-mail address:\n%s", format, out.String())
		}
		switch format {
		case "text":
			if !strings.Contains(out.String(), "Withdrawn           1 handoffs") || !strings.Contains(out.String(), "Feedback            1 customers") ||
				!strings.Contains(out.String(), said) {
				t.Errorf("text report:\n%s", out.String())
			}
		case "csv":
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if !strings.HasSuffix(lines[0], ",withdrawn,feedback") || !strings.HasSuffix(lines[1], ",1,1") {
				t.Errorf("CSV report:\n%s", out.String())
			}
		}
	}
}
