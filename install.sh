#!/bin/sh
# Installs tickd from a release, after checking it against the release's SHA256SUMS.
#
#   sh install.sh [--prefix DIR] [--no-user] [--platform NAME] [SOURCE]
#
# SOURCE is a release folder (holding SHA256SUMS and tickd-<version>-<platform>),
# one release file (SHA256SUMS beside it), or an http(s) URL of either; by
# default the folder this script is in. From a folder or URL, the file for this
# machine is picked: linux-x64 or linux-arm64, -musl on musl systems (Alpine).
#
# --prefix DIR   install DIR/bin/tickd and DIR/share/tickd/tickd.d.ts (default /usr/local)
# --no-user      do not create the tickd system user (only done when run as root)
# --platform P   install the build for P (linux-x64, linux-arm64, linux-x64-musl,
#                linux-arm64-musl) instead of this machine's, e.g. into an image's root
#
# Exit status: 0 installed; 1 the checksum or download failed (nothing is
# changed); 2 bad usage or no release for this machine.
set -eu

prefix=/usr/local
create_user=yes
source=
platform=

usage() {
  sed -n '2,17s/^# \{0,1\}//p' "$0"
}

die() {
  # $1: exit status, then the message
  status=$1
  shift
  echo "install.sh: $*" >&2
  exit "$status"
}

while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die 2 "--prefix needs a folder"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-user) create_user=no; shift ;;
    --platform) [ $# -ge 2 ] || die 2 "--platform needs a name"; platform=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) die 2 "unknown option $1; see install.sh --help" ;;
    *) [ -z "$source" ] || die 2 "one SOURCE only (got $source and $1)"; source=$1; shift ;;
  esac
done
[ -n "$source" ] || source=$(cd "$(dirname "$0")" && pwd)

# This machine's platform, as release files name it.
machine=
if [ "$(uname -s)" = Linux ]; then
  case $(uname -m) in
    x86_64|amd64) machine=linux-x64 ;;
    aarch64|arm64) machine=linux-arm64 ;;
  esac
  if [ -n "$machine" ] && (ldd --version 2>&1 || true) | grep -qi musl; then machine=$machine-musl; fi
fi
case ${platform:=$machine} in
  linux-x64|linux-arm64|linux-x64-musl|linux-arm64-musl) ;;
  "") die 2 "no release is built for $(uname -s) $(uname -m); build from a clone (make build), or give --platform" ;;
  *) die 2 "--platform: $platform is not one of linux-x64, linux-arm64, linux-x64-musl, linux-arm64-musl" ;;
esac

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else die 1 "neither sha256sum nor shasum is installed: cannot check the release"
  fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/tickd-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

fetch() {
  # $1: URL, $2: file to write
  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"
  else die 1 "neither curl nor wget is installed: cannot download $1"
  fi
}

# The release file for this platform named in a SHA256SUMS (one release's, so one
# version; the last line if several). No sort -V: BusyBox (Alpine) lacks it.
pick() {
  sed -n "s/^[0-9a-f]\{64\}  \(tickd-[0-9][^ ]*-$platform\)\$/\1/p" "$1" | tail -n 1
}

# Resolve SOURCE to: sums (a local SHA256SUMS), name (the file's name in it), file (a local copy).
case $source in
  http://*|https://*)
    case ${source##*/} in
      tickd-*) base=${source%/*}; name=${source##*/} ;;
      *) base=${source%/}; name= ;;
    esac
    sums=$work/SHA256SUMS
    fetch "$base/SHA256SUMS" "$sums" || die 1 "could not download $base/SHA256SUMS"
    [ -n "$name" ] || name=$(pick "$sums")
    [ -n "$name" ] || die 2 "$base/SHA256SUMS names no tickd for $platform"
    file=$work/$name
    echo "downloading $base/$name"
    fetch "$base/$name" "$file" || die 1 "could not download $base/$name"
    if grep -q '  tickd\.d\.ts$' "$sums"; then fetch "$base/tickd.d.ts" "$work/tickd.d.ts" 2>/dev/null || true; fi
    types=$work/tickd.d.ts
    ;;
  *)
    if [ -d "$source" ]; then
      dir=$source
      sums=$dir/SHA256SUMS
      [ -f "$sums" ] || die 2 "$source has no SHA256SUMS: is it a release folder (make release writes one into dist/)?"
      name=$(pick "$sums")
      [ -n "$name" ] || die 2 "$sums names no tickd for $platform"
    elif [ -f "$source" ]; then
      dir=$(dirname "$source")
      name=$(basename "$source")
      sums=$dir/SHA256SUMS
      [ -f "$sums" ] || die 2 "no SHA256SUMS beside $source: download it from the same release"
    else
      die 2 "$source: no such file or folder"
    fi
    file=$dir/$name
    types=$dir/tickd.d.ts
    ;;
