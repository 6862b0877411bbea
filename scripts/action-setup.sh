#!/usr/bin/env bash
# The set-up step of perfsite's actions (action.yml, comment/action.yml). It finds a Node that runs perfsite
# (22.18 or newer) without touching the job's PATH, so the job's later steps run on the Node they had: the
# job's own when it is new enough, else the newest in the runner's tool cache, else the Node of .nvmrc
# downloaded (checksum verified) into the tool cache in actions/setup-node's layout, where later jobs find it.
# It writes to $GITHUB_OUTPUT:
#   node      the Node to run perfsite with
#   compiled  true when the action's files carry compiled/ (a packed perfsite, a release): its commands are
#             bundled and need no npm package but DuckDB's; false for a plain commit of the repository
#   key       what its installed dependencies depend on, for actions/cache
set -euo pipefail

action_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

new_enough() {
  "$1" -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 22 || (major === 22 && minor >= 18) ? 0 : 1)' 2>/dev/null
}

case "$(uname -s)" in
  Linux) platform=linux ;;
  Darwin) platform=darwin ;;
  *) platform="" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch="$(uname -m)" ;;
esac

node=""
if command -v node >/dev/null && new_enough "$(command -v node)"; then
  node="$(command -v node)"
else
  cache="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/node"
  while read -r version; do
    if [ -n "$version" ] && [ -x "$cache/$version/$arch/bin/node" ] && new_enough "$cache/$version/$arch/bin/node"; then
      node="$cache/$version/$arch/bin/node"
      break
    fi
  done < <(ls "$cache" 2>/dev/null | sort -V -r)
fi

if [ -z "$node" ]; then
  if [ -z "$platform" ]; then
    echo "::error::perfsite needs Node 22.18 or newer, and this runner's node is $(node --version 2>/dev/null || echo missing): add actions/setup-node with node-version 24 before perfsite's step" >&2
    exit 1
  fi
  major="$(tr -d '[:space:]v' < "$action_dir/.nvmrc")"
  # NODEJS_ORG_MIRROR, as node-gyp and nvm read it: a runner that reaches nodejs.org through a mirror.
  index="${NODEJS_ORG_MIRROR:-https://nodejs.org/dist}/latest-v${major}.x"
  sums="$(curl -fsSL --retry 3 "$index/SHASUMS256.txt")"
  tarball="$(awk -v name="-$platform-$arch.tar.xz" 'index($2, name) && $2 ~ /^node-v[0-9.]+-/ { print $2 }' <<< "$sums")"
  if [ -z "$tarball" ]; then
    echo "::error::nodejs.org has no Node $major for $platform-$arch: add actions/setup-node with node-version 24 before perfsite's step" >&2
    exit 1
  fi
  version="${tarball#node-v}"
  version="${version%%-*}"
  download="$(mktemp -d)"
  trap 'rm -rf "$download"' EXIT
  curl -fsSL --retry 3 "$index/$tarball" -o "$download/$tarball"
  checksum="$(command -v sha256sum || echo 'shasum -a 256')"
  (cd "$download" && grep " $tarball\$" <<< "$sums" | $checksum -c --quiet -)
  mkdir -p "$cache/$version/$arch"
  tar -xJf "$download/$tarball" -C "$cache/$version/$arch" --strip-components=1
  touch "$cache/$version/$arch.complete"
  node="$cache/$version/$arch/bin/node"
  echo "perfsite: Node $version downloaded into the tool cache (the job's PATH is unchanged)"
fi

if [ -d "$action_dir/compiled/commands" ]; then compiled=true; else compiled=false; fi
# The dependencies and, for a plain commit, the sources compiled/ is made from.
digest="$("$node" -e '
const fs = require("node:fs"), path = require("node:path"), hash = require("node:crypto").createHash("sha256");
const [dir, ...names] = process.argv.slice(1);
for (const name of names) {
  const full = path.join(dir, name);
  const files = fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()
    ? fs.readdirSync(full, { recursive: true }).map((file) => path.join(name, file)).sort()
    : [name];
  for (const file of files) {
    if (!fs.statSync(path.join(dir, file), { throwIfNoEntry: false })?.isFile()) continue;
    hash.update(`${file}\0`).update(fs.readFileSync(path.join(dir, file)));
  }
}
process.stdout.write(hash.digest("hex").slice(0, 16));
' "$action_dir" package-lock.json package.json src scripts bench bin public astro.config.mjs tsconfig.json)"
key="perfsite-$platform-$arch-node$("$node" -p 'process.versions.modules')-$compiled-$digest"

echo "perfsite runs on Node $("$node" --version) ($node)"
{
  echo "node=$node"
  echo "compiled=$compiled"
  echo "key=$key"
} >> "$GITHUB_OUTPUT"
