package commands

import "github.com/aikv/aikv/server/command"

// Pub/Sub: SUBSCRIBE and friends. The subscription state and message
// delivery live in the server (server/pubsub.go); these handlers only
// reply. Subscription confirmations are push frames in RESP3 and arrays
// in RESP2 (Writer.Push).

func registerPubSub(t *command.Table) {
	subFlags := command.PubSub | command.NoScript | command.Loading | command.Stale
	pubFlags := command.PubSub | command.Loading | command.Stale | command.Fast
	slow := []string{"pubsub", "slow"}
	fast := []string{"pubsub", "fast"}
	spec := func(name string, arity int, flags command.Flags, acl []string, since, summary, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: name, Arity: arity, Flags: flags, ACL: acl, Group: "pubsub", Since: since,
			Summary: summary, Complexity: complexity, Handler: h}
	}
	keys := func(s *command.Spec, first, last int) *command.Spec {
		s.FirstKey, s.LastKey, s.Step = first, last, 1
		return s
	}
	sub := func(name string, arity int, flags command.Flags, acl []string, since, summary, complexity string, h command.Handler) *command.Spec {
		return &command.Spec{Name: "pubsub|" + name, Arity: arity, Flags: flags, ACL: acl, Since: since,
			Summary: summary, Complexity: complexity, Handler: h}
	}
	t.Add(
		spec("subscribe", -2, subFlags, slow, "2.0.0", "Listen for messages published to the given channels",
			"O(N) where N is the number of channels to subscribe to.", subscribeCmd(command.SubChannel)),
		spec("unsubscribe", -1, subFlags, slow, "2.0.0", "Stop listening for messages posted to the given channels",
			"O(N) where N is the number of clients already subscribed to a channel.", unsubscribeCmd(command.SubChannel)),
		spec("psubscribe", -2, subFlags, slow, "2.0.0", "Listen for messages published to channels matching the given patterns",
			"O(N) where N is the number of patterns the client is already subscribed to.", subscribeCmd(command.SubPattern)),
		spec("punsubscribe", -1, subFlags, slow, "2.0.0", "Stop listening for messages posted to channels matching the given patterns",
			"O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
			unsubscribeCmd(command.SubPattern)),
		spec("publish", 3, pubFlags, fast, "2.0.0", "Post a message to a channel",
			"O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
			publishCmd(command.SubChannel)),
		keys(spec("ssubscribe", -2, subFlags, slow, "7.0.0", "Listen for messages published to the given shard channels",
			"O(N) where N is the number of shard channels to subscribe to.", subscribeCmd(command.SubShard)), 1, -1),
		keys(spec("sunsubscribe", -1, subFlags, slow, "7.0.0", "Stop listening for messages posted to the given shard channels",
			"O(N) where N is the number of clients already subscribed to a shard channel.", unsubscribeCmd(command.SubShard)), 1, -1),
		keys(spec("spublish", 3, pubFlags, fast, "7.0.0", "Post a message to a shard channel",
			"O(N) where N is the number of clients subscribed to the receiving shard channel.", publishCmd(command.SubShard)), 1, 1),
		&command.Spec{
			Name: "pubsub", Arity: -2, ACL: []string{"slow"}, Group: "pubsub", Since: "2.8.0",
			Summary: "A container for Pub/Sub commands", Complexity: "Depends on subcommand.",
			Subcommands: map[string]*command.Spec{
				"channels": sub("channels", -2, command.PubSub|command.Loading|command.Stale, slow, "2.8.0", "List active channels",
					"O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
					pubsubChannels(command.SubChannel)),
				"numsub": sub("numsub", -2, command.PubSub|command.Loading|command.Stale, slow, "2.8.0", "Get the count of subscribers for channels",
					"O(N) for the NUMSUB subcommand, where N is the number of requested channels", pubsubNumSub(command.SubChannel)),
				"numpat": sub("numpat", 2, command.PubSub|command.Loading|command.Stale, slow, "2.8.0", "Get the count of unique patterns pattern subscriptions",
					"O(1)", func(c *command.Context) { c.W.Int(int64(c.Server.PubSubNumPat())) }),
				"shardchannels": sub("shardchannels", -2, command.PubSub|command.Loading|command.Stale, slow, "7.0.0", "List active shard channels",
					"O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
					pubsubChannels(command.SubShard)),
				"shardnumsub": sub("shardnumsub", -2, command.PubSub|command.Loading|command.Stale, slow, "7.0.0", "Get the count of subscribers for shard channels",
					"O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", pubsubNumSub(command.SubShard)),
				"help": sub("help", 2, command.Loading|command.Stale, []string{"slow"}, "6.2.0", "Show helpful text about the different subcommands",
					"O(1)", pubsubHelp),
			},
		},
	)
}

