package persona

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCuesMatchWholeLatinWordsAndCJKWordParts(t *testing.T) {
	f := minimal()
	f["smalltalk.yaml"] = minimalSmalltalk + `
cues:
  refused:
    en: ["can't", only, not possible]
    zh: [不能]
    ko: [수 없, "못 "]
  reason:
    en: [because]
  contrast:
    ko: ["는데 "]
  urgent:
    en: [right now]
  shout:
    en: [now]
`
	p, ps := f.load()
	wantProblems(t, ps)
	for _, c := range []struct {
		kind, s string
		want    bool
	}{
		{"refused", "Once it has shipped we can’t stop it anymore.", true}, // curly apostrophe
		{"refused", "We CAN'T do that", true},
		{"refused", "It's only for US orders.", true},
		{"refused", "It's commonly asked.", false}, // "only" inside a word
		{"refused", "That's NOT POSSIBLE, sorry", true},
		{"refused", "发货后就不能取消了", true},
		{"refused", "출고 후에는 취소할 수 없어요", true},
		{"refused", "취소 못 해요", true},
		{"refused", "못해요", false}, // "못 " needs its space
		{"refused", "You can return it within 14 days.", false},
		{"reason", "That's because it already left.", true},
		{"contrast", "빠르긴 하는데 포장이 별로예요", true},
		{"contrast", "좋았는데요", false},
		{"contrast", "좋았는데", true}, // the end of the text counts as the space
		{"urgent", "i want a person right now", true},
		{"urgent", "i want a person", false},
		{"shout", "NOW", true},
		{"nonsense", "anything", false},
	} {
		if got := p.Cue(c.kind, c.s); got != c.want {
			t.Errorf("Cue(%q, %q) = %v, want %v", c.kind, c.s, got, c.want)
		}
	}
}

func TestCueProblemsAreReportedAtTheirLine(t *testing.T) {
	f := minimal()
	f["smalltalk.yaml"] = minimalSmalltalk + `
cues:
  refused:
    en: [cannot, cannot, "  "]
    xx-bad-lang-code: [x]
  reason: [because]
  grumble:
    en: [ugh]
  contrast:
    en: bad
`
	_, ps := f.load()
	start := strings.Count(minimalSmalltalk, "\n") + 2 // the line of "cues:"
	line := func(n int) string { return "p/smalltalk.yaml:" + strconv.Itoa(start+n) + ": " }
	wantProblems(t, ps,
		line(0)+`warning: cues: no reason cues; the reason after a refusal is not said with it`,
		line(0)+`warning: cues: no contrast cues; praise before "but ..." is thanked for`,
		line(0)+`warning: cues: no urgent cues; an angry request for a person gets no apology`,
		line(0)+`warning: cues: no shout cues; a request for a person that shouts "NOW" gets no apology`,
		line(2)+`warning: cues.refused.en: "cannot" is already listed (line `+strconv.Itoa(start+2)+`)`,
		line(2)+`cues.refused.en: an empty cue would match every sentence`,
		line(3)+`cues.refused: "xx-bad-lang-code" is not a language code (use en, zh, ko, ...)`,
		line(4)+`cues.reason: expected a list per language (en:, zh:, ko:)`,
		line(5)+`warning: cues: unknown list "grumble" (known: refused, reason, contrast, urgent, shout)`,
		line(8)+`cues.contrast.en: expected a list`,
	)
}

// fs is the files as a folder "p", as load reads them.
func (f files) fs() fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range f {
		fsys["p/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func TestShippedCuesKeepWhatTheCodeSaid(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct {
		kind, s string
		want    bool
	}{
		{"refused", "Once it has shipped we can't stop it anymore, but you can return it.", true},
		{"refused", "已经发货的订单没办法拦截了", true},
		{"refused", "이미 발송된 주문은 멈출 수 없지만, 반품하실 수 있어요.", true},
		{"refused", "Within 1 hour of ordering, you can cancel it yourself.", false},
		{"reason", "반품하고 다시 주문하시는 게 더 빠르거든요.", true},
		{"contrast", "you're fast to take my money but slow to refund", true},
		{"contrast", "快是快，可是太贵了", true},
		{"contrast", "최고예요 감사해요", false},
		{"urgent", "马上给我转人工", true},
		{"urgent", "당장 상담원 연결해 주세요", true},
		{"urgent", "can I talk to someone now?", false}, // "now" counts only shouted
		{"shout", "NOW", true},
	} {
		if got := p.Cue(c.kind, c.s); got != c.want {
			t.Errorf("Cue(%q, %q) = %v, want %v", c.kind, c.s, got, c.want)
		}
	}
}

