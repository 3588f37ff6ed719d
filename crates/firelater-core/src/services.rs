//! Business services (the GaaS service portfolio): the tenant's services (`SRV-00001`), each
//! of a type (business, technical, application, infrastructure), in a tree through
//! `parent_service_id` that never has a cycle, with a status, an owner, a manager, an SLA
//! target and a yearly cost split into people, process and technology. Money is kept as
//! integer cents (ADR 0017) so sums are exact; `total_cost` is derived, never stored apart.
//! A service is soft-deleted, and only when it has no live child. Services relate to each
//! other (typed, directed links, no self-links, no duplicates), have stakeholders (a user in a
//! role) and are realised by applications.
//!
//! The roll-up ([`rollup`]) sums costs and takes the worst status over a service's subtree.

use crate::ids::{ServiceId, ServiceRelationshipId, ServiceStakeholderId, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;

crate::string_enum! {
    /// The level of a service in the portfolio.
    pub enum ServiceType {
        /// A service the organisation's customers see.
        Business = "business",
        /// A back-end service.
        Technical = "technical",
        /// A software application.
        Application = "application",
        /// Servers, databases and the like.
        Infrastructure = "infrastructure",
    }
}

crate::string_enum! {
    /// Where a service is in its life.
    pub enum ServiceStatus {
        /// Being designed.
        Design = "design",
        /// In production.
        Active = "active",
        /// Being phased out.
        Deprecated = "deprecated",
        /// No longer in use.
        Retired = "retired",
    }
}

impl ServiceStatus {
    /// How bad the status is for a roll-up: `active` < `design` < `deprecated` < `retired`.
    pub fn severity(self) -> u8 {
        match self {
            Self::Active => 0,
            Self::Design => 1,
            Self::Deprecated => 2,
            Self::Retired => 3,
        }
    }

    /// The worse of two statuses.
    pub fn worse(self, other: Self) -> Self {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }
}

crate::string_enum! {
    /// How one service relates to another (source → target).
    pub enum ServiceRelationshipType {
        /// The source needs the target.
        DependsOn = "depends_on",
        /// The source feeds the target with data.
        ProvidesDataTo = "provides_data_to",
        /// The source reads data from the target.
        ConsumesDataFrom = "consumes_data_from",
        /// The two integrate both ways.
        IntegratesWith = "integrates_with",
        /// The source replaces the target.
        Replaces = "replaces",
        /// The source is the target's parent (explicit, beside `parent_service_id`).
        ParentOf = "parent_of",
    }
}

crate::string_enum! {
    /// What a stakeholder is to a service.
    pub enum StakeholderRole {
        /// Owns it.
        Owner = "owner",
        /// Manages it.
        Manager = "manager",
        /// Has a stake in it.
        Stakeholder = "stakeholder",
        /// Contributes to it.
        Contributor = "contributor",
    }
}

/// The longest service name, in characters.
pub const NAME_MAX: usize = 200;
/// The longest domain, in characters.
pub const DOMAIN_MAX: usize = 100;
/// The largest cost accepted, in cents (the specification's `DECIMAL(12,2)`).
pub const MAX_COST_CENTS: i64 = 999_999_999_999;

/// A number with at most two decimals as hundredths (`12.34` → `1234`), or `None` when it
/// has more decimals or is not finite.
fn hundredths(value: f64) -> Option<i64> {
    if !value.is_finite() {
        return None;
    }
    let scaled = value * 100.0;
    let rounded = scaled.round();
    // Binary floating point cannot hold most decimals exactly; a tolerance far below one
    // hundredth, yet above the rounding error of the largest amounts (a few units in the last
    // place), tells `0.29` (28.999…) from `0.291`.
    if (scaled - rounded).abs() > (4e-15 * rounded.abs()).max(1e-6) {
        return None;
    }
    if rounded.abs() > 9.0e15 {
        return None;
    }
    #[expect(clippy::cast_possible_truncation, reason = "bounded and rounded just above")]
    Some(rounded as i64)
}

/// A cost in cents from a number ≥ 0 with at most two decimals and at most
/// [`MAX_COST_CENTS`]; otherwise a 422 naming `field`.
pub fn cost_cents(field: &str, value: f64) -> crate::Result<i64> {
    match hundredths(value) {
        Some(c) if (0..=MAX_COST_CENTS).contains(&c) => Ok(c),
        _ => Err(crate::Error::field(
            field,
            "must be a number of at least 0 with at most 2 decimals, below 10,000,000,000",
        )),
    }
}

/// Cents as the number the API sends (`1234` → `12.34`).
pub fn cents_to_number(cents: i64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "costs stay far below 2^53 cents")]
    let c = cents as f64;
    c / 100.0
}

