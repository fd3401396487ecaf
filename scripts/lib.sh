# Shared by scripts/run and scripts/test: where caches live and the Python environment.
# Caches live outside the checkout so a fresh clone (as in CI) reuses them.

if [ -n "${ONEWINDOW_CACHE_DIR:-}" ]; then
  OW_CACHE="$ONEWINDOW_CACHE_DIR"
elif [ "$(id -u)" = 0 ]; then
  OW_CACHE=/var/cache/onewindow      # readable by the unprivileged service user
else
  OW_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/onewindow"
fi
export ONEWINDOW_CACHE_DIR="$OW_CACHE"

ow_log() { printf '\033[1m[onewindow]\033[0m %s\n' "$*" >&2; }

# Debian packages the tests need; installed only when missing (root only). Their package scripts
# may not start system services (a temporary policy-rc.d), and on a systemd host their units are
# disabled afterwards: the tests run their own servers (scripts/services) on other ports.
ow_apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    ow_log "please install these Debian packages: ${missing[*]}"
    return 1
  fi
  ow_log "installing Debian packages: ${missing[*]}"
  local rc=0
  (
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\n# scripts/lib.sh: no service starts during the test install\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      trap 'rm -f "$policy"' EXIT
    fi
    # No freshclam daemon, cron job or first download: scripts/services writes its own signatures.
    echo "clamav-freshclam clamav-freshclam/autoupdate_freshclam select manual" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ) || rc=1
  if [ -d /run/systemd/system ]; then
    local units
    units=$(dpkg-query -L "${missing[@]}" 2>/dev/null \
      | grep -E '^(/usr)?/lib/systemd/system/[^/@]+\.(service|socket|timer)$' | xargs -r -n1 basename | sort -u)
    [ -z "$units" ] || systemctl disable --now $units >/dev/null 2>&1 || true
  fi
  return $rc
}

# A virtualenv keyed by the dependency list, so it is rebuilt only when pyproject.toml changes.
ow_venv() {
  local root="$1" extras="$2" py="${PYTHON:-python3}"
  local key
  key=$( { cat "$root/pyproject.toml"; echo "$extras"; "$py" --version; } | sha256sum | cut -c1-16)
  OW_VENV="$OW_CACHE/venv-$key"
  if [ ! -x "$OW_VENV/bin/python" ] || [ ! -f "$OW_VENV/.complete" ]; then
    ow_log "creating the Python environment in $OW_VENV (first run only)"
    rm -rf "$OW_VENV"
    "$py" -m venv "$OW_VENV"
    "$OW_VENV/bin/pip" install -q --upgrade pip
    "$OW_VENV/bin/pip" install -q "$root[$extras]"
    "$OW_VENV/bin/pip" uninstall -q -y onewindow
    touch "$OW_VENV/.complete"
  fi
  # The package itself is always this checkout's code (cheap: an editable link, no dependencies).
  "$OW_VENV/bin/pip" install -q --no-deps --no-build-isolation -e "$root" 2>/dev/null \
    || "$OW_VENV/bin/pip" install -q --no-deps -e "$root"
  ow_native "$root" "$OW_VENV"
  export PATH="$OW_VENV/bin:$PATH"
}

# The native tokeniser (indexers/native, Rust, built by maturin) installed into a virtualenv.
# Its wheel is cached in $OW_CACHE/wheels under a hash of the crate's sources, so cargo runs
# only when they change. Without cargo (PATH or ~/.cargo/bin) the tokeniser runs in Python,
# several times slower; under CI=true tests/indexers/test_tokenize_native.py then fails.
ow_native() {
  local root="$1" venv="$2" src="$1/indexers/native" key wheels cargo
  key=$(cd "$src" && find . -path ./target -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
  [ -f "$venv/.native-$key" ] && return 0
  wheels="$OW_CACHE/wheels/onewindow-native-$key"
  if ! ls "$wheels"/*.whl >/dev/null 2>&1; then
    cargo=$(command -v cargo || true)
    if [ -z "$cargo" ] && [ -x "$HOME/.cargo/bin/cargo" ]; then cargo="$HOME/.cargo/bin/cargo"; fi
    if [ -z "$cargo" ]; then
      ow_log "cargo not found (PATH, ~/.cargo/bin): the tokeniser runs in Python, several times slower (install Rust to build indexers/native)"
      return 0
    fi
    ow_log "building the native tokeniser (indexers/native) with $cargo (once per change of its sources)"
    rm -rf "$wheels.tmp"
    if ! "$venv/bin/pip" install -q "maturin>=1.5,<2" \
      || ! PATH="$(dirname "$cargo"):$PATH" CARGO_TARGET_DIR="$OW_CACHE/cargo-target" \
        "$venv/bin/maturin" build --release --quiet -i "$venv/bin/python" -m "$src/Cargo.toml" -o "$wheels.tmp"; then
      ow_log "building the native tokeniser failed: the tokeniser runs in Python"
      rm -rf "$wheels.tmp"
      return 0
    fi
    mkdir -p "$(dirname "$wheels")" && mv "$wheels.tmp" "$wheels"
  fi
  "$venv/bin/pip" install -q --force-reinstall --no-deps "$wheels"/*.whl || return 0
  rm -f "$venv"/.native-*
  touch "$venv/.native-$key"
}
