//! String-valued domain enums: statuses, types, priorities. Each is stored and sent as a
//! `snake_case` string, parsed with [`std::str::FromStr`], listed by `ALL`/`NAMES` for list
//! filters, and documented in the OpenAPI document with its values, so the web app gets a
//! TypeScript union.

/// Declares a string enum with `as_str`, `ALL`, `NAMES`, `FromStr`, `Display`, serde and an
/// OpenAPI schema.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vdoc:meta])* $variant:ident = $s:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        // The OpenAPI derive cannot read a name passed through a macro, so it takes the
        // variant names in snake_case: a value must be its variant's name in snake_case,
        // which `enums::tests` checks for every enum.
        #[serde(rename_all = "snake_case")]
        $vis enum $name {
            $($(#[$vdoc])* #[serde(rename = $s)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// Every value's name, in declaration order (for list filters).
            pub const NAMES: &'static [&'static str] = &[$($s),+];

            /// The value's name as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s,)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::enums::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok(Self::$variant),)+
                    _ => Err($crate::enums::UnknownValue {
                        value: s.to_owned(),
                        allowed: Self::NAMES,
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A string that names no value of an enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of {}", allowed.join(", "))]
pub struct UnknownValue {
    /// What was given.
    pub value: String,
    /// The values allowed.
    pub allowed: &'static [&'static str],
}

impl UnknownValue {
    /// The 422 field error for `field`.
    pub fn for_field(&self, field: &str) -> crate::Error {
        crate::Error::field(field, format!("must be one of {}", self.allowed.join(", ")))
    }
}

/// Parses a value read back from the database, where anything else is a bug or a corrupted
/// row rather than bad input.
pub fn stored<T: std::str::FromStr<Err = UnknownValue>>(column: &str, s: &str) -> Result<T, crate::Error> {
    s.parse()
        .map_err(|e: UnknownValue| crate::Error::internal(format!("column {column} holds {e}")))
}

/// The values an enum's OpenAPI schema lists.
#[cfg(test)]
pub(crate) fn schema_values<T: utoipa::PartialSchema>() -> Vec<String> {
    let schema = serde_json::to_value(T::schema()).unwrap_or_default();
    schema["enum"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::schema_values;
    use crate::applications::{ApplicationStatus, Criticality, EnvironmentStatus, EnvironmentType, LifecycleStage};
    use crate::groups::{GroupType, MemberRole};
    use crate::services::{ServiceRelationshipType, ServiceStatus, ServiceType, StakeholderRole};
    use crate::tenants::TenantStatus;
    use crate::users::UserStatus;

    macro_rules! check {
        ($($t:ty),*) => {$(
            assert_eq!(schema_values::<$t>(), <$t>::NAMES, "{} schema", stringify!($t));
            for v in <$t>::ALL {
                assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(v.as_str())));
                assert_eq!(v.as_str().parse::<$t>().ok(), Some(*v));
            }
        )*};
    }

    #[test]
    fn every_enum_documents_stores_and_parses_the_same_names() {
        check!(
            UserStatus,
            TenantStatus,
            GroupType,
            MemberRole,
            ApplicationStatus,
            LifecycleStage,
            Criticality,
            EnvironmentType,
            EnvironmentStatus,
            ServiceType,
            ServiceStatus,
            ServiceRelationshipType,
            StakeholderRole
        );
    }
}
