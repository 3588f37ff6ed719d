//! API keys for service accounts: created with a subset of the creator's permissions and an
//! optional expiry, shown once, stored only as a SHA-256 hash, usable as a Bearer token,
//! listed with their last use, and revocable.
//!
//! A key reads `flk_<tenant uuid, simple>_<32 random bytes, base64url>`: the tenant part lets
//! [`Services::authenticate`] find the tenant without a cross-tenant lookup (as refresh tokens
//! do, ADR 0003). A key acts with its own permissions intersected with its creator's current
//! ones, and only while the creator is active, so a key never outlives or outranks its creator.

use crate::Services;
use crate::ctx::{Actor, Ctx, RequestMeta};
use crate::record::{self, Change};
use base64::Engine;
use chrono::{DateTime, Utc};
use firelater_core::audit::Diff;
use firelater_core::error::Validator;
use firelater_core::events::{ApiKeyData, Event};
use firelater_core::grant::Conferral;
use firelater_core::ids::{ApiKeyId, TenantId, UserId};
use firelater_core::list::{FilterKind, FilterSpec, ListParams, ListSpec, Order, Page};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::repo::{api_keys, roles};
use std::collections::BTreeSet;
use uuid::Uuid;

/// What every API key starts with; [`Services::authenticate`] routes such tokens here.
pub const KEY_PREFIX: &str = "flk_";

/// How many characters of a key's secret part lists show, to tell keys apart.
const SHOWN_PREFIX_LEN: usize = 8;

/// Length of the base64url (unpadded) encoding of the 32-byte secret.
const SECRET_LEN: usize = 43;

/// How stale `last_used_at` may get before a request records a new use.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(1);

/// What `GET /api-keys` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["created_at", "name", "last_used_at", "expires_at"],
    default_sort: "created_at",
    default_order: Order::Desc,
    filters: &[
        FilterSpec {
            param: "created_by",
            column: "created_by",
            kind: FilterKind::Uuid,
            description: "Keys created by this user.",
        },
        FilterSpec::CREATED_AFTER,
        FilterSpec::CREATED_BEFORE,
    ],
    fields: &[
        "id",
        "name",
        "prefix",
        "permissions",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ],
    includes: &[],
    searchable: false,
};

/// An API key to create.
#[derive(Debug, Clone, Default)]
pub struct NewApiKey {
    /// A name for humans, e.g. the service that uses it.
    pub name: String,
    /// Permission keys (`resource:action`) to grant; each must be held by the creator. None is
    /// allowed: such a key authenticates but may do nothing that needs a permission.
    pub permissions: Vec<String>,
    /// When the key stops working; never when absent.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API key as listed: everything but the secret, which is never stored.
pub use firelater_core::api_keys::ApiKey;

/// A freshly created key: the only time the secret is handed out.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    /// The whole key, for `Authorization: Bearer`.
    pub key: String,
    /// The stored key.
    pub api_key: ApiKey,
}

