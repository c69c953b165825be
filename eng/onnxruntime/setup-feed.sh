#!/usr/bin/env bash
# Builds the local NuGet feed (.feed/) with ONNX Runtime 1.29.0 under Microsoft's package ids,
# from the pinned npm packages. Idempotent: does nothing when the feed is already complete.
#
#   eng/onnxruntime/setup-feed.sh          CPU: Microsoft.ML.OnnxRuntime.Managed + Microsoft.ML.OnnxRuntime
#   eng/onnxruntime/setup-feed.sh --gpu    also Microsoft.ML.OnnxRuntime.Gpu.Linux + Microsoft.ML.OnnxRuntime.Gpu
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
feed="$root/.feed"
cache="$root/.cache/onnxruntime"
version=1.29.0

# Pinned npm packages and the sha512 integrity npm's registry publishes for them.
cpu_spec="com.github.asus4.onnxruntime@0.4.9"
cpu_integrity="sha512-BkzxduSZ9IkeDP6Q8lz2TFU2ie7hSSvS7ZIfzMooExoq0CNzJnuuGaUJ7IsojBgqO4ouD1jXah8OYyJbCN29Fg=="
gpu_spec="com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9"
gpu_integrity="sha512-FopIhNE/Ng+v2X65wVc9clPCBCvhvA53Hxo2U0Kf5fGdVsC7iCA+mZ0KLWggcQAj7TIZ6pNidR4AC10g74Xo6w=="

want_gpu=false
for arg in "$@"; do
  case "$arg" in
    --gpu) want_gpu=true ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "setup-feed: unknown argument '$arg' (expected --gpu)" >&2; exit 2 ;;
  esac
done

die() { echo "setup-feed: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; $2"; }

# The stamp holds a hash of everything that shapes the packages; a changed recipe rebuilds them.
recipe_hash=$(cat "${BASH_SOURCE[0]}" "$root"/eng/onnxruntime/*/*.csproj "$root"/eng/onnxruntime/*/*.cs "$root"/eng/onnxruntime/Directory.Build.props | sha256sum | cut -c1-16)

feed_complete() { # $1 = cpu|gpu
  local ids
  if [ "$1" = cpu ]; then ids="Microsoft.ML.OnnxRuntime.Managed Microsoft.ML.OnnxRuntime"; else ids="Microsoft.ML.OnnxRuntime.Gpu.Linux Microsoft.ML.OnnxRuntime.Gpu"; fi
  [ "$(cat "$cache/$1.stamp" 2>/dev/null)" = "$recipe_hash" ] || return 1
  for id in $ids; do [ -f "$feed/$id.$version.nupkg" ] || return 1; done
}

# Downloads (npm pack verifies the tarball against the registry's integrity), checks the pinned integrity, unpacks.
fetch_npm() { # $1 = spec, $2 = expected integrity, $3 = dest folder name
  local spec=$1 expected=$2 dest="$cache/$3"
  need npm "install Node.js and npm (Debian: apt-get install nodejs npm)"
  mkdir -p "$cache/download"
  echo "setup-feed: downloading $spec from the npm registry ..."
  local json
  if ! json=$(cd "$cache/download" && npm pack "$spec" --json --loglevel=error 2>"$cache/download/npm-error.log"); then
    die "could not download $spec from the npm registry (npm said: $(tail -n 3 "$cache/download/npm-error.log" | tr '\n' ' '))"
  fi
  local file integrity
  file=$(printf '%s' "$json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s)[0];console.log(j.filename)})')
  integrity=$(printf '%s' "$json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s)[0];console.log(j.integrity)})')
  [ "$integrity" = "$expected" ] || die "$spec has integrity $integrity, expected the pinned $expected"
  # npm reports the integrity it verified; recompute it from the bytes on disk as well.
  local actual="sha512-$(openssl dgst -sha512 -binary "$cache/download/$file" | base64 -w0)"
  [ "$actual" = "$expected" ] || die "$cache/download/$file does not match the pinned integrity $expected (got $actual)"
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xzf "$cache/download/$file" -C "$dest" package/Runtime package/Plugins/Linux package/LICENSE package/ThirdPartyNotices.txt 2>/dev/null \
    || tar -xzf "$cache/download/$file" -C "$dest" package
  rm -f "$cache/download/$file"
}

# A rebuilt package must not be shadowed by an older copy that NuGet restored from this feed before.
forget_restored() { # $@ = package ids (lower case)
  local packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}" id
  for id in "$@"; do
    grep -qs '"source": *"'"$feed" "$packages/$id/$version/.nupkg.metadata" && rm -rf "${packages:?}/$id/$version"
  done
  return 0
}

pack() { # $1 = project folder
  need dotnet "install the .NET SDK 10 (https://dot.net)"
  dotnet pack "$root/eng/onnxruntime/$1" -c Release --nologo -v quiet -p:OrtNpmDir="$cache/cpu/package" -p:OrtGpuNpmDir="$cache/gpu/package" >"$cache/pack-$1.log" 2>&1 \
    || { cat "$cache/pack-$1.log" >&2; die "dotnet pack of eng/onnxruntime/$1 failed"; }
}

mkdir -p "$feed" "$cache"
if feed_complete cpu; then
  echo "setup-feed: ONNX Runtime $version (CPU) is already in .feed/"
else
  [ -f "$cache/cpu/package/Plugins/Linux/x64/libonnxruntime.so" ] || fetch_npm "$cpu_spec" "$cpu_integrity" cpu
  [ -f "$cache/cpu/package/Runtime/InferenceSession.shared.cs" ] || die "$cpu_spec has no Runtime/InferenceSession.shared.cs: not the expected package layout"
  rm -f "$feed"/Microsoft.ML.OnnxRuntime.Managed.* "$feed"/Microsoft.ML.OnnxRuntime.$version.nupkg
  forget_restored microsoft.ml.onnxruntime.managed microsoft.ml.onnxruntime
  pack Managed
  pack Cpu
  echo "$recipe_hash" > "$cache/cpu.stamp"
  echo "setup-feed: built Microsoft.ML.OnnxRuntime.Managed and Microsoft.ML.OnnxRuntime $version into .feed/"
fi

if $want_gpu; then
  if feed_complete gpu; then
    echo "setup-feed: ONNX Runtime $version (GPU) is already in .feed/"
  else
    [ -d "$cache/gpu/package/Plugins/Linux/x64" ] || fetch_npm "$gpu_spec" "$gpu_integrity" gpu
    rm -f "$feed"/Microsoft.ML.OnnxRuntime.Gpu.*
    forget_restored microsoft.ml.onnxruntime.gpu.linux microsoft.ml.onnxruntime.gpu
    pack GpuLinux
    pack Gpu
    echo "$recipe_hash" > "$cache/gpu.stamp"
    echo "setup-feed: built Microsoft.ML.OnnxRuntime.Gpu.Linux and Microsoft.ML.OnnxRuntime.Gpu $version into .feed/"
  fi
fi
