// Package tcpproxy is a TCP proxy that tests put in front of a real server
// (Redis, PostgreSQL) to cut it away and bring it back, so that fault tests
// can check what a client does when its server stops or freezes.
//
// A Proxy is in one of three states:
//
//   - Up forwards every connection to the target.
//   - Down closes every open connection and every new one at once: the
//     server went away.
//   - Hang keeps every connection open but forwards nothing more, and
//     accepts new connections without ever answering: the server froze.
//
// Leaving Hang or Down for Up closes the connections left from the fault;
// clients reconnect and are forwarded again.
//
// The methods of a Proxy are safe for concurrent use.
package tcpproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// State is what a Proxy does with connections.
type State int32

// The states of a Proxy.
const (
	Up   State = iota // forward (the zero value)
	Down              // close every connection, refuse new ones
	Hang              // keep connections open, forward nothing
)

// String returns "up", "down" or "hang".
func (s State) String() string {
	switch s {
	case Up:
		return "up"
	case Down:
		return "down"
	case Hang:
		return "hang"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// Proxy forwards TCP connections from a loopback address to a target.
// Create one with New and stop it with Close.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	state  State
	conns  map[net.Conn]struct{}
	closed bool

	wg sync.WaitGroup
}

// New starts a proxy listening on a free port of 127.0.0.1 and forwarding
// to target (host:port), in state Up.
func New(target string) (*Proxy, error) {
	if target == "" {
		return nil, errors.New("tcpproxy: empty target")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("tcpproxy: %w", err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr returns the address clients dial instead of the target's.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// State returns the current state.
func (p *Proxy) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// Set changes the state. Hang freezes the open connections: they stay
// open and nothing more is forwarded either way. Down closes them all.
// Up closes the connections left over from Down or Hang (a healthy
// connection made while Up is left alone) and forwards new ones.
func (p *Proxy) Set(s State) {
	p.mu.Lock()
	prev := p.state
	p.state = s
	conns := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	switch {
	case s == Hang:
		// An expired read deadline makes io.Copy stop without closing
		// either socket, so the client sees a silent server.
		for _, c := range conns {
			_ = c.SetReadDeadline(time.Unix(1, 0))
		}
	case s == Down, s == Up && prev != Up:
		for _, c := range conns {
			p.drop(c)
		}
	}
}

// Close stops listening, closes every connection and waits for the
// proxy's goroutines to end. It is safe to call more than once.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	p.Set(Down)
	p.wg.Wait()
	return err
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		state := p.state
		if state == Hang {
			p.conns[c] = struct{}{} // held open and silent until the state changes
		}
		p.mu.Unlock()
		switch state {
		case Down:
			c.Close()
			continue
		case Hang:
			continue
		}
		up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.state != Up || p.closed {
			// The state changed while dialling: treat the pair as cut.
			p.mu.Unlock()
			c.Close()
			up.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.conns[up] = struct{}{}
		p.wg.Add(2)
		p.mu.Unlock()
		go p.pipe(up, c)
		go p.pipe(c, up)
	}
}

// pipe copies src to dst until either fails, then closes both; stopped by
// a hang, it keeps both open (silent) until the proxy leaves that state.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, err := io.Copy(dst, src)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		for p.State() == Hang {
			time.Sleep(10 * time.Millisecond)
		}
	}
	p.drop(dst)
	p.drop(src)
}

func (p *Proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}
