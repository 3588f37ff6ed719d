//! Login, token refresh and logout, and turning a bearer token into a [`Ctx`].
//!
//! Access tokens are short-lived JWTs naming the user, tenant and session. Refresh tokens are
//! opaque (`<tenant>.<secret>`), stored hashed, rotated on every use; presenting a rotated one
//! again revokes its whole session, since only a thief would hold a spent token. Every request
//! checks that its session is still live, so logout and revocation act at once.

use crate::ctx::{Actor, Ctx, RequestMeta};
use crate::record::{self, Change};
use crate::{AuthSettings, Services};
use base64::Engine;
use chrono::{DateTime, Utc};
use firelater_core::events::{Event, SessionData};
use firelater_core::ids::{SessionId, TenantId, UserId};
use firelater_core::tenants::{Tenant, TenantStatus};
use firelater_core::users::{User, UserStatus};
use firelater_core::{Error, ErrorCode, Permission, validate};
use firelater_db::repo::{mfa, roles, sessions, tenants, users};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Signing keys and lifetimes.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetimes.
    pub settings: AuthSettings,
}

impl Keys {
    /// Keys from settings.
    pub fn new(settings: AuthSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the injected clock, not the machine's.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(&settings.signing_key),
            decoding: DecodingKey::from_secret(&settings.signing_key),
            validation,
            settings,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    tid: Uuid,
    sid: Uuid,
    iat: i64,
    exp: i64,
}

/// A login request.
#[derive(Debug, Clone)]
pub struct LoginInput {
    /// The tenant's slug.
    pub tenant: String,
    /// The user's email.
    pub email: String,
    /// The password.
    pub password: String,
    /// A current TOTP code or an unused recovery code, for users with MFA on.
    pub mfa_code: Option<String>,
}

/// Tokens handed out by login and refresh.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The JWT access token.
    pub access_token: String,
    /// The opaque refresh token.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The signed-in user.
    pub user: User,
    /// Whether they have multi-factor authentication on.
    pub mfa_enabled: bool,
}

/// The signed-in user with their tenant, roles and permissions.
#[derive(Debug, Clone)]
pub struct Me {
    /// The user.
    pub user: User,
    /// Whether they have multi-factor authentication on.
    pub mfa_enabled: bool,
    /// Their tenant.
    pub tenant: Tenant,
    /// The roles they hold directly.
    pub roles: Vec<firelater_core::roles::Role>,
    /// Their effective permissions.
    pub permissions: BTreeSet<Permission>,
}

fn invalid_credentials() -> Error {
    Error::new(ErrorCode::InvalidCredentials, "the tenant, email or password is wrong")
}

fn invalid_token() -> Error {
    Error::new(ErrorCode::InvalidToken, "the token is invalid or has expired")
}

/// SHA-256 of a token, hex: what is stored instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_refresh_token(tenant: TenantId) -> String {
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    format!(
        "{}.{}",
        tenant.0.simple(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    )
}

fn tenant_of_refresh_token(token: &str) -> Option<TenantId> {
    let (tenant, secret) = token.split_once('.')?;
    if secret.len() != 43 {
        return None;
    }
    Uuid::try_parse(tenant).ok().map(TenantId)
}

