//! The README's examples work when copied: each is a whole `main.rs` with no
//! hidden lines, and all of them build in a fresh project whose
//! `[dependencies]` are the README's install section (the doctests run them;
//! this checks that a user needs nothing the README does not show).
use std::path::{Path, PathBuf};
use std::process::Command;

const README: &str = include_str!("../README.md");

struct Block {
    info: String,
    code: String,
    line: usize,
}

fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = README.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut code = String::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            code.push_str(l);
            code.push('\n');
        }
        out.push(Block {
            info: info.trim().to_string(),
            code,
            line: n + 1,
        });
    }
    out
}

/// The Rust blocks a user would copy and run (not the `ignore`d ones, which
/// show other crates' code).
fn rust_blocks() -> Vec<Block> {
    blocks()
        .into_iter()
        .filter(|b| b.info == "rust" || b.info == "rust,no_run")
        .collect()
}

/// The install section's `[dependencies]` block.
fn install_block() -> String {
    blocks()
        .into_iter()
        .find(|b| b.info == "toml" && b.code.starts_with("[dependencies]"))
        .expect("the README has an install section with a [dependencies] block")
        .code
}

#[test]
fn every_rust_block_is_a_whole_main_rs_with_no_hidden_lines() {
    let blocks = rust_blocks();
    assert!(blocks.len() >= 6, "found only {} Rust blocks", blocks.len());
    for b in &blocks {
        for l in b.code.lines() {
            let t = l.trim_start();
            assert!(
                !(t == "#" || t.starts_with("# ")),
                "README line {}: a hidden rustdoc line, invisible to a reader: {l:?}",
                b.line
            );
        }
        assert!(
            b.code.contains("fn main()"),
            "README line {}: not a whole main.rs (no `fn main`)",
            b.line
        );
    }
}

#[test]
fn the_install_section_names_this_version_and_every_feature_the_examples_use() {
    let deps = install_block();
    let version = env!("CARGO_PKG_VERSION");
    let minor = version.rsplit_once('.').map_or(version, |(mm, _)| mm);
    assert!(
        deps.contains(&format!("cogen = {{ version = \"{minor}\"")),
        "the install section should ask for cogen {minor}:\n{deps}"
    );
    for feature in ["tokio", "io", "http"] {
        assert!(
            deps.contains(&format!("\"{feature}\"")),
            "feature {feature} missing from:\n{deps}"
        );
    }
}

/// The install block with cogen taken from this package's directory.
fn manifest(deps: &str, cogen_dir: &Path) -> String {
    let mut out = String::from(
        "[package]\nname = \"readme-blocks\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n",
    );
    for line in deps.lines() {
        match line.strip_prefix("cogen = { version = ") {
            Some(rest) => {
                let features = rest
                    .split_once("features")
                    .map(|(_, f)| f.trim_start_matches([' ', '=']))
                    .expect("the cogen line names its features");
                out.push_str(&format!(
                    "cogen = {{ path = {:?}, features {}\n",
                    cogen_dir.display().to_string(),
                    format_args!("= {features}")
                ));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn every_rust_block_builds_in_a_fresh_project_with_the_install_lines() {
    if std::env::var_os("COGEN_README_BUILD").is_some_and(|v| v == "skip") {
        eprintln!("COGEN_README_BUILD=skip: the README's blocks are not built here");
        return;
    }
    let cogen_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("readme-blocks");
    let bins = dir.join("src/bin");
    if bins.exists() {
        std::fs::remove_dir_all(&bins).unwrap();
    }
    std::fs::create_dir_all(&bins).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        manifest(&install_block(), &cogen_dir),
    )
    .unwrap();
    for (i, b) in rust_blocks().iter().enumerate() {
        std::fs::write(
            bins.join(format!("block_{i:02}_line_{}.rs", b.line)),
            &b.code,
        )
        .unwrap();
    }
    // The workspace's lockfile pins what the workspace itself was built and
    // tested with, and lets the build run offline.
    let lock = cogen_dir.join("../Cargo.lock");
    let offline = lock.exists();
    if offline {
        std::fs::copy(&lock, dir.join("Cargo.lock")).unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&dir)
        .args(["build", "--bins", "--quiet"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if offline {
        cmd.arg("--offline");
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "the README's blocks do not build as copied (project in {}):\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
