package redisstore_test

import (
	"testing"

	"github.com/comply-go/comply/store"
	"github.com/comply-go/comply/store/redisstore"
	"github.com/comply-go/comply/store/storetest"
	"github.com/redis/go-redis/v9"
)

// crossProcess runs storetest.CrossProcess: 4 OS processes reserve against
// one customer's cap through the same Redis, one is killed with SIGKILL
// mid-run, and the parent checks the cap held and that no committed
// reservation was lost or double-counted.
func crossProcess(t *testing.T, client func(testing.TB) redis.UniversalClient) {
	storetest.CrossProcess(t, &storetest.CrossProcessOptions{
		NewBackend: func(t testing.TB, run string) store.Backend {
			return newStore(t, client(t), &redisstore.Options{Prefix: "comply-test:" + run + ":"})
		},
	})
}

func TestCrossProcessSingle(t *testing.T)  { crossProcess(t, singleClient) }
func TestCrossProcessCluster(t *testing.T) { crossProcess(t, clusterClient) }
