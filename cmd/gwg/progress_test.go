package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressLog(t *testing.T) {
	// A clock that advances one second per reading.
	var clock time.Time
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	var buf bytes.Buffer
	progress := progressLog(&buf, "AIS", "temperatures", now)
	for done := 1; done <= 100; done++ {
		progress(done, 100)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 10 || strings.Contains(buf.String(), "\r") {
		t.Fatalf("want 10 plain lines, got %d:\n%q", len(lines), buf.String())
	}
	for i, want := range map[int]string{
		0: "AIS: 10% (10/100 temperatures), 1s elapsed, ETA 9s",
		4: "AIS: 50% (50/100 temperatures), 5s elapsed, ETA 5s",
		9: "AIS: 100% (100/100 temperatures), 10s elapsed",
	} {
		if lines[i] != want {
			t.Errorf("line %d = %q, want %q", i, lines[i], want)
		}
	}
}

func TestProgressLogJumps(t *testing.T) {
	// Progress that skips several tenths at once still gives one line per
	// call, and nothing when total is unknown.
	var buf bytes.Buffer
	progress := progressLog(&buf, "x", "steps", time.Now)
	for _, done := range []int{1, 35, 36, 99, 100} {
		progress(done, 100)
	}
	progress(5, 0)
	if n := strings.Count(buf.String(), "\n"); n != 3 {
		t.Errorf("%d lines, want 3 (at 35%%, 99%% and 100%%):\n%s", n, buf.String())
	}
}

func TestEvalProgressNotTerminal(t *testing.T) {
	var buf bytes.Buffer
	if evalProgress(&buf, true, "AIS") != nil {
		t.Error("quiet: want no progress callback")
	}
	progress := evalProgress(&buf, false, "AIS")
	for done := 1; done <= 1000; done++ {
		progress(done, 1000)
	}
	if strings.Contains(buf.String(), "\r") || strings.Count(buf.String(), "\n") != 10 {
		t.Errorf("progress into a buffer: want 10 plain lines, got\n%q", buf.String())
	}
}
