//! Instance secrets kept in the database (the token signing key), so every instance that
//! shares a database signs and checks tokens alike with nothing to configure.

use crate::entities::system_secret;
use crate::{Db, db_err};
use chrono::{DateTime, Utc};
use firelater_core::Error;
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};

/// The secret `name`, created from `generate()` when missing. Concurrent first calls agree on
/// one value: the first insert wins and everyone reads it back.
pub async fn get_or_create(
    db: &Db,
    name: &str,
    generate: impl FnOnce() -> String,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    if let Some(s) = system_secret::Entity::find_by_id(name.to_owned())
        .one(db.system())
        .await
        .map_err(db_err)?
    {
        return Ok(s.value);
    }
    let tx = db.system_write().await?;
    system_secret::Entity::insert(system_secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(generate()),
        created_at: Set(now),
    })
    .on_conflict(OnConflict::column(system_secret::Column::Name).do_nothing().to_owned())
    .exec_without_returning(tx.conn())
    .await
    .map_err(db_err)?;
    let value = system_secret::Entity::find_by_id(name.to_owned())
        .one(tx.conn())
        .await
        .map_err(db_err)?
        .ok_or_else(|| Error::internal("secret vanished"))?
        .value;
    tx.commit().await?;
    Ok(value)
}
