//! Embeds every message catalogue under `locales/<language>/<area>.ftl`, so a new area's
//! file needs no list kept by hand (and two people adding areas do not edit one list).

// A build script: a failed step stops the build with its message, which is what we want.
#![allow(clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for language in fs::read_dir(&root).expect("locales/ exists") {
        let language = language.expect("readable locales/");
        if !language.path().is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", language.path().display());
        for file in fs::read_dir(language.path()).expect("readable locale directory") {
            let path = file.expect("readable locale file").path();
            if path.extension().is_some_and(|e| e == "ftl") {
                println!("cargo:rerun-if-changed={}", path.display());
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::from("pub const CATALOGUES: &[(&str, &str, &str)] = &[\n");
    for path in &files {
        let language = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .expect("a UTF-8 language directory name");
        let area = path
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name");
        writeln!(
            out,
            "    ({language:?}, {area:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets it")).join("catalogues.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
