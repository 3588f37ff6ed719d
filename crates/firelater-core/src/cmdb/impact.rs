//! Impact analysis and neighbourhood graphs: which relationship types carry a failure, and
//! how the rows of the one recursive query become nodes with their least depth and one path.
//!
//! A relationship `source --t--> target` whose type propagates ([`propagates`]) means the
//! source needs the target. `downstream` from a CI walks such edges backwards (target to
//! source): everything hit when it fails. `upstream` walks them forwards: what it needs.
//! [`bfs`] is the reference walk the database's recursive query is tested against.

use super::{ImpactDirection, RelationshipType};
use std::collections::{BTreeMap, HashMap, VecDeque};
use uuid::Uuid;

/// Whether a failure of a relationship's target reaches its source.
///
/// | type | propagates | why |
/// | --- | --- | --- |
/// | `depends_on` | yes | the source needs the target (as the GaaS impact query) |
/// | `runs_on` | yes | the source runs on the target (as the GaaS impact query) |
/// | `part_of` | yes | a part cannot work without the whole it belongs to (a disk of a failed server) |
/// | `connects_to` | no | a network link says nothing about need; model need with `depends_on` |
/// | `manages` | no | a failed manager leaves what it manages running |
/// | `backed_up_by` | no | a failed backup target leaves the source serving |
/// | `replicates_to` | no | a failed replica leaves the source serving |
pub fn propagates(t: RelationshipType) -> bool {
    match t {
        RelationshipType::DependsOn | RelationshipType::RunsOn | RelationshipType::PartOf => true,
        RelationshipType::ConnectsTo
        | RelationshipType::Manages
        | RelationshipType::BackedUpBy
        | RelationshipType::ReplicatesTo => false,
    }
}

/// The relationship types that carry a failure, in declaration order.
pub fn propagating_types() -> Vec<RelationshipType> {
    RelationshipType::ALL
        .iter()
        .copied()
        .filter(|t| propagates(*t))
        .collect()
}

/// An edge of the graph: `(source, target, type)`.
pub type Edge = (Uuid, Uuid, RelationshipType);

/// The reference walk: every CI reachable from `start` within `depth` steps over propagating
/// edges in `direction`, with its least depth (the start CIs at 0).
pub fn bfs(edges: &[Edge], start: &[Uuid], direction: ImpactDirection, depth: u32) -> BTreeMap<Uuid, u32> {
    let mut next: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (s, t, kind) in edges {
        if !propagates(*kind) {
            continue;
        }
        let (from, to) = match direction {
            ImpactDirection::Downstream => (*t, *s),
            ImpactDirection::Upstream => (*s, *t),
        };
        next.entry(from).or_default().push(to);
    }
    let mut seen = BTreeMap::new();
    let mut queue = VecDeque::new();
    for s in start {
        if seen.insert(*s, 0).is_none() {
            queue.push_back(*s);
        }
    }
    while let Some(n) = queue.pop_front() {
        let d = seen[&n];
        if d >= depth {
            continue;
        }
        for m in next.get(&n).into_iter().flatten() {
            if !seen.contains_key(m) {
                seen.insert(*m, d + 1);
                queue.push_back(*m);
            }
        }
    }
    seen
}

/// One row of the recursive walk: `ci` reached at `depth` from `via` (the CI one step closer
/// to the start) over relationship `rel` of type `rel_type`; a start CI has none of the three.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkRow {
    /// The CI reached.
    pub ci: Uuid,
    /// Steps from the start.
    pub depth: u32,
    /// The CI it was reached from.
    pub via: Option<Uuid>,
    /// The relationship followed.
    pub rel: Option<Uuid>,
    /// Its type.
    pub rel_type: Option<RelationshipType>,
}

/// A CI of a walk's result: its least depth, one path from a start CI to it (inclusive) and
/// the type of the edge that reached it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reached {
    /// The CI.
    pub ci: Uuid,
    /// Least depth.
    pub depth: u32,
    /// Start CI first, this CI last.
    pub path: Vec<Uuid>,
    /// The edge type that reached it; `None` for a start CI.
    pub rel_type: Option<RelationshipType>,
}

