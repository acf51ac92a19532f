package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/bot/content"
)

// How unhappy what follows "how are you" must read before the cheerful
// reply is left out is complaint.leans_unhappy in prompts/handoff.yaml,
// not a constant in the core: raised above the message's score (0.20),
// the same message gets its cheerful reply again.
func TestLeansUnhappyComesFromTheData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prompts")
	if err := os.CopyFS(dir, os.DirFS("../prompts")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "handoff.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "\n  leans_unhappy: 0.15\n", "\n  leans_unhappy: 0.25\n", 1)
	if edited == string(data) {
		t.Fatal("prompts/handoff.yaml: no complaint.leans_unhappy: 0.15 to change")
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	h, probs, err := content.NewHolder(content.Dir(dir), content.Dir("../knowledge"), nil)
	if err != nil || len(probs) != 0 {
		t.Fatalf("load: %v %v", err, probs)
	}
	say := "how was your week, mine was bad because of your late delivery"
	cheer := howAreYouReplies(t)
	if reply, _, _ := newFixture(t, false).convo(t, "leans-shipped", "en", say); saysAny(reply, cheer) {
		t.Errorf("shipped (0.15) %q: a cheerful reply before the complaint:\n%s", say, reply)
	}
	if reply, _, _ := newFixtureOn(t, h, false).convo(t, "leans-raised", "en", say); !saysAny(reply, cheer) {
		t.Errorf("leans_unhappy 0.25, %q: want the reply in kind (score 0.20 is under it):\n%s", say, reply)
	}
}
