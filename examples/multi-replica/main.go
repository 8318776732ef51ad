// Command multi-replica shows comply behind several HTTP service replicas
// that share one Redis: the legal monthly carrier-billing cap of the KR
// pack (1,000,000 KRW a customer) holds across all of them.
//
//	go run ./examples/multi-replica demo -redis 127.0.0.1:6379
//
// starts two replicas as separate processes, drives both at once with the
// load generator and checks the admitted total against the cap. The parts
// also run alone:
//
//	go run ./examples/multi-replica serve -listen 127.0.0.1:8081 -redis 127.0.0.1:6379
//	go run ./examples/multi-replica serve -listen 127.0.0.1:8082 -redis 127.0.0.1:6379
//	go run ./examples/multi-replica load -targets http://127.0.0.1:8081,http://127.0.0.1:8082
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/payment"
	"github.com/comply-go/comply/rule"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// MonthlyCap is the KR pack's monthly carrier-billing cap, in KRW.
const MonthlyCap = 1_000_000

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: multi-replica demo|serve|load [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serveMain(os.Args[2:])
	case "load":
		err = loadMain(os.Args[2:])
	case "demo":
		err = demoMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "multi-replica:", err)
		os.Exit(1)
	}
}

// NewEngine returns an engine for the KR pack on a redisstore under prefix.
func NewEngine(client redis.UniversalClient, prefix string) (*comply.Engine, error) {
	st, err := redisstore.New(client, &redisstore.Options{
		Prefix:    prefix,
		Retention: 400 * 24 * time.Hour, // the KR pack's longest window plus a margin
	})
	if err != nil {
		return nil, err
	}
	return comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st})
}

// Payment is the request body of POST /pay.
type Payment struct {
	ID       string    `json:"id"`
	Customer string    `json:"customer"`
	Amount   int64     `json:"amount_krw"`
	Time     time.Time `json:"time"`
}

// Answer is the response body of POST /pay.
type Answer struct {
	Replica string      `json:"replica"`
	Action  rule.Action `json:"action"`
	Rules   []string    `json:"rules,omitempty"`
	// Admitted: the engine reserved the amount and the replica committed
	// it (Allow) or holds it pending (Review).
	Admitted bool `json:"admitted"`
}

// Handler serves POST /pay: it judges a KR carrier-billing payment and
// commits it when allowed, as a payment service would once the money moved.
func Handler(name string, eng *comply.Engine) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pay", func(w http.ResponseWriter, r *http.Request) {
		var p Payment
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		amount, err := payment.ParseMoney(strconv.FormatInt(p.Amount, 10) + " KRW")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		d, err := eng.Evaluate(ctx, &payment.Transaction{
			ID: p.ID, Time: p.Time, Country: "KR",
			Channel: payment.CarrierBilling, Direction: payment.Payment, Amount: amount,
			Customer: payment.Customer{Party: payment.Party{ID: p.Customer}, Tier: payment.TierFull},
		})
		if err != nil { // could not decide: fail closed
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		a := Answer{Replica: name, Action: d.Action}
		for _, f := range d.Findings {
			a.Rules = append(a.Rules, string(f.Rule))
		}
		switch {
		case d.Action == rule.Allow && d.Reserved:
			if err := d.Commit(ctx); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			a.Admitted = true
		case d.Reserved: // held for review: the amount stays reserved
			a.Admitted = true
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a)
	})
	return mux
}

func serveMain(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:8081", "address to listen on")
	addr := fs.String("redis", "127.0.0.1:6379", "Redis address")
	prefix := fs.String("prefix", "comply-demo:", "Redis key prefix")
	fs.Parse(args)
	client := redis.NewClient(&redis.Options{Addr: *addr, ContextTimeoutEnabled: true})
	defer client.Close()
	eng, err := NewEngine(client, *prefix)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Printf("listening on http://%s\n", ln.Addr()) // the demo reads this line
	return http.Serve(ln, Handler(ln.Addr().String(), eng))
}

