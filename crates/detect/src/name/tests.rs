use super::*;

fn names(hay: &str) -> Vec<(String, f32)> {
    names_with(hay, &Hints::NONE)
}

fn names_with(hay: &str, hints: &Hints<'_>) -> Vec<(String, f32)> {
    let d = NameDetector::new();
    let mut out = Vec::new();
    d.find(hay.as_bytes(), hints, &mut out);
    out.iter()
        .filter(|f| f.score >= 0.5)
        .map(|f| (hay[f.start..f.end].to_string(), f.score))
        .collect()
}

fn found(hay: &str) -> Vec<String> {
    names(hay).into_iter().map(|(s, _)| s).collect()
}

#[test]
fn plain_full_names() {
    assert_eq!(found("Order placed by Jane Doe yesterday"), ["Jane Doe"]);
}
