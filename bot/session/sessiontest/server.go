package sessiontest

import (
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Server is a redis-server of the test's own, on a spare loopback port, for
// tests that stop and start Redis under a live bot (never the shared one).
type Server struct {
	t    testing.TB
	Port int
	cmd  *exec.Cmd
	done chan struct{}
}

// StartServer starts a redis-server for the test (stopped when it ends);
// the test is skipped when redis-server is not installed.
func StartServer(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed: no Redis of the test's own to stop and start")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, Port: port}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// URL is the server's redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() }

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// Start (re)starts the server on its port and waits until it accepts
// connections. Its data does not survive a Stop.
func (s *Server) Start() {
	s.t.Helper()
	if s.cmd != nil {
		return
	}
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.t.TempDir(), "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("sessiontest: starting redis-server: %v", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(cleanupTimeout)
	for {
		// Dialling until it answers is waiting for the process to come
		// up, not a timing assumption.
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.done:
			s.t.Fatalf("sessiontest: redis-server on port %d exited at start", s.Port)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("sessiontest: redis-server on port %d does not answer: %v", s.Port, err)
		}
	}
}

// Stop kills the server and waits until it has exited (its port is free).
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(cleanupTimeout):
		s.t.Errorf("sessiontest: redis-server on port %d did not exit", s.Port)
	}
	s.cmd = nil
}
