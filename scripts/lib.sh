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

# Debian packages the tests need; installed only when missing (root only).
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
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
  export PATH="$OW_VENV/bin:$PATH"
}
