package persona

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// loadReal loads the shipped prompts/ folder, the one embedded into the binary.
func loadReal(t testing.TB) (*Persona, []Problem) {
	t.Helper()
	p, ps := Load(os.DirFS("../.."), "prompts")
	if p == nil {
		t.Fatalf("shipped prompts do not load: %v", ps)
	}
	return p, ps
}

var realLangs = []string{"en", "zh", "ko"}

// at is a local time on Friday 14 March 2025.
func at(hour int) time.Time {
	return time.Date(2025, time.March, 14, hour, 15, 0, 0, time.Local)
}

// renders returns every variant of key in lang for a few kinds of data:
// everything known, nothing known, and different times of day.
func renders(p *Persona, lang, key string) []string {
	datas := []Data{
		{Customer: "Alex", Now: at(9), Topics: []string{"Shipping times", "Returns"}, Agent: "Sam", Wait: "5 minutes", Back: "tomorrow at 09:00"},
		{Now: at(15)},
		{Customer: "Jane", Now: at(22), Topics: []string{"Payments"}},
	}
	var out []string
	for i := 0; i < p.Variants(lang, key); i++ {
		for _, d := range datas {
			d.Seed = i
			out = append(out, p.Say(lang, key, d))
		}
	}
	return out
}

func TestShippedPromptsLoadWithoutProblems(t *testing.T) {
	p, ps := loadReal(t)
	for _, pr := range ps {
		t.Errorf("problem in shipped prompts: %s", pr)
	}
	if got := p.Name(); got != "Mia" {
		t.Errorf("Name() = %q, want Mia", got)
	}
	if got := p.Shop(); got != "Kumo Store" {
		t.Errorf("Shop() = %q, want Kumo Store", got)
	}
	if email, phone := p.Contact(); email != "support@kumo.example" || phone != "+1-555-0142" {
		t.Errorf("Contact() = %q, %q", email, phone)
	}
	if got := p.Langs(); !slices.Equal(got, []string{"en", "ko", "zh"}) {
		t.Errorf("Langs() = %v, want [en ko zh]", got)
	}
	for _, l := range realLangs {
		if !p.Has(l) {
			t.Errorf("Has(%q) = false", l)
		}
	}
	if p.Has("fr") || p.Has("") {
		t.Error("Has reports a language without a message file")
	}
	want := map[string]string{
		"en": "I'm Mia from the Kumo team.",
		"zh": "我是 Kumo 团队的 Mia。",
		"ko": "저는 Kumo 팀의 Mia입니다.",
		"fr": "I'm Mia from the Kumo team.", // falls back to English
	}
	for l, w := range want {
		if got := p.Intro(l); got != w {
			t.Errorf("Intro(%q) = %q, want %q", l, got, w)
		}
	}
	if got := p.Hours("ko"); got != "평일 오전 9시~오후 6시 ET" { // persona.yaml: timezone America/New_York
		t.Errorf("Hours(ko) = %q", got)
	}
	tone := strings.Join(p.Tone(), "\n")
	for _, rule := range []string{`"we"`, "single word", "at most once", "您", "반말", "greet them back"} {
		if !strings.Contains(tone, rule) {
			t.Errorf("tone rules do not mention %q", rule)
		}
	}
}

func TestShippedPromptsHaveEveryKeyInEveryLanguage(t *testing.T) {
	p, _ := loadReal(t)
	script := map[string]*unicode.RangeTable{"zh": unicode.Han, "ko": unicode.Hangul}
	for _, l := range realLangs {
		for _, k := range Keys() {
			if p.Variants(l, k) == 0 {
				t.Errorf("%s has no %q", l, k)
				continue
			}
			nonEmpty := 0
			for _, out := range renders(p, l, k) {
				if out == k {
					t.Errorf("%s %q rendered as its key (failed)", l, k)
				}
				if out != "" {
					nonEmpty++
				} else if !mayBeEmpty[k] {
					t.Errorf("%s %q rendered empty", l, k)
				}
				if out == "" {
					continue
				}
				if rt := script[l]; rt != nil && !strings.ContainsFunc(out, func(r rune) bool { return unicode.Is(rt, r) }) {
					t.Errorf("%s %q is not in %s: %q", l, k, l, out)
				}
				if l == "en" && strings.ContainsFunc(out, func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hangul) }) {
					t.Errorf("en %q has CJK text: %q", k, out)
				}
				if strings.Contains(out, "<no value>") || strings.Contains(out, "{{") {
					t.Errorf("%s %q has template leftovers: %q", l, k, out)
				}
			}
			if nonEmpty == 0 {
				t.Errorf("%s %q never says anything", l, k)
			}
		}
	}
}