// Result is what a load run saw.
type Result struct {
	Sent, Admitted, Refused, Failed int
	AdmittedKRW                     int64
	PerReplica                      map[string]int
}

// Load sends n payments of one customer, spread round-robin over targets
// by workers concurrent clients, and tallies the answers.
func Load(ctx context.Context, targets []string, customer string, n, workers int, amount func(i int) int64) (*Result, error) {
	res := &Result{PerReplica: map[string]int{}}
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	at := time.Now().Add(-time.Minute)
	var firstErr error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				p := Payment{ID: fmt.Sprintf("%s-%d", customer, i), Customer: customer, Amount: amount(i), Time: at}
				body, _ := json.Marshal(p)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, targets[i%len(targets)]+"/pay", bytes.NewReader(body))
				resp, err := http.DefaultClient.Do(req)
				var a Answer
				if err == nil {
					if resp.StatusCode != http.StatusOK {
						b, _ := io.ReadAll(resp.Body)
						err = fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b))
					} else {
						err = json.NewDecoder(resp.Body).Decode(&a)
					}
					resp.Body.Close()
				}
				mu.Lock()
				res.Sent++
				switch {
				case err != nil:
					res.Failed++
					if firstErr == nil {
						firstErr = err
					}
				case a.Admitted:
					res.Admitted++
					res.AdmittedKRW += p.Amount
					res.PerReplica[a.Replica]++
				default:
					res.Refused++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return res, fmt.Errorf("%d of %d requests failed, the first: %w", res.Failed, res.Sent, firstErr)
	}
	return res, nil
}

// amountOf is the load's amount for payment i: 10,000 to 59,000 KRW, not
// all round, so that no round-amount monitoring rule fires.
func amountOf(i int) int64 { return int64(10_000 + (i*7919)%50*1_000 + i%7) }

func loadMain(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	targets := fs.String("targets", "http://127.0.0.1:8081,http://127.0.0.1:8082", "comma-separated replica URLs")
	customer := fs.String("customer", "cust-"+strconv.FormatInt(time.Now().UnixNano(), 36), "customer id")
	n := fs.Int("n", 200, "payments to send")
	workers := fs.Int("workers", 16, "concurrent clients")
	fs.Parse(args)
	res, err := Load(context.Background(), strings.Split(*targets, ","), *customer, *n, *workers, amountOf)
	report(res)
	if err != nil {
		return err
	}
	if res.AdmittedKRW > MonthlyCap {
		return fmt.Errorf("cap broken: admitted %d KRW > %d", res.AdmittedKRW, MonthlyCap)
	}
	return nil
}

func report(r *Result) {
	fmt.Printf("sent %d: admitted %d (%d KRW of the %d KRW monthly cap), refused %d, failed %d\n",
		r.Sent, r.Admitted, r.AdmittedKRW, MonthlyCap, r.Refused, r.Failed)
	for name, k := range r.PerReplica {
		fmt.Printf("  replica %s admitted %d\n", name, k)
	}
}

func demoMain(args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	addr := fs.String("redis", "127.0.0.1:6379", "Redis address")
	replicas := fs.Int("replicas", 2, "replica processes to start")
	n := fs.Int("n", 200, "payments to send")
	fs.Parse(args)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var targets []string
	for i := range *replicas {
		cmd := exec.Command(self, "serve", "-listen", "127.0.0.1:0", "-redis", *addr)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		line, err := bufio.NewReader(out).ReadString('\n')
		if !strings.HasPrefix(line, "listening on ") {
			return errors.Join(fmt.Errorf("replica %d did not start: %q", i, line), err)
		}
		targets = append(targets, strings.TrimSpace(strings.TrimPrefix(line, "listening on ")))
		fmt.Println("replica", i, "at", targets[i])
	}
	return loadMain([]string{"-targets", strings.Join(targets, ","), "-n", strconv.Itoa(*n)})
}
