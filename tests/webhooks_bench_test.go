package tests

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
)

// benchConcurrency is the attempts in flight: the webhook's concurrency
// cap, and the bare loop's goroutines.
const benchConcurrency = 8

// benchItemBatch is how many items one write of the benchmark creates.
const benchItemBatch = 100

// BenchmarkWebhookDeliveries measures outgoing webhook deliveries to a
// receiver on 127.0.0.1, one op per delivery, with Go's GC at 400 as
// cmd/hookflow runs it:
//
//   - bare: a plain Go HTTP client loop (benchConcurrency goroutines)
//     sending the same signed requests, storing nothing: the ceiling.
//   - queued: the real server with durability on (a SQLite file) delivering
//     deliveries already in its queue: claimed, signed, sent (per-webhook
//     cap benchConcurrency) and every attempt recorded.
//   - items: end to end: items written through the API in batches of
//     benchItemBatch, each write queueing its deliveries in its own
//     transaction, until the last delivery is recorded.
//
// Each reports deliveries/s and the process's CPU time per delivery
// (receiver included); compare them from the same run.
func BenchmarkWebhookDeliveries(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	b.Run("bare", benchmarkBareDeliveries)
	b.Run("queued", benchmarkQueuedDeliveries)
	b.Run("items", benchmarkItemDeliveries)
}

// benchReceiver answers 200 to everything and counts requests.
func benchReceiver(b *testing.B) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n.Add(1)
	}))
	b.Cleanup(ts.Close)
	return ts, &n
}

var loopbackPolicy = outbound.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

func benchmarkBareDeliveries(b *testing.B) {
	ts, _ := benchReceiver(b)
	client := outbound.NewClient(loopbackPolicy, 0)
	key := make([]byte, 32)
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	// The body a Directus-format delivery of the benchmark's item sends.
	body := []byte(`{"event":"items.create","accountability":{"role":null,"user":null},"payload":` +
		strings.Replace(benchBody, "{", `{"id":1,`, 1) + `,"key":1,"collection":"orders"}`)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	for w := 0; w < benchConcurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				if err := sendSigned(client, ts.URL, secret, key, "evt_"+strconv.FormatInt(i, 10), body); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	reportDeliveries(b, start, cpu)
}

// reportDeliveries reports deliveries/s and the process's CPU time per
// delivery (receiver included), which other load on the machine inflates
// less than wall time.
func reportDeliveries(b *testing.B, start time.Time, cpu int64) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// finishDeliveries waits until the receiver has counted b.N deliveries,
// closes the server, which waits for the last outcomes to be recorded, and
// reports.
func finishDeliveries(b *testing.B, srv *hookflow.Server, received *atomic.Int64, start time.Time, cpu int64) {
	for received.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	if err := srv.Close(); err != nil {
		b.Fatal(err)
	}
	reportDeliveries(b, start, cpu)
}

// sendSigned sends one delivery signed as hookflow signs it.
func sendSigned(client *http.Client, url, secret string, key []byte, id string, body []byte) error {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	std := hmac.New(sha256.New, key)
	std.Write([]byte(id + "." + ts + "."))
	std.Write(body)
	hexMAC := hmac.New(sha256.New, []byte(secret))
	hexMAC.Write(body)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "hookflow-webhooks/1")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(std.Sum(nil)))
	req.Header.Set("X-Webhook-Signature", hex.EncodeToString(hexMAC.Sum(nil)))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func benchmarkItemDeliveries(b *testing.B) {
	ts, received := benchReceiver(b)
	cfg := hookflow.Config{
		AdminToken: "bench", Logger: slog.New(slog.DiscardHandler),
		Outbound: loopbackPolicy, Webhooks: webhooksConfig(benchConcurrency),
	}
	hookflowtest.NewDatabase(b).Use(&cfg)
	srv, err := hookflow.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	hook, _ := json.Marshal(map[string]any{"name": "bench", "actions": "create", "collections": "orders", "url": ts.URL})
	if rec := serveAdmin(srv, "POST", "/webhooks", hook); rec.Code != http.StatusOK {
		b.Fatalf("create webhook: %d %s", rec.Code, rec.Body)
	}
	batch := []byte("[" + strings.TrimSuffix(strings.Repeat(benchBody+",", benchItemBatch), ",") + "]")
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	for left := b.N; left > 0; left -= benchItemBatch {
		body := batch
		if left < benchItemBatch {
			body = []byte("[" + strings.TrimSuffix(strings.Repeat(benchBody+",", left), ",") + "]")
		}
		if rec := serveAdmin(srv, "POST", "/items/orders", body); rec.Code != http.StatusOK {
			b.Fatalf("write items: %d %s", rec.Code, rec.Body)
		}
	}
	finishDeliveries(b, srv, received, start, cpu)
}

// webhooksConfig sets the per-webhook concurrency cap.
func webhooksConfig(concurrency int) webhooks.Config {
	return webhooks.Config{Concurrency: concurrency}
}

func benchmarkQueuedDeliveries(b *testing.B) {
	ts, received := benchReceiver(b)
	db := hookflowtest.NewDatabase(b)
	queueDeliveries(b, db, ts.URL)
	cfg := hookflow.Config{
		AdminToken: "bench", Logger: slog.New(slog.DiscardHandler),
		Outbound: loopbackPolicy, Webhooks: webhooksConfig(benchConcurrency),
		// The key queueDeliveries sealed the webhook's secret with.
		SecretKey: hookflowtest.SecretKey,
	}
	db.Use(&cfg)
	srv, err := hookflow.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	// Switching the webhook on starts its queue.
	if rec := serveAdmin(srv, http.MethodPatch, "/webhooks/1", []byte(`{"status": "active"}`)); rec.Code != http.StatusOK {
		b.Fatalf("activate: %d %s", rec.Code, rec.Body)
	}
	finishDeliveries(b, srv, received, start, cpu)
}

// queueDeliveries stores an inactive webhook to url with b.N pending
// deliveries of the benchmark's item; its secret is sealed with
// hookflowtest.SecretKey.
func queueDeliveries(b *testing.B, db hookflowtest.Database, url string) {
	keys, err := secrets.NewKeyring(hookflowtest.SecretKey)
	if err != nil {
		b.Fatal(err)
	}
	cfg := db.StoreConfig()
	cfg.Keys, cfg.Logger = keys, slog.New(slog.DiscardHandler)
	store, err := storage.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	name := "bench"
	secret, _ := webhooks.NewSecret()
	sub := &storage.Subscription{
		Name: &name, URL: url, Method: "POST", Status: "inactive", Data: true,
		Actions: []string{"create"}, Collections: []string{"orders"}, Secret: secret, Format: "directus", CreatedAt: time.Now(),
	}
	if err := store.CreateSubscriptions(context.Background(), []*storage.Subscription{sub}); err != nil {
		b.Fatal(err)
	}
	msg := []byte(`{"id":"evt_1","event":"orders.created","action":"create","collection":"orders","keys":[1],"payload":` +
		strings.Replace(benchBody, "{", `{"id":1,`, 1) + `,"time":"2030-01-01T00:00:00Z"}`)
	rows := make([]*storage.Delivery, b.N)
	now := time.Now()
	for i := range rows {
		rows[i] = &storage.Delivery{
			WebhookID: sub.ID, MessageID: fmt.Sprintf("evt_%d", i), Event: "orders.created",
			Message: msg, Status: "pending", NextAttemptAt: now.UnixMilli(), CreatedAt: now, UpdatedAt: now,
		}
	}
	if err := store.InsertDeliveries(context.Background(), rows); err != nil {
		b.Fatal(err)
	}
}
