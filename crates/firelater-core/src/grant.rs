//! The grant rule: nobody hands out more than they hold. Every path that confers access (a
//! user's roles, a group's roles, group membership, a role's permissions, API key scopes, and
//! later approval delegation) asks [`check`] before it writes, so a narrow permission such as
//! `groups:update` or `roles:admin` never becomes a step to a wider one:
//!
//! - the actor may confer only permissions they hold themselves;
//! - only an administrator (a holder of the system `admin` role) confers the `admin` role, or
//!   takes it away.
//!
//! [`check_over`] is the companion rule for acts *on* another account that could hand it over
//! (setting its password, clearing its MFA, deactivating it): only an administrator acts on an
//! administrator, and nobody acts on an account that holds everything they hold or more.

use crate::{Error, ErrorCode, Permission};
use std::collections::BTreeSet;

/// What the actor holds when handing out access.
#[derive(Debug, Clone, Copy)]
pub struct Grantor<'a> {
    /// The actor's effective permissions.
    pub permissions: &'a BTreeSet<Permission>,
    /// Whether the actor holds the system `admin` role (the system itself counts as one).
    pub is_admin: bool,
}

/// What an act would confer on someone.
#[derive(Debug, Clone, Default)]
pub struct Conferral {
    /// Every permission the act hands out.
    pub permissions: BTreeSet<Permission>,
    /// Whether the act hands out (or takes away) the system `admin` role.
    pub admin: bool,
}

impl Conferral {
    /// A conferral of `permissions`, without the admin role.
    pub fn of(permissions: impl IntoIterator<Item = Permission>) -> Self {
        Self {
            permissions: permissions.into_iter().collect(),
            admin: false,
        }
    }

    /// Adds `permissions` and, when `admin`, the admin role.
    pub fn add(&mut self, permissions: impl IntoIterator<Item = Permission>, admin: bool) {
        self.permissions.extend(permissions);
        self.admin |= admin;
    }
}

/// `Ok` when `grantor` may confer `what`; a 403 whose code says why otherwise:
/// `grant_requires_admin` for the admin role, `grant_exceeds_own_permissions` (naming the
/// permissions) for anything the actor does not hold.
pub fn check(grantor: Grantor<'_>, what: &Conferral) -> Result<(), Error> {
    if what.admin && !grantor.is_admin {
        return Err(Error::new(
            ErrorCode::GrantRequiresAdmin,
            "only an administrator can grant or take away the admin role",
        ));
    }
    let missing: Vec<&str> = what
        .permissions
        .difference(grantor.permissions)
        .map(|p| p.key())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::GrantExceedsOwnPermissions,
            format!(
                "you can only grant permissions you hold yourself; you do not hold {}",
                missing.join(", ")
            ),
        ))
    }
}

/// The account an act would be done to.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The target's effective permissions.
    pub permissions: &'a BTreeSet<Permission>,
    /// Whether the target holds the system `admin` role.
    pub is_admin: bool,
}