/// An SLA target: a percentage from 0 to 100 with at most two decimals (stored as
/// hundredths of a percent); otherwise a 422 naming `field`.
pub fn sla_target(field: &str, value: f64) -> crate::Result<i32> {
    match hundredths(value) {
        Some(h) if (0..=10_000).contains(&h) => i32::try_from(h).map_err(|_| crate::Error::field(field, "too large")),
        _ => Err(crate::Error::field(
            field,
            "must be a percentage from 0 to 100 with at most 2 decimals",
        )),
    }
}

/// A service as the service layer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Id.
    pub id: ServiceId,
    /// Human-readable number, `SRV-00001`, unique in the tenant.
    pub number: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Domain (healthcare, education, …).
    pub domain: Option<String>,
    /// Level in the portfolio.
    pub kind: ServiceType,
    /// Parent service.
    pub parent_service_id: Option<ServiceId>,
    /// Status.
    pub status: ServiceStatus,
    /// Owner.
    pub owner_id: UserId,
    /// Manager.
    pub manager_id: Option<UserId>,
    /// SLA target in hundredths of a percent (`9990` is 99.9 %).
    pub sla_target: Option<i32>,
    /// Yearly cost of people, in cents.
    pub cost_people: i64,
    /// Yearly cost of process, in cents.
    pub cost_process: i64,
    /// Yearly cost of technology, in cents.
    pub cost_technology: i64,
    /// Free-form metadata object.
    pub metadata: Value,
    /// Optimistic-locking version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who created it (a user; `None` for an API key or the system).
    pub created_by: Option<UserId>,
    /// Who changed it last.
    pub updated_by: Option<UserId>,
}

impl Service {
    /// The sum of the three costs, in cents.
    pub fn total_cost(&self) -> i64 {
        self.cost_people + self.cost_process + self.cost_technology
    }
}

/// A service in short, as lists of links show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSummary {
    /// Id.
    pub id: ServiceId,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Type.
    pub kind: ServiceType,
    /// Status.
    pub status: ServiceStatus,
}

/// An application in short, as the services it realises list it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationSummary {
    /// Id.
    pub id: crate::ids::ApplicationId,
    /// Number, `APP-00001`.
    pub app_id: String,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: crate::applications::Tier,
    /// Status.
    pub status: crate::applications::ApplicationStatus,
}

/// A typed link from one service to another.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRelationship {
    /// Id.
    pub id: ServiceRelationshipId,
    /// The service the link starts from.
    pub source_service_id: ServiceId,
    /// The service it points to.
    pub target_service_id: ServiceId,
    /// What the link means.
    pub relationship_type: ServiceRelationshipType,
    /// Free text.
    pub description: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: Option<UserId>,
}

/// A user with a role in a service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStakeholder {
    /// Id.
    pub id: ServiceStakeholderId,
    /// The service.
    pub service_id: ServiceId,
    /// The user.
    pub user_id: UserId,
    /// Their role.
    pub role: StakeholderRole,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Who added them.
    pub created_by: Option<UserId>,
}

/// One service of a subtree, as the roll-up reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupNode {
    /// The service.
    pub id: ServiceId,
    /// Its parent (`None` or outside the subtree for the root).
    pub parent: Option<ServiceId>,
    /// Cost of people, cents.
    pub cost_people: i64,
    /// Cost of process, cents.
    pub cost_process: i64,
    /// Cost of technology, cents.
    pub cost_technology: i64,
    /// Status.
    pub status: ServiceStatus,
}

/// A service's roll-up: its own figures joined with all its live descendants'.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    /// The service.
    pub service_id: ServiceId,
    /// The service and its descendants, counted.
    pub service_count: u64,
    /// Sum of people costs, cents.
    pub cost_people: i64,
    /// Sum of process costs, cents.
    pub cost_process: i64,
    /// Sum of technology costs, cents.
    pub cost_technology: i64,
    /// The worst status in the subtree.
    pub worst_status: ServiceStatus,
    /// The roll-up of each direct child, in the order the nodes were given.
    pub children: Vec<Rollup>,
}

impl Rollup {
    /// The sum of the three costs, in cents.
    pub fn total_cost(&self) -> i64 {
        self.cost_people + self.cost_process + self.cost_technology
    }
}

