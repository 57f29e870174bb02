//! The same guest source built in two different directories gives byte-identical ELFs.
//!
//! Copies the repository's sources into two temporary directories of different depths, builds
//! every bundled program in each (cold, with separate target directories), and compares the ELFs
//! byte for byte; neither may contain the path it was built in.

use std::path::{Path, PathBuf};

use hearth_guest_builder::{BuildOptions, build_guest, bundled};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory") {
        let entry = entry.expect("directory entry");
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy file");
        }
    }
}

fn build_copy(root: &Path) -> Vec<(String, Vec<u8>)> {
    let repo = bundled::programs_dir().join("../..");
    copy_tree(&repo, root);
    let options = BuildOptions { target_dir: None, bins: Vec::new(), locked: true, quiet: true };
    let built = build_guest(&root.join("guest/programs"), &options).expect("guest builds");
    built
        .into_iter()
        .map(|g| {
            assert!(g.elf.starts_with(root), "{} should be built under {}", g.elf.display(), root.display());
            (g.name, std::fs::read(&g.elf).expect("read ELF"))
        })
        .collect()
}

#[test]
fn builds_are_byte_identical_across_directories() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    let deeper: PathBuf = b.path().join("a/much/longer/path/to/the/sources");
    let first = build_copy(a.path());
    let second = build_copy(&deeper);
    assert!(first.len() >= 5, "expected the bundled programs, got {}", first.len());
    assert_eq!(first.len(), second.len());
    for ((name, x), (other, y)) in first.iter().zip(&second) {
        assert_eq!(name, other);
        assert!(x == y, "{name}: ELFs differ between {} and {}", a.path().display(), deeper.display());
        let path = a.path().to_string_lossy();
        let leaked = x.windows(path.len()).any(|w| w == path.as_bytes());
        assert!(!leaked, "{name} contains the build directory's path");
    }
}
