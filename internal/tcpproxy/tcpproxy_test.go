package tcpproxy_test

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/comply-go/comply/internal/tcpproxy"
)

// echoServer answers every line it reads by sending it back.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg and reads len(msg) bytes back within wait; it
// returns what came back and the read error.
func roundTrip(c net.Conn, msg string, wait time.Duration) (string, error) {
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, len(msg))
	n, err := io.ReadFull(c, buf)
	return string(buf[:n]), err
}

func wantEcho(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	got, err := roundTrip(c, msg, 2*time.Second)
	if err != nil || got != msg {
		t.Fatalf("echo %q = %q, %v", msg, got, err)
	}
}

func wantSilent(t *testing.T, c net.Conn) {
	t.Helper()
	got, err := roundTrip(c, "ping", 200*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) || got != "" {
		t.Fatalf("through a hang: read %q, %v; want nothing and a timeout", got, err)
	}
}

func wantClosed(t *testing.T, c net.Conn) {
	t.Helper()
	got, err := roundTrip(c, "ping", 2*time.Second)
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) || got != "" {
		t.Fatalf("through a cut: read %q, %v; want the connection closed", got, err)
	}
}

func TestStates(t *testing.T) {
	p, err := tcpproxy.New(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.State() != tcpproxy.Up {
		t.Fatalf("new proxy is %v, want up", p.State())
	}

	before := dial(t, p.Addr())
	wantEcho(t, before, "hello")

	p.Set(tcpproxy.Hang)
	wantSilent(t, before)            // an open connection freezes
	wantSilent(t, dial(t, p.Addr())) // a new one is accepted, never answered
	p.Set(tcpproxy.Up)
	wantClosed(t, before)                // leaving the hang closes what froze
	wantEcho(t, dial(t, p.Addr()), "up") // new connections go through again

	open := dial(t, p.Addr())
	wantEcho(t, open, "x")
	p.Set(tcpproxy.Down)
	wantClosed(t, open)
	wantClosed(t, dial(t, p.Addr()))
	p.Set(tcpproxy.Up)
	wantEcho(t, dial(t, p.Addr()), "back")

	// Up while up leaves healthy connections alone.
	healthy := dial(t, p.Addr())
	wantEcho(t, healthy, "a")
	p.Set(tcpproxy.Up)
	wantEcho(t, healthy, "b")
}

func TestClose(t *testing.T) {
	p, err := tcpproxy.New(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, p.Addr())
	wantEcho(t, c, "hi")
	p.Set(tcpproxy.Hang)
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return: a goroutine is stuck")
	}
	wantClosed(t, c)
	if c, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("the proxy still accepts after Close")
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := tcpproxy.New(""); err == nil {
		t.Fatal("New(\"\") succeeded")
	}
}

func TestStateString(t *testing.T) {
	for s, want := range map[tcpproxy.State]string{tcpproxy.Up: "up", tcpproxy.Down: "down", tcpproxy.Hang: "hang", 7: "State(7)"} {
		if got := s.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int32(s), got, want)
		}
	}
}
