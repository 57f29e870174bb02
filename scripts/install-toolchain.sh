#!/usr/bin/env bash
# Installs what Hearth needs beyond the host Rust toolchain, from Debian's packages, when missing:
#   - the guest toolchain: rustc-web, cargo-web and rust-web-src (rustc with the standard library
#     source, for -Zbuild-std) and lld-22 (rust-lld), used by `hearth build-guest`;
#   - gcc-riscv64-unknown-elf (GNU as/ld for RISC-V) and qemu-user (qemu-riscv64), used by the
#     tests as independent references and by the executor benchmark.
# Safe to run repeatedly: it does nothing when everything is present.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
have /usr/bin/rustc || need+=(rustc-web)
have /usr/bin/cargo || need+=(cargo-web)
[ -f /usr/lib/rustlib/src/rust/library/core/Cargo.toml ] || need+=(rust-web-src)
have rust-lld || need+=(lld-22 rustc-web)
have riscv64-unknown-elf-gcc || need+=(gcc-riscv64-unknown-elf)
have qemu-riscv64 || need+=(qemu-user)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-toolchain: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "install-toolchain: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    rustc-web cargo-web rust-web-src lld-22 gcc-riscv64-unknown-elf qemu-user >/dev/null
fi

# Some revisions of rustc-web ship no `rust-lld`; LLVM's own lld is the same linker (rustc
# passes it `-flavor gnu`), so link it under that name.
if ! have rust-lld; then
  lld=/usr/lib/llvm-22/bin/lld
  [ -x "$lld" ] || { echo "install-toolchain: $lld missing after installing lld-22" >&2; exit 1; }
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo ln -sf "$lld" /usr/local/bin/rust-lld
  echo "install-toolchain: linked /usr/local/bin/rust-lld to $lld" >&2
fi

if ! command -v cargo >/dev/null; then
  echo "install-toolchain: no host cargo found; install Rust with rustup (https://rustup.rs)" >&2
  exit 1
fi
echo "install-toolchain: guest $(/usr/bin/rustc --version), $(qemu-riscv64 --version | head -n1), host $(cargo --version)" >&2