/// Folds a walk's rows into each CI once at its least depth, nearest first (then by id), with
/// one path back to a start CI. A CI at least depth `d > 0` has a row from a CI reached at
/// `d - 1`, whose least depth is exactly `d - 1`, so following the smallest such `via` always
/// ends at a start CI. Also returns the relationships the walk followed between CIs kept.
pub fn fold(rows: &[WalkRow]) -> (Vec<Reached>, Vec<Uuid>) {
    let mut least: HashMap<Uuid, u32> = HashMap::new();
    for r in rows {
        least
            .entry(r.ci)
            .and_modify(|d| *d = (*d).min(r.depth))
            .or_insert(r.depth);
    }
    // The parent of each CI: the smallest `via` among its rows at its least depth.
    let mut parent: HashMap<Uuid, (Uuid, Option<RelationshipType>)> = HashMap::new();
    for r in rows {
        if least[&r.ci] != r.depth {
            continue;
        }
        if let Some(v) = r.via {
            let better = parent.get(&r.ci).is_none_or(|(p, _)| v < *p);
            if better {
                parent.insert(r.ci, (v, r.rel_type));
            }
        }
    }
    let mut out: Vec<Reached> = least
        .iter()
        .map(|(ci, depth)| {
            let mut path = vec![*ci];
            let mut at = *ci;
            while let Some((p, _)) = parent.get(&at) {
                if path.len() > (*depth as usize) {
                    break;
                }
                path.push(*p);
                at = *p;
            }
            path.reverse();
            Reached {
                ci: *ci,
                depth: *depth,
                path,
                rel_type: parent.get(ci).and_then(|(_, t)| *t),
            }
        })
        .collect();
    out.sort_by(|a, b| a.depth.cmp(&b.depth).then(a.ci.cmp(&b.ci)));
    let mut rels: Vec<Uuid> = rows.iter().filter_map(|r| r.rel).collect();
    rels.sort();
    rels.dedup();
    (out, rels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case(RelationshipType::DependsOn, true)]
    #[case(RelationshipType::RunsOn, true)]
    #[case(RelationshipType::PartOf, true)]
    #[case(RelationshipType::ConnectsTo, false)]
    #[case(RelationshipType::Manages, false)]
    #[case(RelationshipType::BackedUpBy, false)]
    #[case(RelationshipType::ReplicatesTo, false)]
    fn which_types_carry_a_failure(#[case] t: RelationshipType, #[case] yes: bool) {
        assert_eq!(propagates(t), yes);
    }

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|i| Uuid::from_u128(i as u128 + 1)).collect()
    }

    #[test]
    fn downstream_walks_backwards_and_upstream_forwards_and_cycles_end() {
        let c = ids(4);
        // app(0) runs_on server(1); server(1) depends_on storage(2); 2 depends_on 0: a cycle.
        let edges = vec![
            (c[0], c[1], RelationshipType::RunsOn),
            (c[1], c[2], RelationshipType::DependsOn),
            (c[2], c[0], RelationshipType::DependsOn),
            (c[3], c[1], RelationshipType::Manages),
        ];
        let down = bfs(&edges, &[c[1]], ImpactDirection::Downstream, 10);
        assert_eq!(down, BTreeMap::from([(c[1], 0), (c[0], 1), (c[2], 2)]));
        let up = bfs(&edges, &[c[1]], ImpactDirection::Upstream, 1);
        assert_eq!(up, BTreeMap::from([(c[1], 0), (c[2], 1)]));
    }

    #[test]
    fn fold_keeps_each_ci_once_at_its_least_depth_with_a_path_to_the_start() {
        let c = ids(4);
        let row = |ci, depth, via: Option<Uuid>| WalkRow {
            ci,
            depth,
            via,
            rel: via.map(|v| Uuid::from_u128(v.as_u128() * 100 + ci.as_u128())),
            rel_type: via.map(|_| RelationshipType::DependsOn),
        };
        let rows = vec![
            row(c[0], 0, None),
            row(c[1], 1, Some(c[0])),
            row(c[2], 1, Some(c[0])),
            row(c[3], 2, Some(c[2])),
            row(c[3], 2, Some(c[1])),
            row(c[0], 3, Some(c[3])),
        ];
        let (nodes, rels) = fold(&rows);
        let got: Vec<(Uuid, u32, Vec<Uuid>)> = nodes.into_iter().map(|n| (n.ci, n.depth, n.path)).collect();
        assert_eq!(
            got,
            vec![
                (c[0], 0, vec![c[0]]),
                (c[1], 1, vec![c[0], c[1]]),
                (c[2], 1, vec![c[0], c[2]]),
                (c[3], 2, vec![c[0], c[1], c[3]]),
            ]
        );
        assert_eq!(rels.len(), 5);
    }

    proptest! {
        #[test]
        fn fold_of_a_full_walk_agrees_with_bfs(
            raw in proptest::collection::vec((0usize..12, 0usize..12, 0usize..7), 0..40),
            depth in 1u32..6,
        ) {
            let c = ids(12);
            let edges: Vec<Edge> = raw.iter().filter(|(s, t, _)| s != t)
                .map(|(s, t, k)| (c[*s], c[*t], RelationshipType::ALL[*k])).collect();
            // Every walk row the recursive query would produce: all walks up to `depth`.
            let mut rows = vec![WalkRow { ci: c[0], depth: 0, via: None, rel: None, rel_type: None }];
            let mut frontier = vec![c[0]];
            for d in 1..=depth {
                let mut next = Vec::new();
                for n in &frontier {
                    for (i, (s, t, k)) in edges.iter().enumerate() {
                        if propagates(*k) && t == n {
                            rows.push(WalkRow { ci: *s, depth: d, via: Some(*n), rel: Some(Uuid::from_u128(i as u128)), rel_type: Some(*k) });
                            next.push(*s);
                        }
                    }
                }
                next.sort();
                next.dedup();
                frontier = next;
            }
            let (nodes, _) = fold(&rows);
            let got: BTreeMap<Uuid, u32> = nodes.iter().map(|n| (n.ci, n.depth)).collect();
            prop_assert_eq!(got, bfs(&edges, &[c[0]], ImpactDirection::Downstream, depth));
            for n in &nodes {
                prop_assert_eq!(n.path.len() as u32, n.depth + 1);
                prop_assert_eq!(n.path[0], c[0]);
                prop_assert_eq!(*n.path.last().expect("path"), n.ci);
            }
        }
    }
}

