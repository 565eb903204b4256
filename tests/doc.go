// Package tests holds AiKv's end-to-end tests: they build the real
// aikv-server binary, start it on a free loopback port and talk to it with
// go-redis and with raw RESP bytes. Differential tests run the scripts in
// testdata/*.txt against both AiKv and a real redis-server and compare
// every reply byte for byte; they skip (saying so) when redis-server is not
// installed.
package tests
