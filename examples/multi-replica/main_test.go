package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestCapHoldsAcrossReplicas runs two replicas, each with its own engine
// and Redis connection pool, sharing the Redis at COMPLY_TEST_REDIS_ADDR,
// and drives both at once for one customer: the admitted total never
// exceeds the monthly cap, yet fills it, and both replicas admitted some.
func TestCapHoldsAcrossReplicas(t *testing.T) {
	addr := os.Getenv("COMPLY_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("COMPLY_TEST_REDIS_ADDR not set")
	}
	prefix := "comply-test:multi-replica:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
	var targets []string
	for _, name := range []string{"a", "b"} {
		client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
		t.Cleanup(func() { client.Close() })
		if err := client.Ping(context.Background()).Err(); err != nil {
			t.Fatalf("Redis at %s does not answer: %v", addr, err)
		}
		eng, err := NewEngine(client, prefix)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(Handler(name, eng))
		t.Cleanup(srv.Close)
		targets = append(targets, srv.URL)
	}
	for round := range 3 {
		customer := "cust-" + strconv.Itoa(round)
		res, err := Load(context.Background(), targets, customer, 300, 32, amountOf)
		if err != nil {
			t.Fatal(err)
		}
		if res.AdmittedKRW > MonthlyCap {
			t.Fatalf("%s: admitted %d KRW across two replicas, above the cap %d", customer, res.AdmittedKRW, MonthlyCap)
		}
		if res.AdmittedKRW < MonthlyCap-60_000 { // room for no more payment is left
			t.Errorf("%s: admitted only %d KRW of %d: the load did not fill the cap", customer, res.AdmittedKRW, MonthlyCap)
		}
		if res.PerReplica["a"] == 0 || res.PerReplica["b"] == 0 {
			t.Errorf("%s: admitted per replica %v, want both", customer, res.PerReplica)
		}
		t.Logf("%s: %d sent, %d admitted for %d KRW (%v), %d refused", customer, res.Sent, res.Admitted, res.AdmittedKRW, res.PerReplica, res.Refused)
	}
}