impl Services {
    fn access_token(
        &self,
        user: UserId,
        tenant: TenantId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<(String, i64), Error> {
        let ttl = self.auth.settings.access_ttl;
        let claims = Claims {
            sub: user.0,
            tid: tenant.0,
            sid: session.0,
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.auth.encoding)
            .map_err(|e| Error::internal(format!("jwt: {e}")))?;
        Ok((token, ttl.num_seconds()))
    }

    /// Checks credentials and opens a session.
    pub async fn login(&self, input: LoginInput, meta: RequestMeta) -> Result<Tokens, Error> {
        let now = self.now();
        let email = validate::email("email", &input.email).ok();
        let tenant = match validate::slug("tenant", &input.tenant) {
            Ok(slug) => tenants::find_by_slug(self.db.system(), &slug).await?,
            Err(_) => None,
        };
        let user = match (&tenant, &email) {
            (Some(t), Some(email)) => {
                let tx = self.db.tenant_read(t.id).await?;
                users::find_by_email(&tx, email).await?
            }
            _ => None,
        };
        let usable = user.as_ref().filter(|u| u.status == UserStatus::Active);
        let ok = self
            .hasher
            .verify(input.password, usable.and_then(|u| u.password_hash.clone()))
            .await?;
        // A suspended tenant answers every sign-in the same, whatever the email and password:
        // checked before the password's verdict is used, so the answer cannot confirm a
        // password, and nothing is counted against the account while nobody can sign in.
        if tenant.as_ref().is_some_and(|t| t.status != TenantStatus::Active) {
            return Err(Error::new(ErrorCode::TenantSuspended, "this tenant is suspended"));
        }
        let (Some(tenant), Some(user)) = (tenant, user) else {
            return Err(invalid_credentials());
        };
        let tenant_id = tenant.id;
        let mut ctx = Ctx::system(tenant_id);
        ctx.actor = Actor::User(user.id);
        ctx.meta = meta;
        // A locked account answers exactly like a wrong password, so a guesser learns nothing,
        // and the right password does not open it before the lock ends.
        let locked = user.locked_until.is_some_and(|until| until > now);
        if !ok || locked {
            let tx = self.db.tenant_write(tenant_id).await?;
            if locked {
                record::change(&tx, &ctx, now, Change::audit("auth.login_locked", "user", user.id)).await?;
            } else {
                record::change(&tx, &ctx, now, Change::audit("auth.login_failed", "user", user.id)).await?;
                self.count_failed_password(&tx, &ctx, user.id, now).await?;
            }
            tx.commit().await?;
            return Err(invalid_credentials());
        }
        let session = SessionId::new();
        let refresh = new_refresh_token(tenant_id);
        let tx = self.db.tenant_write(tenant_id).await?;
        // With MFA on, the password alone opens nothing: no session without the second factor.
        if let Some(refusal) = self
            .check_login_mfa(&tx, &ctx, user.id, input.mfa_code.as_deref(), now)
            .await?
        {
            tx.commit().await?;
            return Err(refusal);
        }
        sessions::create(
            &tx,
            sessions::NewSession {
                id: session.0,
                user_id: user.id.0,
                user_agent: ctx.meta.user_agent.clone(),
                ip: ctx.meta.ip.clone(),
                expires_at: now + self.auth.settings.refresh_ttl,
            },
            now,
        )
        .await?;
        sessions::add_refresh_token(
            &tx,
            session.0,
            token_hash(&refresh),
            now,
            now + self.auth.settings.refresh_ttl,
        )
        .await?;
        let changes = users::UserChanges {
            last_login_at: Some(now),
            failed_login_count: (user.failed_login_count != 0).then_some(0),
            locked_until: user.locked_until.map(|_| None),
            ..Default::default()
        };
        let user = users::update(&tx, user.id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        ctx.session = Some(session);
        let change = Change::audit("auth.login", "user", user.id)
            .details(serde_json::json!({"session_id": session}))
            .with_event(Event::SessionStarted(SessionData {
                id: session.0,
                user_id: user.id.0,
            }));
        record::change(&tx, &ctx, now, change).await?;
        let mfa_enabled = mfa::is_enabled(&tx, user.id).await?;
        tx.commit().await?;
        let (access_token, expires_in) = self.access_token(user.id, tenant_id, session, now)?;
        Ok(Tokens {
            access_token,
            refresh_token: refresh,
            expires_in,
            user,
            mfa_enabled,
        })
    }

    /// Rotates a refresh token: the old one is spent, a new pair is returned. A spent token
    /// presented again revokes its session.
    pub async fn refresh(&self, refresh_token: &str, meta: RequestMeta) -> Result<Tokens, Error> {
        let now = self.now();
        let tenant_id = tenant_of_refresh_token(refresh_token).ok_or_else(invalid_token)?;
        let tenant = tenants::find(self.db.system(), tenant_id)
            .await?
            .ok_or_else(invalid_token)?;
        if tenant.status != TenantStatus::Active {
            return Err(Error::new(ErrorCode::TenantSuspended, "this tenant is suspended"));
        }
        let tx = self.db.tenant_write(tenant_id).await?;
        let token = sessions::find_refresh_token(&tx, &token_hash(refresh_token))
            .await?
            .ok_or_else(invalid_token)?;
        let session = sessions::find(&tx, token.session_id).await?.ok_or_else(invalid_token)?;
        let mut ctx = Ctx::system(tenant_id);
        ctx.actor = Actor::User(UserId(session.user_id));
        ctx.session = Some(SessionId(session.id));
        ctx.meta = meta;
        let fresh = token.rotated_at.is_none() && sessions::mark_rotated(&tx, token.id, now).await?;
        if !fresh {
            sessions::revoke(&tx, session.id, "refresh_token_reused", now).await?;
            record::change(
                &tx,
                &ctx,
                now,
                Change::audit("auth.refresh_token_reused", "session", session.id),
            )
            .await?;
            tx.commit().await?;
            return Err(Error::new(
                ErrorCode::RefreshTokenReused,
                "this refresh token was already used; the session is revoked",
            ));
        }
        if session.revoked_at.is_some() || session.expires_at <= now || token.expires_at <= now {
            return Err(invalid_token());
        }
        let user = users::find(&tx, UserId(session.user_id))
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or_else(invalid_token)?;
        let refresh = new_refresh_token(tenant_id);
        sessions::add_refresh_token(
            &tx,
            session.id,
            token_hash(&refresh),
            now,
            now + self.auth.settings.refresh_ttl,
        )
        .await?;
        sessions::touch(&tx, session.id, now).await?;
        let mfa_enabled = mfa::is_enabled(&tx, user.id).await?;
        tx.commit().await?;
        let (access_token, expires_in) = self.access_token(user.id, tenant_id, SessionId(session.id), now)?;
        Ok(Tokens {
            access_token,
            refresh_token: refresh,
            expires_in,
            user,
            mfa_enabled,
        })
    }

    /// Ends the caller's session; its tokens stop working at once.
    pub async fn logout(&self, ctx: &Ctx) -> Result<(), Error> {
        let now = self.now();
        let session = ctx
            .session
            .ok_or_else(|| Error::new(ErrorCode::BadRequest, "this credential has no session to end"))?;
        let tx = self.db.tenant_write(ctx.tenant).await?;
        sessions::revoke(&tx, session.0, "logout", now).await?;
        let user_id = ctx.require_user()?.0;
        let change = Change::audit("auth.logout", "session", session.0)
            .with_event(Event::SessionRevoked(SessionData { id: session.0, user_id }));
        record::change(&tx, ctx, now, change).await?;
        tx.commit().await
    }

    /// Verifies an access token and loads the caller: the session must be live, the user
    /// active, the tenant active. A token starting with `flk_` is an API key instead
    /// ([`crate::api_keys`]).
    pub async fn authenticate(&self, bearer: &str, meta: RequestMeta) -> Result<Ctx, Error> {
        if bearer.starts_with(crate::api_keys::KEY_PREFIX) {
            return self.authenticate_api_key(bearer, meta).await;
        }
        let now = self.now();
        let claims = jsonwebtoken::decode::<Claims>(bearer, &self.auth.decoding, &self.auth.validation)
            .map_err(|_| invalid_token())?
            .claims;
        if claims.exp <= now.timestamp() {
            return Err(invalid_token());
        }
        let tenant = TenantId(claims.tid);
        let tx = self.db.tenant_read(tenant).await?;
        let state = sessions::auth_state(&tx, claims.sid).await?.ok_or_else(invalid_token)?;
        if state.user_id != claims.sub {
            return Err(invalid_token());
        }
        if state.revoked_at.is_some() || state.expires_at <= now || state.user_status != "active" {
            return Err(Error::new(
                ErrorCode::SessionRevoked,
                "this session has ended; sign in again",
            ));
        }
        if state.tenant_status != "active" {
            return Err(Error::new(ErrorCode::TenantSuspended, "this tenant is suspended"));
        }
        let permissions = roles::permission_keys_of(&tx, UserId(claims.sub))
            .await?
            .iter()
            .filter_map(|k| k.parse().ok())
            .collect();
        tx.commit().await?;
        self.touch_session_if_stale(tenant, claims.sid, state.last_used_at, now)
            .await;
        Ok(Ctx {
            tenant,
            actor: Actor::User(UserId(claims.sub)),
            session: Some(SessionId(claims.sid)),
            permissions,
            meta,
        })
    }

    /// The caller's own profile.
    pub async fn me(&self, ctx: &Ctx) -> Result<Me, Error> {
        let user_id = ctx.user_id().ok_or_else(|| Error::not_found("user"))?;
        let tenant = tenants::find(self.db.system(), ctx.tenant)
            .await?
            .ok_or_else(|| Error::not_found("tenant"))?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let user = users::find(&tx, user_id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let roles = roles::roles_of_users(&tx, &[user.id])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let mfa_enabled = mfa::is_enabled(&tx, user.id).await?;
        tx.commit().await?;
        Ok(Me {
            user,
            mfa_enabled,
            tenant,
            roles,
            permissions: ctx.permissions.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_carry_their_tenant() {
        let t = TenantId::new();
        let token = new_refresh_token(t);
        assert_eq!(tenant_of_refresh_token(&token), Some(t));
        assert_eq!(tenant_of_refresh_token("garbage"), None);
        assert_eq!(tenant_of_refresh_token(&format!("{}.short", t.0.simple())), None);
    }

    #[test]
    fn token_hashes_are_stable_hex() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(token_hash("abc"), token_hash("abd"));
    }
}
