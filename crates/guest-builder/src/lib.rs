//! Builds guest programs: Rust crates compiled for Hearth's RV64IM target.
//!
//! The target is RV64IM with the LP64 soft-float ABI, machine mode and flat memory (the
//! zkvm-standards `riscv64im_zicclsm-unknown-none-elf`). It is described by a target spec
//! (`riscv64im-hearth-zkvm-elf.json`) rather than rustc's built-in `riscv64im-unknown-none-elf`
//! because the built-in one has no compare-and-swap, so `alloc::sync::Arc` (and with it most of
//! the crates an Ethereum guest needs) would not compile; ours lowers atomics to libcalls that the
//! guest runtime implements for a single hart.
//!
//! `core` and `alloc` are compiled from source (`-Zbuild-std`) by Debian's rustc, which ships the
//! standard library source (`rust-web-src`); `scripts/install-toolchain.sh` installs it.
//!
//! Builds are reproducible: the codegen settings are fixed here ([`PROFILE_SETTINGS`], passed to
//! cargo as configuration, which takes precedence over any manifest), and every host path that
//! could end up in the binary (the sources, the cargo registry, the standard library source, the
//! target directory) is remapped to a fixed prefix. Cargo derives symbol-name hashes from a path
//! package's location relative to its workspace root, so a guest's path dependencies must live
//! inside its workspace (Hearth's own guests are members of the root workspace for that reason).
//! Then the same source built in any directory gives a byte-identical ELF.

mod toolchain;

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

use serde::Deserialize;
pub use toolchain::{Toolchain, ToolchainError};

/// Name of the guest target (the target spec's file stem).
pub const TARGET_NAME: &str = "riscv64im-hearth-zkvm-elf";
/// The target spec.
pub const TARGET_SPEC: &str = include_str!("riscv64im-hearth-zkvm-elf.json");

/// Release-profile settings every guest is built with, whatever its manifest says.
pub const PROFILE_SETTINGS: &[(&str, &str)] = &[
    ("opt-level", "3"),
    ("lto", "\"fat\""),
    ("codegen-units", "1"),
    ("panic", "\"abort\""),
    ("debug", "false"),
    ("strip", "false"),
    ("incremental", "false"),
    ("overflow-checks", "false"),
    ("debug-assertions", "false"),
];

