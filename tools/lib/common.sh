# Shared by tools/demo.sh and tools/test.sh: Debian package installation and logging.

say() { printf '\n==> %s\n' "$*"; }

# Installs the Debian packages among "$@" that are not installed yet (apt-get, as root or
# through sudo). A warm machine installs nothing and never touches the network.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "error: missing packages (${missing[*]}) and not root; install them or run as root" >&2
      return 1
    fi
  fi
  say "installing ${missing[*]}"
  if [ -z "${EDGERNN_APT_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    export EDGERNN_APT_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# What every host build needs.
HOST_PACKAGES=(cmake ninja-build make g++ libxsimd-dev doctest-dev nlohmann-json3-dev libcli11-dev
               libbenchmark-dev)

jobs() { nproc 2>/dev/null || echo 2; }
