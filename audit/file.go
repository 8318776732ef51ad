package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"
)

// SyncPolicy says when a FileSink forces its writes to stable storage.
type SyncPolicy uint8

// The sync policies. The zero value is SyncAlways, the safest.
const (
	// SyncAlways fsyncs the log (and its head file) before Append
	// returns: an appended record survives a crash of the machine.
	SyncAlways SyncPolicy = iota
	// SyncInterval fsyncs at most every FileOptions.Interval, from a
	// background goroutine: a crash of the machine may lose the records of
	// the last interval, never earlier ones.
	SyncInterval
	// SyncNever leaves flushing to the operating system. A crash of the
	// process loses nothing; a crash of the machine may.
	SyncNever
)

// String returns "always", "interval" or "never".
func (p SyncPolicy) String() string {
	switch p {
	case SyncAlways:
		return "always"
	case SyncInterval:
		return "interval"
	case SyncNever:
		return "never"
	}
	return fmt.Sprintf("SyncPolicy(%d)", uint8(p))
}

// FileOptions configures OpenFile. The zero value (or nil) is usable:
// fsync on every append, and a head file beside the log.
type FileOptions struct {
	// Sync is when to fsync. Default: SyncAlways.
	Sync SyncPolicy
	// Interval is the longest time between fsyncs under SyncInterval.
	// Default: 1s.
	Interval time.Duration
	// DisableHead stops writing the head file (HeadPath). Default: false,
	// the head file is written after every append.
	DisableHead bool
}

// HeadPath returns the path of the head file of the log at path: path
// with ".head" appended.
func HeadPath(path string) string { return path + ".head" }

// headSize is the fixed size of a head file: JSON padded with spaces and a
// newline, rewritten in place at offset 0.
const headSize = 128

// FileSink is a Sink that appends JSON lines to a file, and keeps the head
// of the log in a head file beside it. A FileSink is safe for concurrent
// use by multiple goroutines. Only one FileSink at a time may have a given
// file open: on Unix systems OpenFile takes an exclusive flock and fails
// with ErrLocked while another holds it (elsewhere nothing stops a second
// writer). Use audit/pgsink to share a log between processes.
type FileSink struct {
	path string
	opts FileOptions

	mu     sync.Mutex
	f      *os.File
	hf     *os.File // nil when DisableHead
	head   Head
	size   int64
	dirty  bool
	closed bool
	stop   chan struct{}
	done   chan struct{}
	buf    []byte
}

// OpenFile opens the log at path for appending, creating it if needed, and
// locks it (see FileSink; the error wraps ErrLocked when it is taken). An
// existing log continues its chain: its last record is read and checked
// (its hash, and against the head file when there is one). A log whose last
// line is torn, whose last record is altered, or that is shorter than its
// head file says, is not opened: the error is a *VerifyError naming the
// problem, and the file is left as it is.
func OpenFile(path string, opts *FileOptions) (*FileSink, error) {
	s := &FileSink{path: path}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Sync > SyncNever {
		return nil, fmt.Errorf("%w: unknown sync policy %d", ErrInvalidOptions, s.opts.Sync)
	}
	if s.opts.Interval < 0 {
		return nil, fmt.Errorf("%w: negative interval", ErrInvalidOptions)
	}
	if s.opts.Interval == 0 {
		s.opts.Interval = time.Second
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrLocked, path, err)
	}
	s.f = f
	if err := s.readTail(); err != nil {
		f.Close()
		return nil, err
	}
	if !s.opts.DisableHead {
		hp := HeadPath(path)
		h, err := ReadHeadFile(hp)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			f.Close()
			return nil, err
		case h.Seq > s.head.Seq:
			f.Close()
			return nil, &VerifyError{Kind: Truncated, Seq: s.head.Seq + 1, Line: int(s.head.Seq) + 1,
				Msg: fmt.Sprintf("the log ends at record %d but its head file names record %d", s.head.Seq, h.Seq)}
		case h.Seq == s.head.Seq && h.Hash != s.head.Hash:
			f.Close()
			return nil, &VerifyError{Kind: Edited, Seq: h.Seq, Line: int(h.Seq),
				Msg: fmt.Sprintf("record %d has hash %s, not %s as its head file says", h.Seq, s.head.Hash, h.Hash)}
		}
		hf, err := os.OpenFile(hp, os.O_RDWR|os.O_CREATE, 0o640)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("audit: %w", err)
		}
		s.hf = hf
	}
	if s.opts.Sync == SyncInterval {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.syncLoop()
	}
	return s, nil
}