fn permission_keys(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn new_key(tenant: TenantId) -> String {
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    format!(
        "{KEY_PREFIX}{}_{}",
        tenant.0.simple(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    )
}

/// Splits a key into its tenant and its secret part; `None` when it is not shaped like one.
/// The secret's base64url alphabet contains `_`, so the parts are cut by position.
fn parse_key(key: &str) -> Option<(TenantId, &str)> {
    let rest = key.strip_prefix(KEY_PREFIX)?;
    let tenant = rest.get(..32)?;
    let secret = rest.get(32..)?.strip_prefix('_')?;
    if secret.len() != SECRET_LEN || !tenant.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Uuid::try_parse(tenant).ok().map(|t| (TenantId(t), secret))
}

fn invalid_key(detail: &str) -> Error {
    Error::new(ErrorCode::InvalidToken, detail)
}

impl Services {
    /// Creates an API key (needs `api_keys:create`) granting a subset of the caller's own
    /// permissions. Only a signed-in user may create keys, so a key cannot mint more keys.
    pub async fn create_api_key(&self, ctx: &Ctx, input: NewApiKey) -> Result<CreatedApiKey, Error> {
        ctx.require(Permission::ApiKeysCreate)?;
        let creator = ctx.require_user()?;
        let now = self.now();
        let mut v = Validator::new();
        let name = v.check(validate::name("name", &input.name));
        let mut granted = BTreeSet::new();
        let mut unknown = Vec::new();
        for key in &input.permissions {
            match key.parse::<Permission>() {
                Ok(p) => {
                    granted.insert(p);
                }
                Err(()) => unknown.push(key.as_str()),
            }
        }
        if !unknown.is_empty() {
            v.add("permissions", format!("unknown permissions: {}", unknown.join(", ")));
        }
        if input.expires_at.is_some_and(|at| at <= now) {
            v.add("expires_at", "must be in the future");
        }
        v.finish()?;
        let name = name.ok_or_else(|| Error::internal("validated name missing"))?;
        let permissions: Vec<String> = granted.iter().map(|p| p.key().to_owned()).collect();
        let key = new_key(ctx.tenant);
        let prefix = parse_key(&key)
            .and_then(|(_, secret)| secret.get(..SHOWN_PREFIX_LEN).map(str::to_owned))
            .ok_or_else(|| Error::internal("a new API key does not parse"))?;
        let tx = self.db.tenant_write(ctx.tenant).await?;
        // A key's scopes are a grant like any other: only what the creator holds.
        self.check_grant(&tx, ctx, &Conferral::of(granted.iter().copied()))
            .await?;
        let row = api_keys::insert(
            &tx,
            api_keys::NewApiKeyRow {
                id: ApiKeyId::new(),
                name,
                prefix,
                key_hash: crate::auth::token_hash(&key),
                permissions,
                created_by: creator,
                expires_at: input.expires_at,
            },
            now,
        )
        .await?;
        let api_key = row;
        let diff = Diff::new()
            .created("name", &api_key.name)
            .created("prefix", &api_key.prefix)
            .created("permissions", &api_key.permissions)
            .created("expires_at", &api_key.expires_at);
        let data = ApiKeyData {
            id: api_key.id.0,
            name: api_key.name.clone(),
            prefix: api_key.prefix.clone(),
            created_by: Some(api_key.created_by.0),
        };
        record::change(&tx, ctx, now, Change::event(Event::ApiKeyCreated(data)).diff(diff)).await?;
        tx.commit().await?;
        Ok(CreatedApiKey { key, api_key })
    }

    /// Lists the tenant's API keys, revoked ones included (needs `api_keys:read`).
    pub async fn list_api_keys(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<ApiKey>, Error> {
        ctx.require(Permission::ApiKeysRead)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = api_keys::list(&tx, params).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// Revokes an API key (needs `api_keys:revoke`); it stops working on the next request.
    /// Revoking a revoked key changes nothing.
    pub async fn revoke_api_key(&self, ctx: &Ctx, id: ApiKeyId) -> Result<ApiKey, Error> {
        ctx.require(Permission::ApiKeysRevoke)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let before = api_keys::find(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("API key"))?;
        if before.revoked_at.is_some() {
            tx.commit().await?;
            return Ok(before);
        }
        let after = api_keys::revoke(&tx, id, now)
            .await?
            .ok_or_else(|| Error::not_found("API key"))?;
        let diff = Diff::new().field("revoked_at", &before.revoked_at, &after.revoked_at);
        let data = ApiKeyData {
            id: id.0,
            name: after.name.clone(),
            prefix: after.prefix.clone(),
            created_by: Some(after.created_by.0),
        };
        record::change(&tx, ctx, now, Change::event(Event::ApiKeyRevoked(data)).diff(diff)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Turns an API key presented as a Bearer token into a [`Ctx`]: the key must exist in the
    /// tenant it names, be neither revoked nor expired, and its creator must be active. Its
    /// permissions are the key's, cut down to what the creator holds now.
    pub(crate) async fn authenticate_api_key(&self, bearer: &str, meta: RequestMeta) -> Result<Ctx, Error> {
        let now = self.now();
        let (tenant, _) = parse_key(bearer).ok_or_else(|| invalid_key("the token is invalid or has expired"))?;
        let tx = self.db.tenant_read(tenant).await?;
        let state = api_keys::auth_state(&tx, &crate::auth::token_hash(bearer))
            .await?
            .ok_or_else(|| invalid_key("the token is invalid or has expired"))?;
        if state.revoked_at.is_some() {
            return Err(invalid_key("this API key was revoked"));
        }
        if state.expires_at.is_some_and(|at| at <= now) {
            return Err(invalid_key("this API key has expired"));
        }
        if state.user_status != "active" {
            return Err(invalid_key("the user who created this API key is no longer active"));
        }
        if state.tenant_status != "active" {
            return Err(Error::new(ErrorCode::TenantSuspended, "this tenant is suspended"));
        }
        let held: BTreeSet<Permission> = roles::permission_keys_of(&tx, UserId(state.created_by))
            .await?
            .iter()
            .filter_map(|k| k.parse().ok())
            .collect();
        tx.commit().await?;
        let permissions = permission_keys(&state.permissions)
            .iter()
            .filter_map(|k| k.parse().ok())
            .filter(|p| held.contains(p))
            .collect();
        if state.last_used_at.is_none_or(|at| at < now - TOUCH_EVERY) {
            // A separate, conditional write at most once a minute; a failure to record the use
            // must not refuse a valid key.
            let touched = async {
                let tx = self.db.tenant_write(tenant).await?;
                api_keys::touch_if_stale(&tx, state.id, now, now - TOUCH_EVERY).await?;
                tx.commit().await
            };
            if let Err(e) = touched.await {
                tracing::warn!(error = %e, api_key = %state.id, "could not record the API key's use");
            }
        }
        Ok(Ctx {
            tenant,
            actor: Actor::ApiKey(ApiKeyId(state.id)),
            session: None,
            permissions,
            meta,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_their_tenant_and_a_43_character_secret() {
        let t = TenantId::new();
        for _ in 0..50 {
            let key = new_key(t);
            assert!(key.starts_with(KEY_PREFIX));
            let (tenant, secret) = parse_key(&key).expect("a new key parses");
            assert_eq!(tenant, t);
            assert_eq!(secret.len(), SECRET_LEN);
        }
    }

    #[test]
    fn malformed_keys_do_not_parse() {
        let t = TenantId::new().0.simple().to_string();
        let secret = "a".repeat(SECRET_LEN);
        assert!(parse_key(&format!("flk_{t}_{secret}")).is_some());
        for bad in [
            String::new(),
            "flk_".to_owned(),
            format!("flk_{t}{secret}"),
            format!("flk_{t}_{}", &secret[1..]),
            format!("xyz_{t}_{secret}"),
            format!("flk_{}_{secret}", "z".repeat(32)),
            format!("flk_{t}_{secret}é"),
        ] {
            assert!(parse_key(&bad).is_none(), "{bad:?} parsed");
        }
    }
}
