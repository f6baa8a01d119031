# coturn (Debian package): the real TURN server and its turnutils_* clients used by
# tests/integration/turn/coturn-interop.test.ts, tests/e2e/turn-relay.test.ts and tests/bench/turn-bench.ts.
# Debian ships the coturn service disabled (TURNSERVER_ENABLED in /etc/default/coturn), so installing
# it starts nothing; the tests start their own turnserver on a free loopback port.
# stdbuf (coreutils) is used to line-buffer coturn's log; it is always present on Debian.
if ! command -v turnserver >/dev/null 2>&1 || ! command -v turnutils_uclient >/dev/null 2>&1; then
  APT_PACKAGES+=(coturn)
fi
