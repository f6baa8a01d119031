# The README TLS-proxy test runs its nginx sample with a certificate made by openssl.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || APT_PACKAGES+=(nginx)
command -v openssl >/dev/null 2>&1 || APT_PACKAGES+=(openssl)
