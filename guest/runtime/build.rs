//! Puts the linker script where the final link finds it (`-C link-arg=-Thearth.ld`).

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::copy("link.ld", format!("{out}/hearth.ld")).expect("copy linker script");
    println!("cargo:rustc-link-search=native={out}");
    println!("cargo:rerun-if-changed=link.ld");
}
