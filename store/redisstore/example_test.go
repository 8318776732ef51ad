package redisstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/comply-go/comply"
	"github.com/comply-go/comply/jurisdiction"
	"github.com/comply-go/comply/jurisdiction/kr"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// A service with many replicas gives each engine a redisstore on the same
// Redis (a single node, Sentinel or Cluster: any UniversalClient). It needs
// a Redis server, so it is compiled but not run by go test.
func ExampleNew() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{"127.0.0.1:6379"}, // several addresses: Cluster; MasterName: Sentinel
		ContextTimeoutEnabled: true,                       // Evaluate's deadline bounds every Redis call
	})
	defer client.Close()
	st, err := redisstore.New(client, &redisstore.Options{
		Retention:  400 * 24 * time.Hour, // the KR pack's longest rolling window plus a margin
		PendingTTL: 15 * time.Minute,     // Commit or Void within this
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	eng, err := comply.New(&comply.Options{Packs: []*jurisdiction.Pack{kr.Pack()}, Store: st})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = eng
	if err := st.Ping(context.Background()); err != nil {
		fmt.Println("redis:", err)
	}
}
