# The real-NAT test (tests/e2e/nat/): network namespaces and veth pairs (iproute2's `ip`) and the
# NAT rules of the lab's router (iptables; Debian 12's is iptables-nft). Sourced by .ci/run.
command -v ip >/dev/null 2>&1 || APT_PACKAGES+=(iproute2)
command -v iptables >/dev/null 2>&1 || APT_PACKAGES+=(iptables)
