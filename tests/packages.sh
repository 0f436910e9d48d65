#!/usr/bin/env bash
# Packages (issue 29.3): builds the .deb with `cargo deb` and installs it with dpkg on this
# machine (as root, as CI runs), checks what a user of the package gets — `amtoken --version`,
# `man -w amtoken-token`, bash completing `amtoken to<TAB>`, serve's systemd user units — and
# removes it again; builds the .rpm with `cargo generate-rpm` and lists it. Installs cargo-deb,
# cargo-generate-rpm, man-db and bash-completion when missing. Prints one "N passed, N failed".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ $(id -u) != 0 ]]; then
  echo "tests/packages.sh: needs root (dpkg -i); skipped" >&2
  exit 0
fi
missing=()
command -v man >/dev/null || missing+=(man-db)
[[ -f /usr/share/bash-completion/bash_completion ]] || missing+=(bash-completion)
command -v rpm >/dev/null || missing+=(rpm)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's slim images drop man pages on install; the package's own must stay.
if [[ -f /etc/dpkg/dpkg.cfg.d/docker ]] && grep -q 'path-exclude=/usr/share/man' /etc/dpkg/dpkg.cfg.d/docker; then
  echo "tests/packages.sh: dpkg excludes /usr/share/man here; man pages are checked in the package instead" >&2
  man_excluded=1
fi
for tool in cargo-deb:cargo-deb cargo-generate-rpm:cargo-generate-rpm; do
  command -v "${tool%%:*}" >/dev/null || cargo install --locked --quiet "${tool##*:}"
done

passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "tests/packages.sh: FAILED: $what" >&2
  fi
}

cargo deb --quiet --output target/debian/ >/dev/null 2>&1 || cargo deb --output target/debian/
deb=$(ls -t target/debian/amtoken_*.deb | head -1)
check "the .deb lists the binary, man pages, completions and units" bash -c "
  dpkg-deb -c '$deb' | grep -q ' ./usr/bin/amtoken$' &&
  dpkg-deb -c '$deb' | grep -q './usr/share/man/man1/amtoken-token.1' &&
  dpkg-deb -c '$deb' | grep -q './usr/share/bash-completion/completions/amtoken$' &&
  dpkg-deb -c '$deb' | grep -q './usr/share/zsh/vendor-completions/_amtoken$' &&
  dpkg-deb -c '$deb' | grep -q './usr/share/fish/vendor_completions.d/amtoken.fish$' &&
  dpkg-deb -c '$deb' | grep -q './usr/lib/systemd/user/amtoken-serve.socket$' &&
  dpkg-deb -c '$deb' | grep -q './usr/share/doc/amtoken/copyright$'"
dpkg -i "$deb" >/dev/null
check "amtoken --version from /usr/bin" bash -c "/usr/bin/amtoken --version | grep -q '^amtoken '"
if [[ -z ${man_excluded:-} ]]; then
  check "man -w amtoken-token" man -w amtoken-token
fi
check "bash completes amtoken to<TAB>" bash -c '
  source /usr/share/bash-completion/bash_completion
  source /usr/share/bash-completion/completions/amtoken
  COMP_WORDS=(amtoken to); COMP_CWORD=1; COMP_LINE="amtoken to"; COMP_POINT=${#COMP_LINE}
  _amtoken amtoken to amtoken
  [[ " ${COMPREPLY[*]} " == *" token "* ]]'
check "systemd finds the user units" test -f /usr/lib/systemd/user/amtoken-serve.service
dpkg -r amtoken >/dev/null
check "removing the package removes the binary" test ! -e /usr/bin/amtoken

cargo generate-rpm >/dev/null
rpm_file=$(ls -t target/generate-rpm/amtoken-*.rpm | head -1)
check "the .rpm holds the binary and the units" bash -c "
  rpm -qlp '$rpm_file' 2>/dev/null | grep -q '^/usr/bin/amtoken$' &&
  rpm -qlp '$rpm_file' 2>/dev/null | grep -q '^/usr/lib/systemd/user/amtoken-serve.socket$'"

echo "packages: $passed passed, $failed failed"
((failed == 0))