var subReplyNames = [3][2]string{
	command.SubChannel: {"subscribe", "unsubscribe"},
	command.SubPattern: {"psubscribe", "punsubscribe"},
	command.SubShard:   {"ssubscribe", "sunsubscribe"},
}

// subCount is the count Redis reports after a (un)subscription: channels
// plus patterns, or shard channels alone.
func subCount(cl *command.Client, kind command.PubSubKind) int64 {
	if kind == command.SubShard {
		return int64(cl.Subs[command.SubShard])
	}
	return int64(cl.Subs[command.SubChannel] + cl.Subs[command.SubPattern])
}

func subscribeCmd(kind command.PubSubKind) command.Handler {
	return func(c *command.Context) {
		for _, name := range c.Args[1:] {
			c.Server.Subscribe(c.Client, kind, name)
			c.W.Push(3)
			c.W.BulkString(subReplyNames[kind][0])
			c.W.Bulk(name)
			c.W.Int(subCount(c.Client, kind))
		}
	}
}

func unsubscribeCmd(kind command.PubSubKind) command.Handler {
	return func(c *command.Context) {
		reply := func(name []byte, null bool) {
			c.W.Push(3)
			c.W.BulkString(subReplyNames[kind][1])
			if null {
				c.W.Null()
			} else {
				c.W.Bulk(name)
			}
			c.W.Int(subCount(c.Client, kind))
		}
		if len(c.Args) > 1 {
			for _, name := range c.Args[1:] {
				c.Server.Unsubscribe(c.Client, kind, name)
				reply(name, false)
			}
			return
		}
		names := c.Server.Subscriptions(c.Client, kind)
		if len(names) == 0 {
			reply(nil, true)
			return
		}
		for _, n := range names {
			c.Server.Unsubscribe(c.Client, kind, []byte(n))
			reply([]byte(n), false)
		}
	}
}

func publishCmd(kind command.PubSubKind) command.Handler {
	return func(c *command.Context) {
		c.W.Int(int64(c.Server.Publish(kind, c.Args[1], c.Args[2])))
	}
}

func pubsubChannels(kind command.PubSubKind) command.Handler {
	return func(c *command.Context) {
		var pattern []byte
		switch len(c.Args) {
		case 2:
		case 3:
			pattern = c.Args[2]
		default:
			c.W.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try PUBSUB HELP.")
			return
		}
		chans := c.Server.PubSubChannels(kind, pattern)
		c.W.Array(len(chans))
		for _, ch := range chans {
			c.W.BulkString(ch)
		}
	}
}

func pubsubNumSub(kind command.PubSubKind) command.Handler {
	return func(c *command.Context) {
		c.W.Array(2 * (len(c.Args) - 2))
		for _, ch := range c.Args[2:] {
			c.W.Bulk(ch)
			c.W.Int(int64(c.Server.PubSubNumSub(kind, ch)))
		}
	}
}

func pubsubHelp(c *command.Context) {
	writeHelp(c, "PUBSUB", []string{
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	})
}
