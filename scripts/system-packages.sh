#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when missing and when we can.
# Where we cannot (not root, no apt-get), say which tests will be skipped; under CI
# the suite itself fails on a missing one, since nothing may be skipped there.
set -u
needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v redis-server >/dev/null 2>&1 || needed+=(redis-server)
# dnsmasq-base: the dnsmasq binary alone (the `dnsmasq` package adds a system service on
# port 53 the tests do not want); it lives in /usr/sbin, off a normal user's PATH.
{ command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ]; } || needed+=(dnsmasq-base)
# tests/test_libreoffice.py: an export imported into Calc with formula evaluation on.
# 94 MB of packages (to download on a cold cache), 299 MB on disk; 22 s to install
# with the archives cached (measured, issue 25); the test takes ~7 s.
command -v soffice >/dev/null 2>&1 || needed+=(libreoffice-calc-nogui)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${needed[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null \
    || echo "warning: could not install ${needed[*]}; tests that need them will be skipped"
else
  echo "warning: not root or no apt-get: ${needed[*]} missing; tests that need them will be skipped"
fi
exit 0
