//! `Idempotency-Key` bookkeeping for the HTTP layer: claim a key before running a POST, store
//! its response after, forget it when the server failed.

use crate::Services;
use crate::ctx::Ctx;
use firelater_core::Error;
use firelater_db::repo::idempotency as repo;
pub use firelater_db::repo::idempotency::Claim;

impl Services {
    /// Claims `key` for the caller's request, committed at once so a concurrent retry sees it.
    pub async fn idempotency_claim(
        &self,
        ctx: &Ctx,
        key: &str,
        method: &str,
        path: &str,
        request_hash: &str,
    ) -> Result<Claim, Error> {
        let Some(user) = ctx.actor_id() else {
            return Ok(Claim::Fresh);
        };
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let claim = repo::claim(&tx, user, key, method, path, request_hash, self.now()).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// Stores the response of a claimed key.
    pub async fn idempotency_complete(&self, ctx: &Ctx, key: &str, status: u16, body: String) -> Result<(), Error> {
        let Some(user) = ctx.actor_id() else { return Ok(()) };
        let tx = self.db.tenant_write(ctx.tenant).await?;
        repo::complete(&tx, user, key, status, body).await?;
        tx.commit().await
    }

    /// Releases a claimed key after a server-side failure.
    pub async fn idempotency_abandon(&self, ctx: &Ctx, key: &str) -> Result<(), Error> {
        let Some(user) = ctx.actor_id() else { return Ok(()) };
        let tx = self.db.tenant_write(ctx.tenant).await?;
        repo::abandon(&tx, user, key).await?;
        tx.commit().await
    }
}
