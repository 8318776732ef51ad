package tcpproxy_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/comply-go/comply/internal/tcpproxy"
)

// A fault test points its client at the proxy instead of the server, then
// cuts the server away and brings it back.
func Example() {
	// A server that echoes what it reads.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()

	p, err := tcpproxy.New(ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer p.Close()

	ask := func() string {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			return "dial: " + err.Error()
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(300 * time.Millisecond))
		fmt.Fprintln(c, "ping")
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return "no answer"
			}
			return "closed"
		}
		return line[:len(line)-1]
	}
	fmt.Println(p.State(), ask())
	p.Set(tcpproxy.Hang)
	fmt.Println(p.State(), ask())
	p.Set(tcpproxy.Down)
	fmt.Println(p.State(), ask())
	p.Set(tcpproxy.Up)
	fmt.Println(p.State(), ask())
	// Output:
	// up ping
	// hang no answer
	// down closed
	// up ping
}