/// `Ok` when `actor` may take over-capable acts on `target` (set its password, clear its MFA,
/// deactivate it): an administrator may act on anyone; anyone else only on an account that
/// is not an administrator and holds strictly less than they do. A 403
/// `target_outranks_actor` otherwise.
pub fn check_over(actor: Grantor<'_>, target: Target<'_>) -> Result<(), Error> {
    if actor.is_admin {
        return Ok(());
    }
    let outranked = !target.is_admin
        && target.permissions.is_subset(actor.permissions)
        && target.permissions.len() < actor.permissions.len();
    if outranked {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::TargetOutranksActor,
            "only an administrator can do this to an account with as much access as yours or more",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    fn set(ps: &[Permission]) -> BTreeSet<Permission> {
        ps.iter().copied().collect()
    }

    #[test]
    fn grant_cases() {
        let manager = set(&[UsersRead, GroupsRead, GroupsUpdate, RolesRead]);
        let all: BTreeSet<Permission> = Permission::ALL.iter().copied().collect();
        // (grantor permissions, grantor is admin, conferred permissions, confers admin, expected code)
        #[expect(
            clippy::type_complexity,
            reason = "a case table reads best with its row type spelled out"
        )]
        let cases: Vec<(&BTreeSet<Permission>, bool, Vec<Permission>, bool, Option<ErrorCode>)> = vec![
            (&manager, false, vec![], false, None),
            (&manager, false, vec![UsersRead, GroupsRead], false, None),
            (
                &manager,
                false,
                vec![UsersRead, RolesAdmin],
                false,
                Some(ErrorCode::GrantExceedsOwnPermissions),
            ),
            (&manager, false, vec![], true, Some(ErrorCode::GrantRequiresAdmin)),
            (&all, false, vec![UsersRead], true, Some(ErrorCode::GrantRequiresAdmin)),
            (&all, false, Permission::ALL.to_vec(), false, None),
            (&all, true, Permission::ALL.to_vec(), true, None),
            (
                &manager,
                true,
                vec![RolesAdmin],
                false,
                Some(ErrorCode::GrantExceedsOwnPermissions),
            ),
        ];
        for (i, (perms, is_admin, conferred, admin, expected)) in cases.into_iter().enumerate() {
            let got = check(
                Grantor {
                    permissions: perms,
                    is_admin,
                },
                &Conferral {
                    permissions: conferred.into_iter().collect(),
                    admin,
                },
            )
            .err()
            .map(|e| e.code);
            assert_eq!(got, expected, "case {i}");
        }
    }

    #[test]
    fn a_refusal_names_the_permissions_not_held() {
        let held = set(&[UsersRead]);
        let err = check(
            Grantor {
                permissions: &held,
                is_admin: false,
            },
            &Conferral::of([UsersRead, RolesAdmin, UsersAdmin]),
        )
        .expect_err("refused");
        assert!(err.detail.contains("roles:admin"), "{}", err.detail);
        assert!(err.detail.contains("users:admin"), "{}", err.detail);
        assert!(!err.detail.contains("users:read"), "{}", err.detail);
    }

    #[test]
    fn acting_over_cases() {
        let helpdesk = set(&[UsersRead, UsersAdmin]);
        let agent = set(&[UsersRead]);
        let all: BTreeSet<Permission> = Permission::ALL.iter().copied().collect();
        // (actor permissions, actor admin, target permissions, target admin, allowed)
        #[expect(
            clippy::type_complexity,
            reason = "a case table reads best with its row type spelled out"
        )]
        let cases: Vec<(&BTreeSet<Permission>, bool, &BTreeSet<Permission>, bool, bool)> = vec![
            (&helpdesk, false, &agent, false, true),
            (&helpdesk, false, &helpdesk, false, false),
            (&helpdesk, false, &all, false, false),
            (&helpdesk, false, &agent, true, false),
            (&agent, false, &helpdesk, false, false),
            (&all, false, &all, true, false),
            (&all, true, &all, true, true),
            (&helpdesk, true, &all, false, true),
        ];
        for (i, (actor, actor_admin, target, target_admin, allowed)) in cases.into_iter().enumerate() {
            let got = check_over(
                Grantor {
                    permissions: actor,
                    is_admin: actor_admin,
                },
                Target {
                    permissions: target,
                    is_admin: target_admin,
                },
            );
            assert_eq!(got.is_ok(), allowed, "case {i}");
            if let Err(e) = got {
                assert_eq!(e.code, ErrorCode::TargetOutranksActor);
            }
        }
    }
}

/// A model of roles, groups and users on which the property test runs every sequence of
/// access-granting calls an attacker could make, each guarded by the same checks the services
/// apply (the call's own permission, then [`check`]).
#[cfg(test)]
mod model {
    use super::*;
    use proptest::prelude::*;

    const ADMIN_ROLE: usize = 0;

