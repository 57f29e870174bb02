//! Finding the guest toolchain: Debian's rustc with the standard library source, and rust-lld.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// What to install when the toolchain is missing.
pub const INSTALL_HINT: &str = "run scripts/install-toolchain.sh, which installs Debian's \
     rustc-web, cargo-web, rust-web-src and lld-22 (or set HEARTH_GUEST_RUSTC / HEARTH_GUEST_CARGO \
     to a rustc and cargo that have the standard library source)";

/// The guest toolchain is missing or unusable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolchainError {
    /// A required program was not found.
    #[error("guest toolchain: {what} not found at {path}; {INSTALL_HINT}")]
    Missing {
        /// Which part.
        what: &'static str,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// A program exists but did not run.
    #[error("guest toolchain: `{program} --version` failed: {reason}; {INSTALL_HINT}")]
    Broken {
        /// The program.
        program: PathBuf,
        /// What happened.
        reason: String,
    },
}

/// The programs a guest build uses.
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// `cargo`.
    pub cargo: PathBuf,
    /// `rustc` with `rust-src` installed.
    pub rustc: PathBuf,
    /// Root of the standard library source (`.../library` lives below it).
    pub rust_src: PathBuf,
    /// `rustc --version`.
    pub version: String,
}

impl Toolchain {
    /// Finds the toolchain (Debian's paths unless overridden by `HEARTH_GUEST_RUSTC` and
    /// `HEARTH_GUEST_CARGO`) and checks that it runs and has the standard library source.
    pub fn detect() -> Result<Self, ToolchainError> {
        let rustc = std::env::var_os("HEARTH_GUEST_RUSTC")
            .map_or_else(|| PathBuf::from("/usr/bin/rustc"), PathBuf::from);
        let cargo = std::env::var_os("HEARTH_GUEST_CARGO")
            .map_or_else(|| PathBuf::from("/usr/bin/cargo"), PathBuf::from);
        for (what, path) in [("rustc", &rustc), ("cargo", &cargo)] {
            if !path.is_file() {
                return Err(ToolchainError::Missing { what, path: path.clone() });
            }
        }
        let version = version_of(&rustc)?;
        version_of(&cargo)?;
        let sysroot = Command::new(&rustc)
            .args(["--print", "sysroot"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            .ok_or_else(|| ToolchainError::Broken { program: rustc.clone(), reason: "no sysroot".into() })?;
        let rust_src = sysroot.join("lib/rustlib/src/rust");
        if !rust_src.join("library/core/Cargo.toml").is_file() {
            return Err(ToolchainError::Missing {
                what: "the standard library source (rust-src)",
                path: rust_src,
            });
        }
        if !in_path("rust-lld") {
            return Err(ToolchainError::Missing { what: "rust-lld", path: PathBuf::from("$PATH") });
        }
        Ok(Self { cargo, rustc, rust_src, version })
    }
}

fn version_of(program: &Path) -> Result<String, ToolchainError> {
    let broken = |reason: String| ToolchainError::Broken { program: program.to_path_buf(), reason };
    let output = Command::new(program).arg("--version").output().map_err(|e| broken(e.to_string()))?;
    if !output.status.success() {
        return Err(broken(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn in_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The cargo home (where registry sources are unpacked), if it can be determined.
pub(crate) fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .and_then(|p| p.canonicalize().ok())
}