/// Why a guest could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The guest toolchain is missing or unusable.
    #[error(transparent)]
    Toolchain(#[from] ToolchainError),
    /// No `Cargo.toml` at the given path.
    #[error("no Cargo.toml in {0}")]
    NotACrate(PathBuf),
    /// `cargo metadata` failed.
    #[error("cannot read the guest's cargo metadata: {0}")]
    Metadata(String),
    /// No binary target matched.
    #[error("{0} has no binary target{1}")]
    NoBinaries(PathBuf, String),
    /// The build itself failed (compiler errors are on stderr).
    #[error("guest build failed (cargo exited with {0})")]
    Cargo(std::process::ExitStatus),
    /// The RISC-V assembler or linker rejected a program (its stderr).
    #[error("assembling failed: {0}")]
    Assembler(String),
    /// Filesystem error.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

fn io_error(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BuildError {
    let context = context.into();
    move |source| BuildError::Io { context, source }
}

/// Assembles and links RISC-V assembly `source` (entry `_start`, text at the program base
/// `0x0100_0000`, no relaxation) with Debian's gcc-riscv64-unknown-elf into
/// `dir/program.elf`, for programs written in assembly (tests, benchmarks); `extra` adds gcc
/// arguments.
pub fn assemble(dir: &Path, source: &str, extra: &[&str]) -> Result<PathBuf, BuildError> {
    let s = dir.join("program.s");
    let elf = dir.join("program.elf");
    std::fs::write(&s, source).map_err(io_error(format!("cannot write {}", s.display())))?;
    let out = Command::new("riscv64-unknown-elf-gcc")
        .args(["-march=rv64im", "-mabi=lp64", "-nostdlib", "-nostartfiles", "-static", "-mno-relax"])
        .args(["-Wl,-Ttext=0x1000000", "-Wl,--no-relax"])
        .args(extra)
        .arg("-o")
        .arg(&elf)
        .arg(&s)
        .output()
        .map_err(io_error("cannot run riscv64-unknown-elf-gcc (scripts/install-toolchain.sh installs it)"))?;
    if !out.status.success() {
        return Err(BuildError::Assembler(String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    Ok(elf)
}

/// What to build and where.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Cargo target directory; defaults to `<workspace>/target/guest`.
    pub target_dir: Option<PathBuf>,
    /// Binaries to build; all binaries of the crate when empty.
    pub bins: Vec<String>,
    /// Pass `--locked` (the lock file must be up to date).
    pub locked: bool,
    /// Suppress cargo's progress output.
    pub quiet: bool,
}

/// One built guest ELF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltGuest {
    /// Binary target name.
    pub name: String,
    /// Path of the ELF.
    pub elf: PathBuf,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    manifest_path: PathBuf,
    source: Option<String>,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

/// Builds the binaries of the guest crate at `crate_dir` (in release mode) and returns their ELFs.
pub fn build_guest(crate_dir: &Path, options: &BuildOptions) -> Result<Vec<BuiltGuest>, BuildError> {
    let toolchain = Toolchain::detect()?;
    let crate_dir =
        crate_dir.canonicalize().map_err(io_error(format!("cannot open {}", crate_dir.display())))?;
    let manifest = crate_dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NotACrate(crate_dir));
    }
    let metadata = cargo_metadata(&toolchain, &manifest)?;
    let package = metadata.packages.iter().find(|p| p.manifest_path == manifest).ok_or_else(|| {
        BuildError::Metadata(format!("{} is a workspace, not a package", manifest.display()))
    })?;
    let all_bins: Vec<&str> = package
        .targets
        .iter()
        .filter(|t| t.kind.iter().any(|k| k == "bin"))
        .map(|t| t.name.as_str())
        .collect();
    let bins: Vec<String> = if options.bins.is_empty() {
        all_bins.iter().map(|s| s.to_string()).collect()
    } else {
        options.bins.clone()
    };
    if let Some(missing) = bins.iter().find(|b| !all_bins.contains(&b.as_str())) {
        return Err(BuildError::NoBinaries(
            crate_dir,
            format!(" named `{missing}` (it has: {})", all_bins.join(", ")),
        ));
    }
    if bins.is_empty() {
        return Err(BuildError::NoBinaries(crate_dir, String::new()));
    }
    let target_dir = options.target_dir.clone().unwrap_or_else(|| metadata.target_directory.join("guest"));
    std::fs::create_dir_all(&target_dir)
        .map_err(io_error(format!("cannot create {}", target_dir.display())))?;
    let target_dir = target_dir.canonicalize().map_err(io_error("cannot resolve the target directory"))?;

    // The target spec is looked up by name through RUST_TARGET_PATH, so no host path reaches the
    // compiler's command line except through the remappings below.
    let spec_dir = target_dir.join("hearth-target-spec");
    std::fs::create_dir_all(&spec_dir).map_err(io_error("cannot create the target spec directory"))?;
    let spec = spec_dir.join(format!("{TARGET_NAME}.json"));
    if std::fs::read_to_string(&spec).ok().as_deref() != Some(TARGET_SPEC) {
        std::fs::write(&spec, TARGET_SPEC).map_err(io_error("cannot write the target spec"))?;
    }

    let sources: Vec<&Path> = metadata
        .packages
        .iter()
        .filter(|p| p.source.is_none())
        .filter_map(|p| p.manifest_path.parent())
        .chain([metadata.workspace_root.as_path()])
        .collect();
    let rustflags = rustflags(&toolchain, &common_ancestor(&sources), &target_dir);

    let mut cmd = Command::new(&toolchain.cargo);
    cmd.current_dir(&crate_dir)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("RUSTC", &toolchain.rustc)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUST_TARGET_PATH", &spec_dir)
        .env("CARGO_ENCODED_RUSTFLAGS", rustflags.join("\x1f"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .args(["build", "--release", "--target", TARGET_NAME]);
    for (key, value) in PROFILE_SETTINGS {
        cmd.arg("--config").arg(format!("profile.release.{key}={value}"));
    }
    cmd.args(["-Zbuild-std=core,alloc", "-Zbuild-std-features=compiler-builtins-mem", "-Zjson-target-spec"])
        .arg("--manifest-path")
        .arg(&manifest);
    for bin in &bins {
        cmd.args(["--bin", bin]);
    }
    if options.locked {
        cmd.arg("--locked");
    }
    if options.quiet {
        cmd.arg("--quiet");
    }
    tracing::debug!(?cmd, "building guest");
    let status = cmd.status().map_err(io_error(format!("cannot run {}", toolchain.cargo.display())))?;
    if !status.success() {
        return Err(BuildError::Cargo(status));
    }
    let out_dir = target_dir.join(TARGET_NAME).join("release");
    Ok(bins.into_iter().map(|name| BuiltGuest { elf: out_dir.join(&name), name }).collect())
}

fn cargo_metadata(toolchain: &Toolchain, manifest: &Path) -> Result<Metadata, BuildError> {
    // The full graph (not `--no-deps`): path dependencies outside the guest's workspace, such as
    // `crates/isa`, must be remapped too.
    let output = Command::new(&toolchain.cargo)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("RUSTC", &toolchain.rustc)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest)
        .output()
        .map_err(io_error(format!("cannot run {}", toolchain.cargo.display())))?;
    if !output.status.success() {
        return Err(BuildError::Metadata(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| BuildError::Metadata(e.to_string()))
}

/// Compiler flags: the linker script, and path remappings from the most general prefix to the
/// most specific (rustc applies the last one that matches).
fn rustflags(toolchain: &Toolchain, sources: &Path, target_dir: &Path) -> Vec<String> {
    // `-Zunstable-options` lets rustc load a custom target spec by name.
    let mut flags = vec![
        "-Zunstable-options".to_string(),
        "-Clink-arg=-Thearth.ld".to_string(),
        "-Clink-arg=--build-id=none".to_string(),
    ];
    let mut remaps: Vec<(OsString, &str)> = vec![(sources.as_os_str().to_owned(), "/src")];
    if let Some(cargo_home) = toolchain::cargo_home() {
        remaps.push((cargo_home.into_os_string(), "/cargo"));
    }
    remaps.push((toolchain.rust_src.as_os_str().to_owned(), "/rust-src"));
    remaps.push((target_dir.as_os_str().to_owned(), "/target"));
    for (from, to) in remaps {
        flags.push(format!("--remap-path-prefix={}={to}", from.to_string_lossy()));
    }
    flags
}

/// The deepest directory containing every path in `paths`.
fn common_ancestor(paths: &[&Path]) -> PathBuf {
    let mut ancestor = match paths.first() {
        Some(p) => p.to_path_buf(),
        None => return PathBuf::from("/"),
    };
    for path in &paths[1..] {
        while !path.starts_with(&ancestor) {
            if !ancestor.pop() {
                return PathBuf::from("/");
            }
        }
    }
    ancestor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_ancestor_of_sibling_trees() {
        let a = Path::new("/x/repo/guest/programs");
        let b = Path::new("/x/repo/crates/isa");
        let c = Path::new("/x/repo/guest");
        assert_eq!(common_ancestor(&[a, b, c]), PathBuf::from("/x/repo"));
        assert_eq!(common_ancestor(&[a]), PathBuf::from("/x/repo/guest/programs"));
        assert_eq!(common_ancestor(&[a, Path::new("/y")]), PathBuf::from("/"));
    }

    #[test]
    fn target_spec_is_valid_json_for_rv64im() {
        let spec: serde_json::Value = serde_json::from_str(TARGET_SPEC).expect("valid JSON");
        assert_eq!(spec["arch"], "riscv64");
        assert_eq!(spec["llvm-abiname"], "lp64");
        let features: Vec<&str> = spec["features"].as_str().expect("features").split(',').collect();
        for required in ["+m", "+forced-atomics", "+unaligned-scalar-mem"] {
            assert!(features.contains(&required), "missing {required}");
        }
        for excluded in ["+a", "+c", "+f", "+d"] {
            assert!(!features.contains(&excluded), "{excluded} is outside RV64IM");
        }
    }
}

/// The guests bundled in this repository (`guest/programs`, `guest/stateless`), for tests,
/// benchmarks, examples and the CLI.
pub mod bundled {
    use std::{
        collections::BTreeMap,
        path::{Path, PathBuf},
        sync::OnceLock,
    };

    use super::{BuildOptions, build_guest};

    /// Root of the repository these crates were built from.
    pub fn repo_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Directory of the small test and benchmark programs.
    pub fn programs_dir() -> PathBuf {
        repo_dir().join("guest/programs")
    }

    /// Directory of the Ethereum stateless validation guest.
    pub fn stateless_dir() -> PathBuf {
        repo_dir().join("guest/stateless")
    }

    /// Where bundled guests are built: `$HEARTH_GUEST_TARGET_DIR`, or `target/guest` in the
    /// workspace.
    pub fn target_dir() -> PathBuf {
        std::env::var_os("HEARTH_GUEST_TARGET_DIR")
            .map_or_else(|| repo_dir().join("target/guest"), PathBuf::from)
    }

    fn build(dir: PathBuf) -> Result<BTreeMap<String, PathBuf>, String> {
        let options =
            BuildOptions { target_dir: Some(target_dir()), bins: Vec::new(), locked: true, quiet: true };
        build_guest(&dir, &options)
            .map(|built| built.into_iter().map(|g| (g.name, g.elf)).collect())
            .map_err(|e| e.to_string())
    }

    /// Builds every bundled program (once per process) and returns name -> ELF path.
    pub fn programs() -> Result<&'static BTreeMap<String, PathBuf>, String> {
        static BUILT: OnceLock<Result<BTreeMap<String, PathBuf>, String>> = OnceLock::new();
        BUILT.get_or_init(|| build(programs_dir())).as_ref().map_err(Clone::clone)
    }

    /// Builds the stateless validation guest (once per process) and returns its ELF path.
    pub fn stateless() -> Result<PathBuf, String> {
        static BUILT: OnceLock<Result<BTreeMap<String, PathBuf>, String>> = OnceLock::new();
        let built = BUILT.get_or_init(|| build(stateless_dir())).as_ref().map_err(Clone::clone)?;
        built.get("stateless").cloned().ok_or_else(|| "guest/stateless has no `stateless` binary".to_string())
    }

    /// The ELF bytes of bundled program `name`, building the programs first if needed.
    ///
    /// # Panics
    /// If the programs cannot be built or `name` is not one of them: for tests and benches.
    pub fn elf(name: &str) -> Vec<u8> {
        let programs = programs().unwrap_or_else(|e| panic!("cannot build the bundled guest programs: {e}"));
        let path = programs.get(name).unwrap_or_else(|| panic!("no bundled guest program `{name}`"));
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}
