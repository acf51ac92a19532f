// Package semantictest starts the real English embedding model kept in
// ../shared/embed beside the repository, for the tests and measurements
// that need a real model behind the OpenAI-compatible embeddings API.
// Nothing in Baton needs it at run time.
//
// It does not import bot/semantic, so that package's own tests can use it.
package semantictest

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
)

// Model is the model name the shared server answers to.
const Model = "use-lite-en"

// SharedDir is the shared folder that sits beside the repository.
func SharedDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared")
}

var server struct {
	once sync.Once
	url  string
	skip string
	cmd  *exec.Cmd
}

// URL returns the base URL (…/v1) of the real model's server, started once
// per test binary, or skips t saying why when node, npm or the folder is
// missing. BATON_EMBED_URL names a server already running instead.
func URL(t testing.TB) string {
	t.Helper()
	server.once.Do(func() {
		if u := os.Getenv("BATON_EMBED_URL"); u != "" {
			server.url = u
			return
		}
		server.url, server.skip = start()
	})
	if server.skip != "" {
		t.Skip(server.skip)
	}
	return server.url
}

// Main runs a package's tests and then stops the server if one was started;
// call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if server.cmd != nil {
		_ = server.cmd.Process.Kill()
		_ = server.cmd.Wait()
	}
	os.Exit(code)
}

// start runs setup.sh and the server. The server is a child process that
// lives as long as the test binary.
func start() (url, skip string) {
	dir := filepath.Join(SharedDir(), "embed")
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
	// Port 0: the server picks a free port and says which when it listens.
	cmd := exec.Command("node", strings.TrimSpace(string(out)), "--port", "0", "--quiet")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err.Error()
	}
	if err := cmd.Start(); err != nil {
		return "", "starting the real embedding model failed: " + err.Error()
	}
	server.cmd = cmd
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
