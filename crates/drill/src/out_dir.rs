//! The drill's output directory: the one place a drill writes.

use std::path::{Path, PathBuf};

use crate::Error;

/// Marks a directory as a drill's, so a rerun may clear it.
const MARKER: &str = ".breachwatch-drill";

/// Creates `dir`, or clears it if it holds an earlier drill, and returns
/// it canonical. A non-empty directory without the marker is refused:
/// clearing it could delete someone's files.
pub fn prepare(dir: &Path) -> Result<PathBuf, Error> {
    let err = |doing: &'static str| {
        move |source| Error::OutDir {
            doing,
            path: dir.to_path_buf(),
            source,
        }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(err("reading"))?.peekable();
        if entries.peek().is_some() {
            if !dir.join(MARKER).exists() {
                return Err(Error::NotADrillDir(dir.to_path_buf()));
            }
            std::fs::remove_dir_all(dir).map_err(err("clearing the earlier drill in"))?;
        }
    }
    std::fs::create_dir_all(dir).map_err(err("creating"))?;
    std::fs::write(
        dir.join(MARKER),
        "a breachwatch drill directory; cleared by the next drill\n",
    )
    .map_err(err("writing into"))?;
    // Reports name files relative to the directory, and the scan reports
    // paths as given: both need it absolute and canonical.
    std::fs::canonicalize(dir).map_err(err("resolving"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_foreign_directory_and_clears_its_own() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let foreign = tmp.path().join("foreign");
        std::fs::create_dir_all(&foreign).expect("mkdir");
        std::fs::write(foreign.join("keep.txt"), "mine").expect("write");
        assert!(matches!(prepare(&foreign), Err(Error::NotADrillDir(_))));
        assert!(foreign.join("keep.txt").exists());

        let own = tmp.path().join("own");
        let dir = prepare(&own).expect("new directory");
        std::fs::write(dir.join("old.txt"), "earlier drill").expect("write");
        let again = prepare(&own).expect("earlier drill's directory");
        assert!(!again.join("old.txt").exists());
        assert!(again.join(MARKER).exists());
    }
}