/// The roll-up of `root` over `nodes` (the subtree, each node once, in any order): each node
/// sums its own costs and its children's roll-ups and takes the worst status among them.
/// `None` when `root` is not among the nodes. Nodes not reachable from `root` are ignored,
/// and a cycle in the input cannot loop (each node is visited once).
pub fn rollup(root: ServiceId, nodes: &[RollupNode]) -> Option<Rollup> {
    let by_id: HashMap<ServiceId, &RollupNode> = nodes.iter().map(|n| (n.id, n)).collect();
    let mut children: HashMap<ServiceId, Vec<ServiceId>> = HashMap::new();
    for n in nodes {
        if let Some(p) = n.parent
            && n.id != root
        {
            children.entry(p).or_default().push(n.id);
        }
    }
    let mut seen = std::collections::HashSet::new();
    fn build(
        id: ServiceId,
        by_id: &HashMap<ServiceId, &RollupNode>,
        children: &HashMap<ServiceId, Vec<ServiceId>>,
        seen: &mut std::collections::HashSet<ServiceId>,
    ) -> Option<Rollup> {
        if !seen.insert(id) {
            return None;
        }
        let n = by_id.get(&id)?;
        let mut r = Rollup {
            service_id: id,
            service_count: 1,
            cost_people: n.cost_people,
            cost_process: n.cost_process,
            cost_technology: n.cost_technology,
            worst_status: n.status,
            children: Vec::new(),
        };
        for c in children.get(&id).map(Vec::as_slice).unwrap_or_default() {
            if let Some(child) = build(*c, by_id, children, seen) {
                r.service_count += child.service_count;
                r.cost_people += child.cost_people;
                r.cost_process += child.cost_process;
                r.cost_technology += child.cost_technology;
                r.worst_status = r.worst_status.worse(child.worst_status);
                r.children.push(child);
            }
        }
        Some(r)
    }
    build(root, &by_id, &children, &mut seen)
}

