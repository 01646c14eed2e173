//! Writes the seed corpus for `chunked_equals_whole` from `bw_fuzz::seeds()`,
//! so the committed files are always reproducible from code.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/chunked_equals_whole");
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in bw_fuzz::seeds() {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
