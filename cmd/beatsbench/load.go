package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

const (
	loadPipeline = 1000 // EVALSHA per pipeline
	loaders      = 2    // pipelines in flight
)

// loader stores generated purchases through the real storage path, the save
// script queued by purchases.Saver.Queue, deeply pipelined.
type loader struct {
	rdb      *redis.Client
	saver    *purchases.Saver
	gen      *generator
	loaded   int
	rawBytes int64 // sum of the feed items' JSON, as the publisher encodes them
	docBytes int64 // sum of the stored documents' JSON (with search_text)
}

func newLoader(rdb *redis.Client, total int, seed int64) *loader {
	return &loader{rdb: rdb, saver: newSaver(rdb), gen: newGenerator(total, seed)}
}

// newLoaderOver loads total purchases spread over span from start.
func newLoaderOver(rdb *redis.Client, total int, seed int64, start time.Time, span time.Duration) *loader {
	return &loader{rdb: rdb, saver: purchases.NewSaver(rdb, retention), gen: newGeneratorOver(total, seed, start, span)}
}

// loadTo stores purchases until n are loaded in all.
func (l *loader) loadTo(ctx context.Context, n int) error {
	prog := startProgress(fmt.Sprintf("loading purchases to %s", commas(int64(n))), int64(n))
	prog.set(int64(l.loaded))
	batches := make(chan []purchases.Purchase, loaders)
	errs := make(chan error, loaders)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range loaders {
		wg.Go(func() {
			for batch := range batches {
				doc, err := l.store(ctx, batch)
				if err != nil {
					errs <- err
					for range batches {
					}
					return
				}
				mu.Lock()
				l.docBytes += doc
				mu.Unlock()
				prog.add(int64(len(batch)))
			}
		})
	}
	var batch []purchases.Purchase
	for l.loaded < n {
		sale, ok := l.gen.next()
		if !ok {
			break
		}
		for _, it := range sale.Items {
			raw, _ := json.Marshal(it)
			l.rawBytes += int64(len(raw))
			batch = append(batch, purchases.Normalize(it))
			l.loaded++
		}
		if len(batch) >= loadPipeline || l.loaded >= n {
			batches <- batch
			batch = nil
		}
	}
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	prog.end()
	select {
	case err := <-errs:
		return err
	default:
	}
	if l.loaded < n {
		return fmt.Errorf("load: generator ended at %d of %d", l.loaded, n)
	}
	res, err := l.rdb.Do(ctx, "FT.SEARCH", purchases.IndexAlias, "*", "LIMIT", 0, 0).Slice()
	if err != nil || len(res) == 0 {
		return fmt.Errorf("load: counting documents: %v", err)
	}
	if stored, _ := res[0].(int64); stored != int64(l.loaded) {
		return fmt.Errorf("load: %d documents stored of %d loaded", stored, l.loaded)
	}
	return nil
}

// store runs one pipeline of saves; it returns the documents' bytes.
func (l *loader) store(ctx context.Context, batch []purchases.Purchase) (int64, error) {
	pipe := l.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(batch))
	for i, p := range batch {
		cmd, err := l.saver.Queue(ctx, pipe, p)
		if err != nil {
			return 0, err
		}
		cmds[i] = cmd
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("load: pipeline: %w", err)
	}
	// 0 is "stored before": go-redis sends a whole pipeline again when its
	// reply is late (a loaded machine, 1,000 saves deep), and the saves
	// that ran the first time find their documents. loadTo counts the
	// documents in the end.
	var docs int64
	for _, c := range cmds {
		if n, err := c.Int(); err != nil || (n != 1 && n != 0) {
			return 0, fmt.Errorf("load: save returned %d, %v", n, err)
		}
		docs += int64(scriptDocLen(c.Args()))
	}
	return docs, nil
}

// scriptDocLen is the length of the document argument of an EVALSHA of the
// save script: the first argument after its keys.
func scriptDocLen(args []any) int {
	if len(args) < 3 {
		return 0
	}
	var numkeys int
	switch v := args[2].(type) {
	case int:
		numkeys = v
	case int64:
		numkeys = int(v)
	}
	if len(args) <= 3+numkeys {
		return 0
	}
	switch doc := args[3+numkeys].(type) {
	case []byte:
		return len(doc)
	case string:
		return len(doc)
	}
	return 0
}
