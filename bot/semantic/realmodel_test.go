package semantic

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// sharedDir is /work/shared seen from this package: the shared folder
// sits beside the repository.
func sharedDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
}

var realModel struct {
	once sync.Once
	url  string
	skip string
	cmd  *exec.Cmd
}

// realEmbedder starts the real embedding model in ../shared/embed (once
// per test binary) and returns an Embedder for it, or skips the test
// saying why when node, npm or the folder is missing.
func realEmbedder(t testing.TB) OpenAI {
	t.Helper()
	realModel.once.Do(func() { realModel.url, realModel.skip = startRealModel() })
	if realModel.skip != "" {
		t.Skip(realModel.skip)
	}
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = realModel.url
	return OpenAI{Client: openai.NewClientWithConfig(cfg), Model: "use-lite-en", Timeout: time.Minute}
}

// startRealModel runs setup.sh and the server. The server lives as long as
// the test binary; it is a child process, so it ends with it.
func startRealModel() (url, skip string) {
	dir := filepath.Join(sharedDir(), "embed")
	if _, err := os.Stat(filepath.Join(dir, "setup.sh")); err != nil {
		return "", "the real embedding model is not available: " + dir + " is missing"
	}
	for _, tool := range []string{"node", "npm", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", "the real embedding model needs " + tool + ", which is not installed"
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", filepath.Join(dir, "setup.sh")).Output()
	if err != nil {
		return "", fmt.Sprintf("setting up the real embedding model failed (%v); skipping", err)
	}
	server := strings.TrimSpace(string(out))
	// Port 0: the server picks a free port and says which when it listens.
	cmd := exec.Command("node", server, "--port", "0", "--quiet")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err.Error()
	}
	if err := cmd.Start(); err != nil {
		return "", "starting the real embedding model failed: " + err.Error()
	}
	realModel.cmd = cmd
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
		}
		close(listening)
	}()
	select {
	case addr, ok := <-listening:
		if ok {
			return addr + "/v1", ""
		}
		return "", "the real embedding model exited before it listened"
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		return "", "the real embedding model did not come up within a minute"
	}
}

var listenRE = regexp.MustCompile(`listening on (http://\S+)`)

// TestMain stops the real model's server, if a test started it.
func TestMain(m *testing.M) {
	code := m.Run()
	if realModel.cmd != nil {
		_ = realModel.cmd.Process.Kill()
		_ = realModel.cmd.Wait()
	}
	os.Exit(code)
}