// readTail finds the head of the existing log from its last line.
func (s *FileSink) readTail() error {
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	s.size = st.Size()
	if s.size == 0 {
		return nil
	}
	// Read backwards until the newline before the last line.
	const chunk = 64 << 10
	var tail []byte
	end := s.size
	for {
		start := max(end-chunk, 0)
		b := make([]byte, end-start)
		if _, err := s.f.ReadAt(b, start); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		tail = append(b, tail...)
		if len(tail) > 0 && tail[len(tail)-1] != '\n' {
			return &VerifyError{Kind: Truncated, Msg: "torn last line: the log does not end with a newline"}
		}
		if i := bytes.LastIndexByte(tail[:len(tail)-1], '\n'); i >= 0 {
			tail = tail[i+1:]
			break
		}
		if start == 0 {
			break
		}
		end = start
	}
	r, err := ParseRecord(tail)
	if err != nil {
		return &VerifyError{Kind: Malformed, Msg: "last line: " + strings.TrimPrefix(err.Error(), string(ErrMalformed)+": "), Err: err}
	}
	if err := checkRecord(r, bytes.TrimSuffix(tail, []byte("\n"))); err != nil {
		err.Seq = r.Seq
		return err
	}
	s.head = Head{Seq: r.Seq, Hash: r.Hash}
	return nil
}

// Append implements Sink. The line is written with one write call; when
// that fails, the file is cut back to its earlier size so that no torn line
// stays behind.
func (s *FileSink) Append(ctx context.Context, next func(Head) (Entry, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	e, err := next(s.head)
	if err != nil {
		return err
	}
	s.buf = append(append(s.buf[:0], e.Line...), '\n')
	if _, err := s.f.Write(s.buf); err != nil {
		if terr := s.f.Truncate(s.size); terr != nil {
			err = errors.Join(err, terr)
		}
		return fmt.Errorf("audit: %w", err)
	}
	s.size += int64(len(s.buf))
	s.head = e.Head
	if s.opts.Sync == SyncAlways {
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	if err := s.writeHead(); err != nil {
		return err
	}
	if s.opts.Sync == SyncAlways && s.hf != nil {
		if err := s.hf.Sync(); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	s.dirty = s.opts.Sync == SyncInterval
	return nil
}

// writeHead rewrites the head file in place.
func (s *FileSink) writeHead() error {
	if s.hf == nil {
		return nil
	}
	b, _ := json.Marshal(s.head)
	pad := make([]byte, headSize)
	n := copy(pad, b)
	for i := n; i < headSize-1; i++ {
		pad[i] = ' '
	}
	pad[headSize-1] = '\n'
	if _, err := s.hf.WriteAt(pad, 0); err != nil {
		return fmt.Errorf("audit: head file: %w", err)
	}
	return nil
}

// Head returns the head of the log: the last record's Seq and Hash.
func (s *FileSink) Head() Head {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head
}

// Sync forces the log and its head file to stable storage now.
func (s *FileSink) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.syncLocked()
}

func (s *FileSink) syncLocked() error {
	if s.closed {
		return ErrClosed
	}
	err := s.f.Sync()
	if s.hf != nil {
		err = errors.Join(err, s.hf.Sync())
	}
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	s.dirty = false
	return nil
}

func (s *FileSink) syncLoop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			if s.dirty && !s.closed {
				s.syncLocked() // an error shows again at the next Sync or Close
			}
			s.mu.Unlock()
		}
	}
}

// Close syncs (unless the policy is SyncNever) and closes the files.
func (s *FileSink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	var err error
	if s.opts.Sync != SyncNever {
		err = s.syncLocked()
	}
	s.closed = true
	err = errors.Join(err, s.f.Close())
	if s.hf != nil {
		err = errors.Join(err, s.hf.Close())
	}
	s.mu.Unlock()
	if s.stop != nil {
		close(s.stop)
		<-s.done
	}
	return err
}

// ReadHead decodes a head as a FileSink writes it ({"seq":N,"hash":"…"},
// spaces allowed around it). An error wraps ErrMalformed.
func ReadHead(r io.Reader) (Head, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return Head{}, fmt.Errorf("audit: head: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var h Head
	if err := dec.Decode(&h); err != nil {
		return Head{}, fmt.Errorf("%w: head: %w", ErrMalformed, err)
	}
	if dec.More() {
		return Head{}, fmt.Errorf("%w: head: trailing data", ErrMalformed)
	}
	if h.Seq == 0 && h.Hash != "" || h.Seq > 0 && !isHex64(h.Hash) {
		return Head{}, fmt.Errorf("%w: head: bad hash %q for record %d", ErrMalformed, h.Hash, h.Seq)
	}
	return h, nil
}

// ReadHeadFile reads the head file at path (see ReadHead). An empty file
// is the zero Head.
func ReadHeadFile(path string) (Head, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Head{}, fmt.Errorf("audit: %w", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return Head{}, nil
	}
	return ReadHead(bytes.NewReader(b))
}