var apologyRE = regexp.MustCompile(`(?i)sorry|apolog|抱歉|对不起|对不住|죄송|미안`)

// The voice rules are tested on what customers actually read.
func TestShippedPromptsFollowVoiceRules(t *testing.T) {
	p, _ := loadReal(t)
	politeEnd := regexp.MustCompile(`(요|다|까|세요)[)\s]*$`)
	for _, l := range realLangs {
		for _, k := range Keys() {
			for _, out := range renders(p, l, k) {
				if out == "" {
					continue
				}
				if n := len(apologyRE.FindAllString(out, -1)); n > 1 {
					t.Errorf("%s %q apologises %d times: %q", l, k, n, out)
				}
				if words := wordCount(l, out); words < 2 {
					t.Errorf("%s %q is a single word: %q", l, k, out)
				}
				switch l {
				case "zh":
					if strings.Contains(out, "你") {
						t.Errorf("zh %q says 你; we address customers as 您: %q", k, out)
					}
				case "ko":
					// Every Korean sentence ends politely (…요, …다, …까).
					for _, s := range regexp.MustCompile(`[.!?:\n]+`).Split(out, -1) {
						// A trailing vocative ("..., Alex 님!") is not the sentence's end.
						s = vocativeRE.ReplaceAllString(strings.TrimSpace(s), "")
						last, _ := lastLetter(s)
						if s == "" || !unicode.Is(unicode.Hangul, last) || strings.HasPrefix(s, "•") {
							continue
						}
						if !politeEnd.MatchString(s) {
							t.Errorf("ko %q has a sentence that is not polite: %q", k, s)
						}
					}
				}
			}
		}
	}
	// Messages that exist to apologise do it, once.
	for _, l := range realLangs {
		for _, k := range []string{"store_down", "rating_sorry"} {
			for _, out := range renders(p, l, k) {
				if n := len(apologyRE.FindAllString(out, -1)); n != 1 {
					t.Errorf("%s %q should apologise exactly once, does %d times: %q", l, k, n, out)
				}
			}
		}
	}
}

var vocativeRE = regexp.MustCompile(`,\s*\S+ 님$`)

func lastLetter(s string) (rune, bool) {
	rs := []rune(s)
	for i := len(rs) - 1; i >= 0; i-- {
		if unicode.IsLetter(rs[i]) {
			return rs[i], true
		}
	}
	return 0, false
}

// wordCount counts words; Chinese has no spaces, so there two Han
// characters make a word.
func wordCount(lang, s string) int {
	if lang == "zh" {
		han := 0
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				han++
			}
		}
		return han / 2
	}
	return len(strings.Fields(s))
}

// What each message must carry, so a customer gets the facts, not just warmth.
func TestShippedPromptsCarryTheirFacts(t *testing.T) {
	p, _ := loadReal(t)
	d := Data{Customer: "Alex", Now: at(10), Topics: []string{"Shipping times", "Returns"}, Agent: "Sam", Wait: "WAIT-7", Back: "BACK-9"}
	must := map[string][]string{
		"greet":            {"Mia"},
		"start":            {"Mia", "Kumo Store", "/human"},
		"help":             {"/human"},
		"rephrase_topics":  {"• Shipping times", "• Returns"},
		"handoff":          {"WAIT-7"},
		"handoff_offhours": {"BACK-9"},
		"handoff_nodesk":   {"support@kumo.example", "+1-555-0142"},
		"agent_joined":     {"Sam"},
		"returned":         {"Mia"},
		"rating_ask":       {"1", "5"},
		"rating_invalid":   {"1", "5"},
		"store_down":       {"support@kumo.example"},
		"group":            {"Mia"},
	}
	for _, l := range realLangs {
		for k, subs := range must {
			for i := 0; i < p.Variants(l, k); i++ {
				d.Seed = i
				out := p.Say(l, k, d)
				for _, s := range subs {
					if !strings.Contains(out, s) {
						t.Errorf("%s %q variant %d lacks %q: %q", l, k, i+1, s, out)
					}
				}
			}
		}
		// Greeting again does not introduce Mia a second time.
		for i := 0; i < p.Variants(l, "greet_again"); i++ {
			d.Seed = i
			if out := p.Say(l, "greet_again", d); strings.Contains(out, "Mia") || strings.Contains(out, p.Intro(l)) {
				t.Errorf("%s greet_again re-introduces: %q", l, out)
			}
		}
	}
	// Without an agent name or times the messages still read well.
	bare := Data{Now: at(10)}
	for l, want := range map[string][3]string{
		"en": {"A colleague from our team", "in a few minutes", "back soon"},
		"zh": {"我们团队的同事来了", "预计几分钟内", "会在下一个工作日回来"},
		"ko": {"저희 팀 담당 상담원이", "대략 몇 분 안에", "다음 근무일에"},
	} {
		for i, k := range []string{"agent_joined", "handoff", "handoff_offhours"} {
			if out := p.Say(l, k, bare); !strings.Contains(out, want[i]) {
				t.Errorf("%s %q without data = %q, want it to contain %q", l, k, out, want[i])
			}
		}
	}
}