esac

# The checksum, before anything is put in place.
expected=$(sed -n "s/^\([0-9a-f]\{64\}\)  $name\$/\1/p" "$sums" | head -n 1)
[ -n "$expected" ] || die 1 "SHA256SUMS has no line for $name; not installed"
actual=$(sha256 "$file")
[ "$actual" = "$expected" ] || die 1 "$name does not match SHA256SUMS (expected $expected, got $actual): a broken download or a changed file; not installed"
case $name in
  *-"$platform") ;;
  *) die 2 "$name is not the build for $platform; pick tickd-<version>-$platform, or give --platform" ;;
esac

# Put in place: copied beside the old one, then renamed over it, so a running
# tickd keeps its file and nothing ever sees half a binary.
bindir=$prefix/bin
mkdir -p "$bindir" || die 1 "cannot create $bindir (run as root, or give --prefix)"
cp "$file" "$bindir/.tickd.new.$$" || die 1 "cannot write to $bindir (run as root, or give --prefix)"
chmod 755 "$bindir/.tickd.new.$$"
mv -f "$bindir/.tickd.new.$$" "$bindir/tickd"
if [ "$platform" = "$machine" ]; then
  version=$("$bindir/tickd" --version) || die 1 "$bindir/tickd was installed but does not run here"
  echo "installed $bindir/tickd: $version"
else
  echo "installed $bindir/tickd ($name, for $platform)"
fi

# The SDK's types, for editors (README: Callbacks), when the release has them and they check out.
if [ -f "$types" ]; then
  want=$(sed -n 's/^\([0-9a-f]\{64\}\)  tickd\.d\.ts$/\1/p' "$sums" | head -n 1)
  if [ -n "$want" ] && [ "$(sha256 "$types")" = "$want" ]; then
    mkdir -p "$prefix/share/tickd"
    cp "$types" "$prefix/share/tickd/tickd.d.ts"
    echo "installed $prefix/share/tickd/tickd.d.ts (tsconfig paths: \"tickd\": [\"$prefix/share/tickd/tickd.d.ts\"])"
  else
    echo "install.sh: tickd.d.ts does not match SHA256SUMS; left out" >&2
  fi
fi

# The tickd system user, for running the service unprivileged outside systemd
# (export-systemd's unit needs none: DynamicUser=yes).
if [ "$create_user" = no ]; then
  echo "no tickd user created (--no-user)"
elif [ "$(id -u)" -ne 0 ]; then
  echo "not root: no tickd user created (as root: useradd --system --user-group --home-dir /var/lib/tickd --shell /usr/sbin/nologin tickd)"
elif id tickd >/dev/null 2>&1; then
  echo "the tickd user exists"
elif command -v useradd >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/tickd --create-home --shell /usr/sbin/nologin tickd
  echo "created the system user tickd (home /var/lib/tickd)"
elif command -v adduser >/dev/null 2>&1; then
  # BusyBox (Alpine)
  addgroup -S tickd 2>/dev/null || true
  adduser -S -D -h /var/lib/tickd -s /sbin/nologin -G tickd tickd
  echo "created the system user tickd (home /var/lib/tickd)"
else
  echo "install.sh: neither useradd nor adduser is installed; create a tickd user yourself" >&2
fi