/// Parses the query of an impact (`direction`, `depth`) or graph (`depth` only, when
/// `with_direction` is false) request: `depth` from 1 to `max` (`default` when absent),
/// `direction` `downstream` (the default) or `upstream`. A wrong or unknown parameter is a 400
/// `invalid_query` naming it, as for lists.
pub fn parse_query(
    pairs: &[(String, String)],
    with_direction: bool,
    max: u32,
    default: u32,
) -> crate::Result<(ImpactDirection, u32)> {
    let mut errors = crate::FieldErrors::new();
    let mut direction = ImpactDirection::Downstream;
    let mut depth = default;
    let mut seen = std::collections::HashSet::new();
    for (k, v) in pairs {
        if !seen.insert(k.as_str()) {
            errors
                .entry(k.clone())
                .or_default()
                .push("must be given at most once".into());
            continue;
        }
        match k.as_str() {
            "depth" => match v.trim().parse::<u32>() {
                Ok(d) if (1..=max).contains(&d) => depth = d,
                _ => errors
                    .entry(k.clone())
                    .or_default()
                    .push(format!("must be a whole number from 1 to {max}")),
            },
            "direction" if with_direction => match v.parse::<ImpactDirection>() {
                Ok(d) => direction = d,
                Err(_) => errors
                    .entry(k.clone())
                    .or_default()
                    .push("must be downstream or upstream".into()),
            },
            _ => errors
                .entry(k.clone())
                .or_default()
                .push("unknown query parameter".into()),
        }
    }
    if errors.is_empty() {
        Ok((direction, depth))
    } else {
        let mut e = crate::Error::validation(errors);
        e.code = crate::ErrorCode::InvalidQuery;
        Err(e)
    }
}

#[cfg(test)]
mod query_tests {
    use super::*;
    use rstest::rstest;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[rstest]
    #[case(&[], Some((ImpactDirection::Downstream, 5)))]
    #[case(&[("direction", "upstream"), ("depth", "10")], Some((ImpactDirection::Upstream, 10)))]
    #[case(&[("depth", "1")], Some((ImpactDirection::Downstream, 1)))]
    #[case(&[("depth", "0")], None)]
    #[case(&[("depth", "11")], None)]
    #[case(&[("depth", "x")], None)]
    #[case(&[("direction", "sideways")], None)]
    #[case(&[("other", "1")], None)]
    fn impact_queries_are_checked(#[case] pairs: &[(&str, &str)], #[case] want: Option<(ImpactDirection, u32)>) {
        let got = parse_query(&q(pairs), true, 10, 5);
        match want {
            Some(w) => assert_eq!(got.ok(), Some(w)),
            None => {
                let e = got.expect_err("refused");
                assert_eq!(e.code, crate::ErrorCode::InvalidQuery);
                assert_eq!(e.fields.keys().next().map(String::as_str), Some(pairs[0].0));
            }
        }
    }

    #[test]
    fn a_graph_query_takes_no_direction() {
        assert!(parse_query(&q(&[("direction", "upstream")]), false, 5, 2).is_err());
        assert_eq!(
            parse_query(&q(&[]), false, 5, 2).ok(),
            Some((ImpactDirection::Downstream, 2))
        );
    }
}
