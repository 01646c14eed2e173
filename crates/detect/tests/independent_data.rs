//! The detectors' data shares nothing with the corpus generator's decoy
//! lists: a stop phrase that is one of the generator's brands, products or
//! places would make the accuracy gate measure memory, not detection
//! (issue 23). The generator's source is read as text, so bw-detect keeps
//! no dependency on bw-corpus.

use std::path::Path;

/// The string literals of `pub const NAME: &[&str] = &[ … ];` in `src`.
fn const_list(src: &str, name: &str) -> Vec<String> {
    let head = format!("pub const {name}: &[&str] = &[");
    let start = src
        .find(&head)
        .unwrap_or_else(|| panic!("{name} not found in the generator's values.rs"))
        + head.len();
    let body = &src[start..start + src[start..].find("];").expect("list end")];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn no_stop_phrase_is_one_of_the_generators_decoys() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let values = std::fs::read_to_string(root.join("../corpus/src/values.rs"))
        .expect("read crates/corpus/src/values.rs");
    let phrases = std::fs::read_to_string(root.join("data/names/stop_phrases.txt"))
        .expect("read stop_phrases.txt");
    let phrases: Vec<String> = phrases
        .lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut shared = Vec::new();
    for list in ["BRANDS", "PRODUCTS", "PLACES"] {
        let decoys = const_list(&values, list);
        assert!(decoys.len() >= 5, "{list}: {decoys:?}");
        shared.extend(decoys.into_iter().filter(|d| phrases.contains(d)));
    }
    assert!(
        shared.is_empty(),
        "stop phrases taken from the generator: {shared:?}"
    );
}
