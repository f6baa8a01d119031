# redis-server (Debian package): the real Redis behind the multi-process signaling tests
# (tests/integration/signaling/redis-*.test.ts and sticky-sessions.test.ts, tests/integration/server/cli.test.ts
# and tests/integration/inspector/hub.test.ts). Where services run, Debian starts one on
# 127.0.0.1:6379 when it installs the package; the tests never use it: each starts its own
# redis-server on a free loopback port, without persistence, in a temporary directory
# (tests/support/redis-server.ts). Sourced by .ci/run.
command -v redis-server >/dev/null 2>&1 || APT_PACKAGES+=(redis-server)
