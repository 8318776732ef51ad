package redisstore_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/comply-go/comply/store/storetest"
	"github.com/redis/go-redis/v9"
)

var prefixSeq atomic.Int64

// testPrefix is a key prefix unique to one test run, so that tests never
// see (or flush) anyone else's keys.
func testPrefix() string {
	return "comply-test:" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(prefixSeq.Add(1), 10) + ":"
}

// singleClient connects to COMPLY_TEST_REDIS_ADDR: it skips when the
// variable is unset and fails when the server does not answer.
func singleClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	addr := os.Getenv("COMPLY_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("COMPLY_TEST_REDIS_ADDR not set")
	}
	return connect(t, &redis.UniversalOptions{Addrs: []string{addr}})
}

// clusterClient connects to COMPLY_TEST_REDIS_CLUSTER_ADDRS likewise.
func clusterClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	addrs := os.Getenv("COMPLY_TEST_REDIS_CLUSTER_ADDRS")
	if addrs == "" {
		t.Skip("COMPLY_TEST_REDIS_CLUSTER_ADDRS not set")
	}
	return connect(t, &redis.UniversalOptions{Addrs: strings.Split(addrs, ","), IsClusterMode: true})
}

func connect(t testing.TB, o *redis.UniversalOptions) redis.UniversalClient {
	t.Helper()
	c := redis.NewUniversalClient(o)
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %v does not answer: %v", o.Addrs, err)
	}
	return c
}

func newStore(t testing.TB, c redis.UniversalClient, o *redisstore.Options) *redisstore.Store {
	t.Helper()
	if o == nil {
		o = &redisstore.Options{}
	}
	if o.Prefix == "" {
		o.Prefix = testPrefix()
	}
	if o.IdleExpiry == 0 {
		o.IdleExpiry = time.Hour // test keys clean themselves up
	}
	s, err := redisstore.New(c, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformanceSingle(t *testing.T) {
	c := singleClient(t)
	storetest.Run(t, func(t *testing.T) store.Backend { return newStore(t, c, nil) })
}

func TestConformanceCluster(t *testing.T) {
	c := clusterClient(t)
	storetest.Run(t, func(t *testing.T) store.Backend { return newStore(t, c, nil) })
}
