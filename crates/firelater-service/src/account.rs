//! Account security beyond sign-in: changing a password, and resetting a forgotten one with a
//! single-use token sent by email through the outbox. Both end every session of the user, so
//! a stolen token stops working on its next request.

use crate::auth::token_hash;
use crate::ctx::{Actor, Ctx, RequestMeta};
use crate::{Services, record};
use base64::Engine;
use firelater_core::ids::{TenantId, UserId};
use firelater_core::{Error, Permission, validate};
use firelater_db::repo::{outbox, password_resets, sessions, tenants, users};
use serde_json::json;
use uuid::Uuid;

/// The outbox event that asks the notification module to send an email.
pub const EMAIL_EVENT: &str = "email.requested";

fn new_reset_token(tenant: TenantId) -> String {
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    format!(
        "{}.{}",
        tenant.0.simple(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    )
}

fn invalid_reset_token() -> Error {
    Error::field("token", "the reset link is invalid, used or expired; ask for a new one")
}

impl Services {
    /// Changes a user's password. Users change their own by giving the current one; holders
    /// of `users:admin` may set anyone's. Every session of the user ends.
    pub async fn change_password(
        &self,
        ctx: &Ctx,
        id: Uuid,
        current: Option<String>,
        new: String,
    ) -> Result<(), Error> {
        let own = ctx.user_id().map(|u| u.0) == Some(id);
        if !own {
            ctx.require(Permission::UsersAdmin)?;
        }
        validate::password("new_password", &new)?;
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let user = users::find(&tx, id).await?.ok_or_else(|| Error::not_found("user"))?;
        tx.commit().await?;
        if own {
            let Some(current) = current else {
                return Err(Error::field(
                    "current_password",
                    "is required to change your own password",
                ));
            };
            if !self.hasher.verify(current, user.password_hash.clone()).await? {
                return Err(Error::field("current_password", "is wrong"));
            }
        }
        let hash = self.hasher.hash(new).await?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let changes = users::UserChanges {
            password_hash: Some(Some(hash)),
            status: (user.status == "pending").then(|| "active".to_owned()),
            ..Default::default()
        };
        users::update(&tx, id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        sessions::revoke_all_of_user(&tx, id, "password_changed", now).await?;
        password_resets::void_all_of_user(&tx, id, now).await?;
        let by = if own { "self" } else { "admin" };
        record::audit(
            &tx,
            ctx,
            "auth.password_changed",
            "user",
            Some(id),
            Some(json!({"by": by})),
            now,
        )
        .await?;
        tx.commit().await
    }

    /// Starts a password reset: when the tenant and an active user with this email exist, a
    /// single-use token valid for an hour is stored (hashed) and an email with the link is
    /// written to the outbox. The answer is the same whether or not anyone matched.
    pub async fn forgot_password(&self, tenant_slug: &str, email: &str, meta: RequestMeta) -> Result<(), Error> {
        let (Ok(slug), Ok(email)) = (validate::slug("tenant", tenant_slug), validate::email("email", email)) else {
            return Ok(());
        };
        let Some(tenant) = tenants::find_by_slug(self.db.system(), &slug).await? else {
            return Ok(());
        };
        let tenant_id = TenantId(tenant.id);
        let now = self.now();
        let tx = self.db.tenant_write(tenant_id).await?;
        let Some(user) = users::find_by_email(&tx, &email)
            .await?
            .filter(|u| u.status != "inactive")
        else {
            return Ok(());
        };
        let token = new_reset_token(tenant_id);
        let ttl = self.auth.settings.reset_ttl;
        password_resets::create(&tx, user.id, token_hash(&token), meta.ip.clone(), now, now + ttl).await?;
        let link = format!(
            "{}/reset-password?token={token}",
            self.auth.settings.public_url.trim_end_matches('/')
        );
        outbox::append(
            tx.conn(),
            outbox::NewEvent {
                tenant_id: Some(tenant.id),
                event_type: EMAIL_EVENT,
                entity_type: "user",
                entity_id: Some(user.id),
                payload: json!({
                    "template": "password_reset",
                    "to": user.email,
                    "subject": "Reset your FireLater password",
                    "body": format!(
                        "Hello {},\n\nsomeone asked to reset your FireLater password. Open this link within {} minutes to choose a new one:\n\n{link}\n\nIf it was not you, ignore this email; your password stays as it is.\n",
                        user.name,
                        ttl.num_minutes()
                    ),
                    "reset_url": link,
                    "expires_at": now + ttl,
                }),
                occurred_at: now,
            },
        )
        .await?;
        let mut ctx = Ctx::system(tenant_id);
        ctx.actor = Actor::User(UserId(user.id));
        ctx.meta = meta;
        record::audit(
            &tx,
            &ctx,
            "auth.password_reset_requested",
            "user",
            Some(user.id),
            None,
            now,
        )
        .await?;
        tx.commit().await
    }

    /// Completes a reset: spends the token, sets the new password, unlocks the account and
    /// ends every session of the user.
    pub async fn reset_password(&self, token: &str, new: String, meta: RequestMeta) -> Result<(), Error> {
        validate::password("new_password", &new)?;
        let tenant = token
            .split_once('.')
            .and_then(|(t, _)| Uuid::try_parse(t).ok())
            .map(TenantId)
            .ok_or_else(invalid_reset_token)?;
        if tenants::find(self.db.system(), tenant.0).await?.is_none() {
            return Err(invalid_reset_token());
        }
        let hash = self.hasher.hash(new).await?;
        let now = self.now();
        let tx = self.db.tenant_write(tenant).await?;
        let user_id = password_resets::spend(&tx, &token_hash(token), now)
            .await?
            .ok_or_else(invalid_reset_token)?;
        let user = users::find(&tx, user_id).await?.ok_or_else(invalid_reset_token)?;
        if user.status == "inactive" {
            return Err(invalid_reset_token());
        }
        let changes = users::UserChanges {
            password_hash: Some(Some(hash)),
            status: (user.status == "pending").then(|| "active".to_owned()),
            failed_login_count: Some(0),
            locked_until: Some(None),
            ..Default::default()
        };
        users::update(&tx, user_id, None, changes, now).await?;
        sessions::revoke_all_of_user(&tx, user_id, "password_reset", now).await?;
        password_resets::void_all_of_user(&tx, user_id, now).await?;
        let mut ctx = Ctx::system(tenant);
        ctx.actor = Actor::User(UserId(user_id));
        ctx.meta = meta;
        record::audit(&tx, &ctx, "auth.password_reset", "user", Some(user_id), None, now).await?;
        tx.commit().await
    }

    /// Lifts a lockout early (needs `users:admin`).
    pub async fn unlock_user(&self, ctx: &Ctx, id: Uuid) -> Result<(), Error> {
        ctx.require(Permission::UsersAdmin)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let changes = users::UserChanges {
            failed_login_count: Some(0),
            locked_until: Some(None),
            ..Default::default()
        };
        users::update(&tx, id, None, changes, now)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        record::audit(&tx, ctx, "auth.unlocked", "user", Some(id), None, now).await?;
        tx.commit().await
    }
}
