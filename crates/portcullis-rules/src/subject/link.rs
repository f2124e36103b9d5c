//! Linking an image to the Dockerfile that built it: which instruction made
//! each of this build's history entries.

use super::*;

/// For each history index of `image` made by this build, the location of the
/// Dockerfile instruction that made it; layer findings use the entry that
/// made their layer (`ImageFacts::layer_history`). Matched as the longest common
/// subsequence of the two keyword sequences (the final stage chain's
/// instructions; this build's history entries), so instructions that leave no
/// history (ARG) and entries with no instruction do not derail the rest.
pub fn link_dockerfile(image: &Subject, dockerfile: &Subject) -> Vec<(usize, Location)> {
    let history: Vec<(usize, &'static str)> = image
        .steps
        .iter()
        .filter(|s| !s.inherited)
        .filter_map(|s| match &s.at.location {
            Location::History { index, .. } => Some((*index, s.op.keyword())),
            _ => None,
        })
        .collect();
    let chain = dockerfile.chain(dockerfile.final_stage());
    let instructions: Vec<(&Location, &'static str)> = dockerfile
        .steps
        .iter()
        .filter(|s| chain.contains(&s.stage) && !matches!(s.op, Op::From { .. } | Op::Other("ARG")))
        .map(|s| (&s.at.location, s.op.keyword()))
        .collect();
    let (n, m) = (history.len(), instructions.len());
    if n.saturating_mul(m) > 4_000_000 {
        // Hostile sizes: an in-order greedy match, in linear memory.
        let mut out = Vec::new();
        let mut j = 0;
        for &(index, keyword) in &history {
            if let Some(k) = instructions[j..].iter().position(|(_, kw)| *kw == keyword) {
                out.push((index, instructions[j + k].0.clone()));
                j += k + 1;
            }
        }
        return out;
    }
    // lcs[i][j]: the longest common subsequence of history[i..] and instructions[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if history[i].1 == instructions[j].1 {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if history[i].1 == instructions[j].1 {
            out.push((history[i].0, instructions[j].0.clone()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The history entries a finding's location points at: a history location
/// itself, or the entry that made a layer.
pub fn history_entries(image: &Subject, location: &Location) -> Option<usize> {
    match location {
        Location::History { index, .. } => Some(*index),
        Location::Layer { index, .. } => image
            .image
            .as_ref()?
            .layer_history
            .get(*index)
            .copied()
            .flatten(),
        _ => None,
    }
}