    #[derive(Debug, Clone)]
    struct World {
        /// Role index → its permissions; role 0 is the system admin role (every permission, fixed).
        roles: Vec<BTreeSet<Permission>>,
        /// User index → the roles they hold directly.
        user_roles: Vec<BTreeSet<usize>>,
        /// Group index → (its roles, its direct members).
        groups: Vec<(BTreeSet<usize>, BTreeSet<usize>)>,
    }

    impl World {
        fn roles_of(&self, user: usize) -> BTreeSet<usize> {
            let mut r = self.user_roles[user].clone();
            for (roles, members) in &self.groups {
                if members.contains(&user) {
                    r.extend(roles.iter().copied());
                }
            }
            r
        }

        fn permissions_of(&self, user: usize) -> BTreeSet<Permission> {
            self.roles_of(user)
                .iter()
                .flat_map(|r| self.roles[*r].iter().copied())
                .collect()
        }

        fn is_admin(&self, user: usize) -> bool {
            self.roles_of(user).contains(&ADMIN_ROLE)
        }

        fn conferral_of_roles(&self, roles: &BTreeSet<usize>) -> Conferral {
            let mut c = Conferral::default();
            for r in roles {
                c.add(self.roles[*r].iter().copied(), *r == ADMIN_ROLE);
            }
            c
        }