func TestWhyReadsTheObjectionAfterIt(t *testing.T) {
	p, _ := loadReal(t)
	for _, c := range []struct {
		msg, rest string
		apart, ok bool
	}{
		{"why not?", "", false, true},
		{"why? it hasn't expired yet", "it hasn't expired yet", true, true},
		{"why is my order late", "is my order late", false, true},
		{"为什么不行？还没发货呢", "还没发货呢", true, true},
		{"왜 안 돼요? 아직 발송 안 됐잖아요", "아직 발송 안 됐잖아요", true, true},
		{"왜요? 기간 아직 안 지났는데", "기간 아직 안 지났는데", true, true},
		{"왜안돼요", "", false, true},
		{"where is my order", "", false, false},
	} {
		rest, apart, ok := p.Why(c.msg)
		if rest != c.rest || apart != c.apart || ok != c.ok {
			t.Errorf("Why(%q) = %q, %v, %v; want %q, %v, %v", c.msg, rest, apart, ok, c.rest, c.apart, c.ok)
		}
	}
}

func TestZoneLabel(t *testing.T) {
	for name, want := range map[string]string{
		"Asia/Seoul":          "KST",
		"America/New_York":    "ET",
		"America/Los_Angeles": "PT",
		"UTC":                 "UTC",
		"Europe/London":       "Europe/London",  // GMT and BST share nothing
		"Asia/Singapore":      "Asia/Singapore", // "+08" names no zone
	} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatalf("zone %s: %v", name, err)
		}
		if got := ZoneLabel(loc); got != want {
			t.Errorf("ZoneLabel(%s) = %q, want %q", name, got, want)
		}
	}
	if got := ZoneLabel(time.Local); got != "" {
		t.Errorf("ZoneLabel(Local) = %q, want none: the server's zone names no place", got)
	}
}

func TestHoursNameTheShopsZone(t *testing.T) {
	f := minimal()
	f["persona.yaml"] = strings.Replace(minimalPersona, "hours:", "timezone: Asia/Seoul\nhours:", 1)
	p, ps := f.load()
	wantProblems(t, ps)
	if got := p.Hours("en"); !strings.HasSuffix(got, " KST") {
		t.Errorf("Hours(en) = %q, want it to name KST", got)
	}
	if got := p.Say("en", "handoff_nodesk", Data{}); !strings.Contains(got, "KST") && strings.Contains(got, p.Hours("en")) {
		t.Errorf("a message with {{hours}} does not name the zone: %q", got)
	}
	// BATON_TIMEZONE wins over persona.yaml's.
	fsys := f.fs()
	ny, _ := time.LoadLocation("America/New_York")
	p, _ = Load(fsys, "p", WithZone(ny))
	if got := p.Hours("en"); !strings.HasSuffix(got, " ET") || strings.Contains(got, "KST") {
		t.Errorf("Hours(en) with WithZone(New York) = %q, want ET alone", got)
	}
	// Words without a time state no hours to place.
	if got := withZone("during opening hours", "ET"); got != "during opening hours" {
		t.Errorf("withZone(words) = %q", got)
	}
	if got := withZone("9:00-18:00 ET", "ET"); got != "9:00-18:00 ET" {
		t.Errorf("withZone(named already) = %q", got)
	}
}

func TestBadTimezoneIsReportedAtItsLine(t *testing.T) {
	f := minimal()
	f["persona.yaml"] = minimalPersona + "timezone: Mars/Olympus\n"
	p, ps := f.load()
	if p == nil {
		t.Fatal("a bad timezone must not stop the persona")
	}
	line := strings.Count(minimalPersona, "\n") + 1
	wantProblems(t, ps, "p/persona.yaml:"+strconv.Itoa(line)+`: timezone: "Mars/Olympus" is not an IANA time zone name (such as America/New_York or Asia/Seoul); {{hours}} names no zone`)
	if strings.Contains(p.Hours("en"), "Mars") {
		t.Errorf("Hours = %q", p.Hours("en"))
	}
}