func TestTimeOfDayAndWeekdayInThreeLanguages(t *testing.T) {
	p, _ := loadReal(t)
	words := map[string][3]string{
		"en": {"morning", "afternoon", "evening"},
		"zh": {"早上", "下午", "晚上"},
		"ko": {"아침", "오후", "저녁"},
	}
	hours := [3][]int{{5, 8, 11}, {12, 14, 17}, {18, 21, 23, 0, 4}}
	for l, w := range words {
		for part, hs := range hours {
			for _, h := range hs {
				for seed := 0; seed < p.Variants(l, "greet"); seed++ {
					out := p.Say(l, "greet", Data{Now: at(h), Seed: seed})
					if !strings.Contains(out, w[part]) {
						t.Errorf("%s greet at %02d:15 (variant %d) = %q, want %q", l, h, seed+1, out, w[part])
					}
					for other, ow := range w {
						if other != part && strings.Contains(out, ow) {
							t.Errorf("%s greet at %02d:15 says %q: %q", l, h, ow, out)
						}
					}
				}
			}
		}
	}
	// bye's first variant names the day: 14 March 2025 is a Friday.
	for l, day := range map[string]string{"en": "Friday", "zh": "周五", "ko": "금요일"} {
		if out := p.Say(l, "bye", Data{Now: at(10), Seed: 0}); !strings.Contains(out, day) {
			t.Errorf("%s bye = %q, want %q", l, out, day)
		}
	}
	if out := p.Say("en", "bye", Data{Now: at(10).AddDate(0, 0, 3)}); !strings.Contains(out, "Monday") {
		t.Errorf("en bye three days later = %q, want Monday", out)
	}
}

func TestSayFillsBotNameAndTime(t *testing.T) {
	p, _ := loadReal(t)
	if out := p.Say("en", "returned", Data{}); !strings.HasPrefix(out, "Mia here again!") {
		t.Errorf("Say without Bot = %q, want the persona's name", out)
	}
	if out := p.Say("en", "returned", Data{Bot: "Nia"}); !strings.HasPrefix(out, "Nia here again!") {
		t.Errorf("Say with Bot = %q, want the given name", out)
	}
	// No Now means now: a greeting still names a part of the day.
	out := p.Say("en", "greet", Data{})
	if !regexp.MustCompile(`morning|afternoon|evening`).MatchString(out) {
		t.Errorf("greet without Now = %q", out)
	}
}

func TestSayIsSafeForConcurrentUse(t *testing.T) {
	p, _ := loadReal(t)
	var wg sync.WaitGroup
	results := make([][]string, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, k := range Keys() {
				l := realLangs[(g+i)%3]
				results[g] = append(results[g], p.Say(l, k, Data{Now: at(10), Seed: g, Topics: []string{"Returns"}}))
				kind, _ := p.Smalltalk("thanks, and how do I return it?")
				results[g] = append(results[g], kind)
			}
		}()
	}
	wg.Wait()
	for g, rs := range results {
		for i, k := range Keys() {
			l := realLangs[(g+i)%3]
			if want := p.Say(l, k, Data{Now: at(10), Seed: g, Topics: []string{"Returns"}}); rs[2*i] != want {
				t.Errorf("goroutine %d: %s %q = %q, want %q", g, l, k, rs[2*i], want)
			}
			if rs[2*i+1] != "thanks" {
				t.Errorf("goroutine %d: Smalltalk = %q", g, rs[2*i+1])
			}
		}
	}
}

func BenchmarkSay(b *testing.B) {
	p, _ := loadReal(b)
	d := Data{Customer: "Alex", Now: at(10), Topics: []string{"Shipping times", "Returns"}}
	for b.Loop() {
		p.Say("zh", "greet", d)
	}
}

func BenchmarkSmalltalk(b *testing.B) {
	p, _ := loadReal(b)
	for b.Loop() {
		p.Smalltalk("Hi there Mia! Where is my order? I ordered it last week and it has not arrived yet.")
	}
}

func BenchmarkLoad(b *testing.B) {
	fsys := os.DirFS("../..")
	for b.Loop() {
		if p, _ := Load(fsys, "prompts"); p == nil {
			b.Fatal("nil")
		}
	}
}
