package bot_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton/bot/content"
)

// How unhappy what follows "how are you" must read before the cheerful
// reply is left out is complaint.leans_unhappy in prompts/handoff.yaml,
// not a constant in the core: raised above the message's score (0.20),
// the same message gets its cheerful reply again.
func TestLeansUnhappyComesFromTheData(t *testing.T) {
	h, err := raisedLeans()
	if err != nil {
		t.Fatal(err)
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

// raisedLeans is the shipped contents with complaint.leans_unhappy raised
// to 0.25, loaded once for the test binary (a load calibrates the
// matcher: seconds).
var raisedLeans = sync.OnceValues(func() (*content.Holder, error) {
	tmp, err := os.MkdirTemp("", "leans")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // loaded into memory: the files are not read again
	dir := filepath.Join(tmp, "prompts")
	if err := os.CopyFS(dir, os.DirFS("../prompts")); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "handoff.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	edited := strings.Replace(string(data), "\n  leans_unhappy: 0.15\n", "\n  leans_unhappy: 0.25\n", 1)
	if edited == string(data) {
		return nil, errors.New("prompts/handoff.yaml: no complaint.leans_unhappy: 0.15 to change")
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		return nil, err
	}
	h, probs, err := content.NewHolder(content.Dir(dir), content.Dir("../knowledge"), nil)
	if err == nil && len(probs) != 0 {
		err = fmt.Errorf("problems: %v", probs)
	}
	return h, err
})