        /// Applies one call made by `actor`; refused calls change nothing.
        fn apply(&mut self, actor: usize, op: &Op) {
            let held = self.permissions_of(actor);
            let grantor = Grantor {
                permissions: &held,
                is_admin: self.is_admin(actor),
            };
            let n_roles = self.roles.len();
            let n_users = self.user_roles.len();
            let n_groups = self.groups.len();
            match *op {
                Op::GrantUserRole { user, role } => {
                    let (user, role) = (user % n_users, role % n_roles);
                    let c = self.conferral_of_roles(&BTreeSet::from([role]));
                    if held.contains(&Permission::RolesAdmin) && check(grantor, &c).is_ok() {
                        self.user_roles[user].insert(role);
                    }
                }
                Op::CreateUser { role } => {
                    let role = role % n_roles;
                    let c = self.conferral_of_roles(&BTreeSet::from([role]));
                    if held.contains(&Permission::UsersCreate) && check(grantor, &c).is_ok() {
                        self.user_roles.push(BTreeSet::from([role]));
                    }
                }
                Op::AddMember { group, user } => {
                    let (group, user) = (group % n_groups, user % n_users);
                    let c = self.conferral_of_roles(&self.groups[group].0);
                    if held.contains(&Permission::GroupsUpdate) && check(grantor, &c).is_ok() {
                        self.groups[group].1.insert(user);
                    }
                }
                Op::GrantGroupRole { group, role } => {
                    let (group, role) = (group % n_groups, role % n_roles);
                    let c = self.conferral_of_roles(&BTreeSet::from([role]));
                    if held.contains(&Permission::RolesAdmin) && check(grantor, &c).is_ok() {
                        self.groups[group].0.insert(role);
                    }
                }
                Op::WidenRole { role, permission } => {
                    let role = role % n_roles;
                    let p = Permission::ALL[permission % Permission::ALL.len()];
                    let c = Conferral::of([p]);
                    if role != ADMIN_ROLE && held.contains(&Permission::RolesAdmin) && check(grantor, &c).is_ok() {
                        self.roles[role].insert(p);
                    }
                }
                Op::CreateRole { ref permissions } => {
                    let c = Conferral::of(permissions.iter().map(|i| Permission::ALL[i % Permission::ALL.len()]));
                    if held.contains(&Permission::RolesAdmin) && check(grantor, &c).is_ok() {
                        self.roles.push(c.permissions);
                    }
                }
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        GrantUserRole { user: usize, role: usize },
        CreateUser { role: usize },
        AddMember { group: usize, user: usize },
        GrantGroupRole { group: usize, role: usize },
        WidenRole { role: usize, permission: usize },
        CreateRole { permissions: Vec<usize> },
    }

    fn permission_set() -> impl Strategy<Value = BTreeSet<Permission>> {
        proptest::collection::btree_set(0..Permission::ALL.len(), 0..8)
            .prop_map(|s| s.into_iter().map(|i| Permission::ALL[i]).collect())
    }

    fn world() -> impl Strategy<Value = World> {
        (
            proptest::collection::vec(permission_set(), 1..6),
            proptest::collection::vec(proptest::collection::btree_set(0..6usize, 0..3), 2..6),
            proptest::collection::vec(
                (
                    proptest::collection::btree_set(0..6usize, 0..3),
                    proptest::collection::btree_set(0..6usize, 0..4),
                ),
                1..5,
            ),
        )
            .prop_map(|(custom, users, groups)| {
                let mut roles = vec![Permission::ALL.iter().copied().collect::<BTreeSet<_>>()];
                roles.extend(custom);
                let n_roles = roles.len();
                let n_users = users.len();
                // User 0 is the attacker and never starts as an administrator.
                let user_roles = users
                    .into_iter()
                    .enumerate()
                    .map(|(u, rs)| {
                        rs.into_iter()
                            .map(|r| r % n_roles)
                            .filter(|r| u != 0 || *r != ADMIN_ROLE)
                            .collect()
                    })
                    .collect();
                let groups = groups
                    .into_iter()
                    .map(|(rs, ms)| {
                        let rs: BTreeSet<usize> = rs.into_iter().map(|r| r % n_roles).collect();
                        let ms: BTreeSet<usize> = ms
                            .into_iter()
                            .map(|m| m % n_users)
                            .filter(|m| *m != 0 || !rs.contains(&ADMIN_ROLE))
                            .collect();
                        (rs, ms)
                    })
                    .collect();
                World {
                    roles,
                    user_roles,
                    groups,
                }
            })
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..8usize, 0..8usize).prop_map(|(user, role)| Op::GrantUserRole { user, role }),
            (0..8usize).prop_map(|role| Op::CreateUser { role }),
            (0..8usize, 0..8usize).prop_map(|(group, user)| Op::AddMember { group, user }),
            (0..8usize, 0..8usize).prop_map(|(group, role)| Op::GrantGroupRole { group, role }),
            (0..8usize, 0..32usize).prop_map(|(role, permission)| Op::WidenRole { role, permission }),
            proptest::collection::vec(0..32usize, 0..6).prop_map(|permissions| Op::CreateRole { permissions }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever the attacker (user 0) calls, they end holding nothing they did not hold at
        /// the start, never become an administrator, and nobody else receives a permission
        /// that neither they nor the attacker held.
        #[test]
        fn no_sequence_of_grants_widens_the_granter(start in world(), ops in proptest::collection::vec(op(), 1..40)) {
            let mut w = start.clone();
            let before: Vec<BTreeSet<Permission>> = (0..w.user_roles.len()).map(|u| w.permissions_of(u)).collect();
            for op in &ops {
                w.apply(0, op);
            }
            prop_assert!(w.permissions_of(0).is_subset(&before[0]), "attacker widened: {:?} -> {:?}", before[0], w.permissions_of(0));
            prop_assert!(!w.is_admin(0), "attacker became admin");
            for (u, held_before) in before.iter().enumerate() {
                let allowed: BTreeSet<Permission> = held_before.union(&before[0]).copied().collect();
                prop_assert!(w.permissions_of(u).is_subset(&allowed), "user {u} received what nobody could give");
                prop_assert!(!w.is_admin(u) || start.is_admin(u), "user {u} was made admin by a non-admin");
            }
            for u in before.len()..w.user_roles.len() {
                prop_assert!(w.permissions_of(u).is_subset(&before[0]), "created user {u} holds more than its creator");
                prop_assert!(!w.is_admin(u));
            }
        }
    }
}
