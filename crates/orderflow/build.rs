//! The commit the binary is built from, for `orderflow --version` and the `orderflow_build_info` metric, as the
//! compile-time variable `ORDERFLOW_BUILD_COMMIT`: `ORDERFLOW_GIT_COMMIT` when set (the Docker build passes it: there
//! is no `.git` in its context), else the checkout's `git rev-parse --short=12 HEAD`, else `unknown`.
//!
//! Cargo reruns this script only when what names the commit changes: the variable, the checkout's `HEAD`, and the
//! branch it points to. Watching only those keeps the commit current without rebuilding the crate on every build.

use std::path::PathBuf;
use std::process::Command;

const SUPPLIED: &str = "ORDERFLOW_GIT_COMMIT";

fn main() {
    println!("cargo:rerun-if-env-changed={SUPPLIED}");
    let commit = supplied_commit()
        .or_else(|| {
            watch_checkout();
            git(&["rev-parse", "--short=12", "HEAD"])
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=ORDERFLOW_BUILD_COMMIT={commit}");
}

/// The commit a build outside a checkout was given: one word of printable characters.
fn supplied_commit() -> Option<String> {
    let value = std::env::var(SUPPLIED).ok()?;
    let value = value.trim();
    (!value.is_empty() && value.len() <= 64 && value.chars().all(|c| c.is_ascii_graphic()))
        .then(|| value.to_owned())
}

/// Output of a git command run in this crate's directory, when it succeeds with something to say.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// `HEAD` and the branch it names, wherever git keeps them (a worktree has its own `HEAD`, and the branches live
/// in the repository's common directory, as a file or in `packed-refs`). A branch that is not a file yet becomes
/// one on the next commit: its directory is watched instead, which a new file in it changes.
fn watch_checkout() {
    let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) else {
        return;
    };
    println!("cargo:rerun-if-changed={head}");
    let Some(branch) = git(&["symbolic-ref", "--quiet", "HEAD"]) else {
        // A detached HEAD holds the commit itself.
        return;
    };
    if let Some(branch_file) = git(&["rev-parse", "--git-path", &branch]).map(PathBuf::from) {
        if branch_file.exists() {
            println!("cargo:rerun-if-changed={}", branch_file.display());
        } else if let Some(directory) = branch_file.parent().filter(|d| d.exists()) {
            println!("cargo:rerun-if-changed={}", directory.display());
        }
    }
    if let Some(packed) = git(&["rev-parse", "--git-path", "packed-refs"]).map(PathBuf::from) {
        if packed.exists() {
            println!("cargo:rerun-if-changed={}", packed.display());
        }
    }
}