/// Whether making `parent` the parent of `id` would close a cycle, given `parent`'s
/// ancestors (its own parent first): it would when `parent` is `id` or descends from it.
pub fn creates_cycle(id: ServiceId, parent: ServiceId, ancestors_of_parent: &[ServiceId]) -> bool {
    parent == id || ancestors_of_parent.contains(&id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use uuid::Uuid;

    fn id(n: u128) -> ServiceId {
        ServiceId(Uuid::from_u128(n))
    }

    fn node(n: u128, parent: Option<u128>, cost: i64, status: ServiceStatus) -> RollupNode {
        RollupNode {
            id: id(n),
            parent: parent.map(id),
            cost_people: cost,
            cost_process: 2 * cost,
            cost_technology: 3 * cost,
            status,
        }
    }

    #[rstest]
    #[case(ServiceStatus::Active, ServiceStatus::Active, ServiceStatus::Active)]
    #[case(ServiceStatus::Active, ServiceStatus::Design, ServiceStatus::Design)]
    #[case(ServiceStatus::Design, ServiceStatus::Active, ServiceStatus::Design)]
    #[case(ServiceStatus::Design, ServiceStatus::Deprecated, ServiceStatus::Deprecated)]
    #[case(ServiceStatus::Retired, ServiceStatus::Deprecated, ServiceStatus::Retired)]
    #[case(ServiceStatus::Active, ServiceStatus::Retired, ServiceStatus::Retired)]
    fn the_worse_status_follows_active_design_deprecated_retired(
        #[case] a: ServiceStatus,
        #[case] b: ServiceStatus,
        #[case] worst: ServiceStatus,
    ) {
        assert_eq!(a.worse(b), worst);
    }

    #[rstest]
    #[case(0.0, Some(0))]
    #[case(12.34, Some(1234))]
    #[case(0.29, Some(29))]
    #[case(1_000_000.1, Some(100_000_010))]
    #[case(9_999_999_999.99, Some(999_999_999_999))]
    #[case(10_000_000_000.0, None)]
    #[case(0.001, None)]
    #[case(1_234_567_890.123, None)]
    #[case(9_999_999_999.999, None)]
    #[case(0.30000000000000004, Some(30))]
    #[case(1.234, None)]
    #[case(-1.0, None)]
    #[case(f64::NAN, None)]
    #[case(f64::INFINITY, None)]
    fn costs_are_non_negative_with_at_most_two_decimals(#[case] value: f64, #[case] cents: Option<i64>) {
        assert_eq!(cost_cents("cost_people", value).ok(), cents, "{value}");
    }

    #[rstest]
    #[case(99.9, Some(9990))]
    #[case(100.0, Some(10_000))]
    #[case(0.0, Some(0))]
    #[case(99.99, Some(9999))]
    #[case(99.999, None)]
    #[case(100.01, None)]
    #[case(-0.5, None)]
    fn sla_targets_are_percentages_with_two_decimals(#[case] value: f64, #[case] hundredths: Option<i32>) {
        assert_eq!(sla_target("sla_target", value).ok(), hundredths, "{value}");
    }

    #[test]
    fn cents_read_back_as_the_number_given() {
        for v in [0.0, 0.1, 0.29, 12.34, 1_000_000.1, 9_999_999_999.99] {
            assert_eq!(cost_cents("c", v).map(cents_to_number).ok(), Some(v));
        }
    }

    #[test]
    fn a_three_level_tree_sums_its_costs_and_takes_its_worst_status() {
        let nodes = [
            node(1, None, 100, ServiceStatus::Active),
            node(2, Some(1), 10, ServiceStatus::Active),
            node(3, Some(1), 20, ServiceStatus::Design),
            node(4, Some(2), 1, ServiceStatus::Deprecated),
        ];
        let r = rollup(id(1), &nodes).expect("root");
        assert_eq!(r.service_count, 4);
        assert_eq!(r.cost_people, 131);
        assert_eq!(r.total_cost(), 131 * 6);
        assert_eq!(r.worst_status, ServiceStatus::Deprecated);
        assert_eq!(r.children.len(), 2);
        assert_eq!(r.children[0].service_id, id(2));
        assert_eq!(r.children[0].cost_people, 11);
        assert_eq!(r.children[0].worst_status, ServiceStatus::Deprecated);
        assert_eq!(r.children[1].worst_status, ServiceStatus::Design);
        let sub = rollup(id(2), &nodes).expect("subtree");
        assert_eq!((sub.service_count, sub.cost_technology), (2, 33));
    }

    #[test]
    fn an_unknown_root_has_no_rollup_and_a_cycle_does_not_loop() {
        assert_eq!(rollup(id(9), &[node(1, None, 1, ServiceStatus::Active)]), None);
        let cycle = [
            node(1, Some(2), 1, ServiceStatus::Active),
            node(2, Some(1), 1, ServiceStatus::Active),
        ];
        assert_eq!(rollup(id(1), &cycle).map(|r| r.service_count), Some(2));
    }

    #[rstest]
    #[case(1, 1, &[], true)]
    #[case(1, 3, &[2, 1], true)]
    #[case(1, 3, &[2], false)]
    #[case(1, 2, &[], false)]
    fn a_parent_below_the_service_closes_a_cycle(
        #[case] service: u128,
        #[case] parent: u128,
        #[case] ancestors: &[u128],
        #[case] cycle: bool,
    ) {
        let ancestors: Vec<ServiceId> = ancestors.iter().copied().map(id).collect();
        assert_eq!(creates_cycle(id(service), id(parent), &ancestors), cycle);
    }

    fn status_of(n: u8) -> ServiceStatus {
        ServiceStatus::ALL[usize::from(n) % ServiceStatus::ALL.len()]
    }

    proptest! {
        /// Whatever the tree's shape, the root's roll-up counts every node, its costs are the
        /// sums of every node's, its worst status is the worst of every node's, and each
        /// child's roll-up holds exactly its share.
        #[test]
        fn a_tree_rolls_up_to_the_sum_of_its_nodes(
            shape in proptest::collection::vec((any::<prop::sample::Index>(), 0..1_000_000i64, any::<u8>()), 0..60),
            root_cost in 0..1_000_000i64,
            root_status in any::<u8>(),
        ) {
            // Node i + 1's parent is one of the nodes before it: always a tree under node 0.
            let mut nodes = vec![node(0, None, root_cost, status_of(root_status))];
            for (i, (parent, cost, status)) in shape.iter().enumerate() {
                let p = parent.index(i + 1) as u128;
                nodes.push(node(i as u128 + 1, Some(p), *cost, status_of(*status)));
            }
            let r = rollup(id(0), &nodes).expect("root");
            prop_assert_eq!(r.service_count, nodes.len() as u64);
            let people: i64 = nodes.iter().map(|n| n.cost_people).sum();
            let total: i64 = nodes.iter().map(|n| n.cost_people + n.cost_process + n.cost_technology).sum();
            prop_assert_eq!(r.cost_people, people);
            prop_assert_eq!(r.total_cost(), total);
            let worst = nodes.iter().map(|n| n.status).max_by_key(|s| s.severity()).expect("a node");
            prop_assert_eq!(r.worst_status, worst);
            let children_count: u64 = r.children.iter().map(|c| c.service_count).sum();
            prop_assert_eq!(children_count + 1, r.service_count);
            let children_total: i64 = r.children.iter().map(Rollup::total_cost).sum();
            prop_assert_eq!(children_total + nodes[0].cost_people * 6, total);
        }
    }
}
