# The README's nginx samples run for real, with a certificate made by openssl: the TLS proxy
# (tests/e2e/tls-proxy.test.ts) and the sticky sessions in front of two signaling processes
# (tests/integration/signaling/sticky-sessions.test.ts). Debian's nginx service is never used:
# each test runs its own nginx on a free loopback port in a temporary directory (tests/support/nginx.ts).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || APT_PACKAGES+=(nginx)
command -v openssl >/dev/null 2>&1 || APT_PACKAGES+=(openssl)
