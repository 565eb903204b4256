package server

import (
	"testing"
	"time"

	"github.com/aikv/aikv/server/command"
)

func TestParseNotifyFlags(t *testing.T) {
	all := command.NotifyGeneric | command.NotifyString | command.NotifyList | command.NotifySet |
		command.NotifyHash | command.NotifyZSet | command.NotifyExpired | command.NotifyEvicted |
		command.NotifyStream | command.NotifyModule
	tests := []struct {
		in   string
		want notifyFlags
	}{
		{"", notifyFlags{}},
		{"AKE", notifyFlags{classes: all, keyspace: true, keyevt: true}},
		{"AnKE", notifyFlags{classes: all | command.NotifyNew, keyspace: true, keyevt: true}},
		{"gxE", notifyFlags{classes: command.NotifyGeneric | command.NotifyExpired, keyevt: true}},
		{"$lKm", notifyFlags{classes: command.NotifyString | command.NotifyList | command.NotifyKeyMiss, keyspace: true}},
	}
	for _, tt := range tests {
		if got := parseNotifyFlags(tt.in); got != tt.want {
			t.Errorf("parseNotifyFlags(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseOutputLimits(t *testing.T) {
	got := parseOutputLimits("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
	want := [2]outputLimit{{}, {hard: 32 << 20, soft: 8 << 20, softTime: 60 * time.Second}}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestAppendPubSubMessage(t *testing.T) {
	tests := []struct {
		push    bool
		kind    string
		pattern []byte
		want    string
	}{
		{false, "message", nil, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n"},
		{true, "message", nil, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n"},
		{false, "pmessage", []byte("c*"), "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$3\r\nmsg\r\n"},
		{true, "smessage", nil, ">3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n"},
	}
	for _, tt := range tests {
		if got := string(appendPubSubMessage(nil, tt.push, tt.kind, tt.pattern, []byte("ch"), []byte("msg"))); got != tt.want {
			t.Errorf("%v %s: got %q, want %q", tt.push, tt.kind, got, tt.want)
		}
	}
}

func TestTrackingFlags(t *testing.T) {
	tests := []struct {
		t    command.Tracking
		want string
	}{
		{command.Tracking{}, ""},
		{command.Tracking{On: true}, "t"},
		{command.Tracking{On: true, BCast: true}, "tB"},
		{command.Tracking{On: true, BrokenRedirect: true}, "tR"},
	}
	for _, tt := range tests {
		if got := trackingFlags(&tt.t); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.t, got, tt.want)
		}
	}
}
