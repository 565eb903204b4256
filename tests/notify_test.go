package tests

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNotifyDifferential runs every testdata/notify/*.txt script on AiKv
// and real Redis with notify-keyspace-events KEAnm while a third connection
// is subscribed to __key*__:*, and compares the notification streams
// (channel and message of every pmessage, in order) and the replies.
// A line "SLEEP <ms>" pauses the script (for expirations). With
// AIKV_NOTIFY_DUMP=dir set, both whole streams are written to dir.
func TestNotifyDifferential(t *testing.T) {
	RunScriptDir(t, "testdata/notify/*.txt", func(t *testing.T, aikv, redis *Handle, f string) {
		lines := parseScript(t, f)
		got := notificationStream(t, aikv, lines)
		want := notificationStream(t, redis, lines)
		if dir := os.Getenv("AIKV_NOTIFY_DUMP"); dir != "" {
			// Whole streams, for diff(1) when a script differs.
			name := strings.TrimSuffix(filepath.Base(f), ".txt")
			_ = os.WriteFile(filepath.Join(dir, name+".aikv"), []byte(strings.Join(got, "\n")+"\n"), 0o644)
			_ = os.WriteFile(filepath.Join(dir, name+".redis"), []byte(strings.Join(want, "\n")+"\n"), 0o644)
		}
		CompareStreams(t, f, got, want, 5)
	})
}

// notificationStream runs lines on h and returns, interleaved in order,
// "> reply" for each command and "channel message" for each
// notification received before the next command's reply.
func notificationStream(t *testing.T, h *Handle, lines []scriptLine) []string {
	t.Helper()
	cmd, sub := h.Raw(t), h.Raw(t)
	cmd.Do("FLUSHALL")
	cmd.Do("SELECT", "9")
	cmd.Do("FLUSHALL")
	cmd.Do("SELECT", "0")
	if r := cmd.Do("CONFIG", "SET", "notify-keyspace-events", "KEAnm"); r.IsError() {
		t.Fatal(r)
	}
	defer cmd.Do("CONFIG", "SET", "notify-keyspace-events", "")
	if r := sub.Do("PSUBSCRIBE", "__key*__:*"); r.IsError() {
		t.Fatal(r)
	}
	var out []string
	// sync publishes a marker and collects notifications up to it: the
	// subscriber then has everything the previous commands emitted.
	n := 0
	sync := func() {
		n++
		marker := "__keyspace@0__:~marker" + strconv.Itoa(n)
		cmd.Do("PUBLISH", marker, "m")
		for {
			r := sub.Read()
			if len(r.Elems) != 4 {
				t.Fatalf("unexpected %s", r)
			}
			if r.Elems[2].Str == marker {
				return
			}
			out = append(out, r.Elems[2].Str+" "+r.Elems[3].Str)
		}
	}
	inMulti := false
	for _, l := range lines {
		if strings.EqualFold(l.args[0], "sleep") {
			ms, _ := strconv.Atoi(l.args[1])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			continue
		}
		r := cmd.Do(l.args...)
		// Inside MULTI the marker would be queued: the transaction's
		// events are collected after EXEC.
		switch strings.ToUpper(l.args[0]) {
		case "MULTI":
			inMulti = true
		case "EXEC", "DISCARD":
			inMulti = false
		}
		if !inMulti {
			sync()
		}
		rs := r.String()
		switch {
		case l.skipReply || l.shapeOnly:
			rs = r.Shape()
		case l.sortReply:
			rs = r.Sorted().String()
		}
		out = append(out, "> "+l.text+" -> "+rs)
	}
	return out
}

// TestNotifyMigrate compares the events of MIGRATE on AiKv and Redis: the
// source sends "keymiss" for a missing key and "del" for each key moved
// (not with COPY); the target sends "restore" (RESTORE ... REPLACE too).
func TestNotifyMigrate(t *testing.T) {
	redisSrc, redisDst := StartRedis(t), StartRedis(t)
	aikvSrc := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	aikvDst := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	run := func(src, dst *Handle) []string {
		cmd := src.Raw(t)
		subs := []*RawConn{src.Raw(t), dst.Raw(t)}
		for i, h := range []*Handle{src, dst} {
			if r := h.Raw(t).Do("CONFIG", "SET", "notify-keyspace-events", "KEAnm"); r.IsError() {
				t.Fatal(r)
			}
			if r := subs[i].Do("PSUBSCRIBE", "__key*__:*"); r.IsError() {
				t.Fatal(r)
			}
		}
		port := strconv.Itoa(dst.Port)
		cmds := [][]string{
			{"SET", "mk", "v"},
			{"RPUSH", "mk2", "a"},
			{"MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "mk", "nomk", "mk2"},
			{"SET", "mk2", "y"},
			{"MIGRATE", "127.0.0.1", port, "mk2", "0", "5000", "REPLACE", "COPY"},
			{"MIGRATE", "127.0.0.1", port, "nomk", "0", "5000"},
		}
		var out []string
		for i, c := range cmds {
			shown := strings.Replace(strings.Join(c, " "), port, "PORT", 1)
			out = append(out, "> "+shown+" -> "+cmd.Do(c...).String())
			// A marker through each server: every event the command
			// caused there comes before it.
			for j, h := range []*Handle{src, dst} {
				marker := "__keyspace@0__:~marker" + strconv.Itoa(i)
				h.Raw(t).Do("PUBLISH", marker, "m")
				for {
					r := subs[j].Read()
					if len(r.Elems) != 4 {
						t.Fatalf("unexpected %s", r)
					}
					if r.Elems[2].Str == marker {
						break
					}
					out = append(out, []string{"src", "dst"}[j]+" "+r.Elems[2].Str+" "+r.Elems[3].Str)
				}
			}
		}
		return out
	}
	want := run(redisSrc, redisDst)
	got := run(aikvSrc, aikvDst)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("MIGRATE events differ:\naikv:\n%s\nredis:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNotifyServedBlocked compares the events of blocked clients served by
// another client's push on AiKv and Redis: the push's own events, then
// those of the pop it serves (and "del" when that empties the key).
func TestNotifyServedBlocked(t *testing.T) {
	redis := StartRedis(t)
	aikv := StartServer(t, Options{Args: []string{"--appendonly", "no"}})
	cases := []struct {
		block []string // run by the blocked client
		push  [][]string
	}{
		{[]string{"BLPOP", "l", "0"}, [][]string{{"RPUSH", "l", "a"}}},
		{[]string{"BRPOP", "l", "0"}, [][]string{{"RPUSH", "l", "a", "b"}}},
		{[]string{"BLMOVE", "l", "d", "LEFT", "RIGHT", "0"}, [][]string{{"LPUSH", "l", "a"}}},
		{[]string{"BLMPOP", "0", "2", "x", "l", "RIGHT", "COUNT", "5"}, [][]string{{"RPUSH", "l", "a", "b"}}},
		{[]string{"BZPOPMIN", "z", "0"}, [][]string{{"ZADD", "z", "1", "a", "2", "b"}}},
		{[]string{"BZMPOP", "0", "1", "z", "MAX", "COUNT", "9"}, [][]string{{"ZADD", "z", "1", "a"}}},
	}
	run := func(h *Handle) []string {
		cmd, blocked, sub := h.Raw(t), h.Raw(t), h.Raw(t)
		if r := cmd.Do("CONFIG", "SET", "notify-keyspace-events", "KEAnm"); r.IsError() {
			t.Fatal(r)
		}
		if r := sub.Do("PSUBSCRIBE", "__keyevent@*"); r.IsError() {
			t.Fatal(r)
		}
		var out []string
		for i, tc := range cases {
			cmd.Do("FLUSHALL")
			blocked.Send(tc.block...)
			// Wait until the server has parked it.
			for deadline := time.Now().Add(30 * time.Second); ; {
				if r := cmd.Do("CLIENT", "LIST"); strings.Count(r.Str, "cmd="+strings.ToLower(tc.block[0])) > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%v never blocked", tc.block)
				}
				time.Sleep(5 * time.Millisecond)
			}
			for _, p := range tc.push {
				out = append(out, "> "+strings.Join(p, " ")+" -> "+cmd.Do(p...).String())
			}
			out = append(out, "blocked got "+blocked.Read().String())
			marker := "__keyevent@0__:~marker" + strconv.Itoa(i)
			cmd.Do("PUBLISH", marker, "m")
			for {
				r := sub.Read()
				if len(r.Elems) != 4 {
					t.Fatalf("unexpected %s", r)
				}
				if r.Elems[2].Str == marker {
					break
				}
				out = append(out, r.Elems[2].Str+" "+r.Elems[3].Str)
			}
		}
		return out
	}
	want, got := run(redis), run(aikv)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events differ:\naikv:\n%s\nredis:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
