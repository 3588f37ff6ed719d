//! A user's own login sessions: list the live ones (device, IP, last use), revoke one, or
//! revoke all but the current one. Revocation acts on the very next request, because every
//! request checks its session ([`Services::authenticate`]); that check also keeps
//! `last_used_at` current, writing at most once a minute per session.

use crate::Services;
use crate::ctx::Ctx;
use crate::record::{self, Change};
use chrono::{DateTime, Utc};
use firelater_core::audit::Diff;
use firelater_core::events::{Event, SessionData};
use firelater_core::ids::{SessionId, TenantId};
use firelater_core::list::{ListParams, ListSpec, Order, Page};
use firelater_core::{Error, ErrorCode, useragent};
use firelater_db::TenantTx;
use firelater_db::repo::sessions;
use uuid::Uuid;

/// Why a session ended when its user revoked it.
const REVOKED_BY_USER: &str = "revoked_by_user";

/// How stale `last_used_at` may get before a request records a new use.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(1);

/// What `GET /auth/sessions` accepts.
pub const LIST: ListSpec = ListSpec {
    sortable: &["last_used_at", "created_at"],
    default_sort: "last_used_at",
    default_order: Order::Desc,
    filters: &[],
    fields: &[
        "id",
        "user_agent",
        "device",
        "ip",
        "created_at",
        "last_used_at",
        "current",
    ],
    includes: &[],
    searchable: false,
};

/// One live session of the caller.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// Its id.
    pub id: Uuid,
    /// The client's user agent at sign-in.
    pub user_agent: Option<String>,
    /// The user agent in words, e.g. "Firefox on Windows" (`core::useragent::describe`).
    pub device: String,
    /// The client's IP at sign-in.
    pub ip: Option<String>,
    /// Signed in.
    pub created_at: DateTime<Utc>,
    /// Last request, to the minute.
    pub last_used_at: DateTime<Utc>,
    /// Whether this is the session of the request that asks.
    pub current: bool,
}

fn session_of(ctx: &Ctx) -> Result<SessionId, Error> {
    ctx.session
        .ok_or_else(|| Error::new(ErrorCode::BadRequest, "this credential has no session"))
}

async fn revoke_one(tx: &TenantTx, ctx: &Ctx, id: Uuid, now: DateTime<Utc>) -> Result<(), Error> {
    sessions::revoke(tx, id, REVOKED_BY_USER, now).await?;
    let diff = Diff::new().field("revoked_at", &None::<DateTime<Utc>>, &Some(now));
    let user_id = ctx.require_user()?.0;
    let event = Event::SessionRevoked(SessionData { id, user_id });
    record::change(tx, ctx, now, Change::event(event).diff(diff)).await
}

impl Services {
    /// The caller's live sessions, the current one marked.
    pub async fn list_my_sessions(&self, ctx: &Ctx, params: &ListParams) -> Result<Page<SessionView>, Error> {
        let user = ctx.require_user()?;
        let current = ctx.session.map(|s| s.0);
        let tx = self.db.tenant_read(ctx.tenant).await?;
        let page = sessions::list_live_of_user(&tx, user.0, self.now(), params).await?;
        tx.commit().await?;
        Ok(page.map(|s| SessionView {
            current: Some(s.id) == current,
            id: s.id,
            device: useragent::describe(s.user_agent.as_deref().unwrap_or_default()),
            user_agent: s.user_agent,
            ip: s.ip,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
        }))
    }

    /// Revokes another of the caller's live sessions; another user's session, or one that has
    /// ended, is a 404. The session in use is ended by logout instead (a 400 here), so a client
    /// cannot cut the branch it sits on by picking the wrong row of the list.
    pub async fn revoke_my_session(&self, ctx: &Ctx, id: Uuid) -> Result<(), Error> {
        let user = ctx.require_user()?;
        if ctx.session.is_some_and(|s| s.0 == id) {
            return Err(Error::new(
                ErrorCode::BadRequest,
                "this is the session you are using; end it with POST /api/v1/auth/logout",
            ));
        }
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let session = sessions::find(&tx, id)
            .await?
            .filter(|s| s.user_id == user.0 && s.revoked_at.is_none() && s.expires_at > now)
            .ok_or_else(|| Error::not_found("session"))?;
        revoke_one(&tx, ctx, session.id, now).await?;
        tx.commit().await
    }

    /// Revokes every live session of the caller except the current one; returns how many.
    pub async fn revoke_my_other_sessions(&self, ctx: &Ctx) -> Result<u64, Error> {
        let user = ctx.require_user()?;
        let current = session_of(ctx)?;
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let mut revoked = 0;
        for s in sessions::live_of_user(&tx, user.0, now).await? {
            if s.id != current.0 {
                revoke_one(&tx, ctx, s.id, now).await?;
                revoked += 1;
            }
        }
        tx.commit().await?;
        Ok(revoked)
    }

    /// Records a use of a session whose `last_used_at` is over a minute old, in its own small
    /// write; a failure is logged, never turned into a refusal of the request.
    pub(crate) async fn touch_session_if_stale(
        &self,
        tenant: TenantId,
        session: Uuid,
        last_used_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        if last_used_at >= now - TOUCH_EVERY {
            return;
        }
        let touched = async {
            let tx = self.db.tenant_write(tenant).await?;
            sessions::touch_if_stale(&tx, session, now, now - TOUCH_EVERY).await?;
            tx.commit().await
        };
        if let Err(e) = touched.await {
            tracing::warn!(error = %e, %session, "could not record the session's use");
        }
    }
}
