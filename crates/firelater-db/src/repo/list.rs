//! Applies the shared list conventions ([`ListParams`]) to any entity's query.

use crate::db_err;
use crate::dialect::json_member_text_eq;
use firelater_core::Error;
use firelater_core::list::{FilterValue, ListParams, Order, Page};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order as SeaOrder, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use std::str::FromStr;

fn column<E: EntityTrait>(name: &str) -> Result<E::Column, Error>
where
    E::Column: FromStr,
{
    E::Column::from_str(name).map_err(|_| Error::internal(format!("list spec names unknown column {name}")))
}

/// A case-insensitive "contains" condition on `col`, with `%` and `_` in `q` taken literally.
pub fn contains_ci<C: ColumnTrait>(col: C, q: &str) -> SimpleExpr {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(Expr::col(col))).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// Filters, counts, sorts (with `id` as tie-breaker) and pages `select` as `params` say.
pub async fn page<E, C>(conn: &C, mut select: Select<E>, params: &ListParams) -> Result<Page<E::Model>, Error>
where
    E: EntityTrait,
    E::Column: FromStr,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let backend = conn.get_database_backend();
    for f in &params.filters {
        let col = column::<E>(f.column)?;
        select = select.filter(match &f.value {
            FilterValue::JsonKey { key, value } => json_member_text_eq(backend, f.column, key, value),
            FilterValue::Text(v) => col.eq(v.clone()),
            FilterValue::AnyOf(vs) => col.is_in(vs.clone()),
            FilterValue::Uuid(v) => col.eq(*v),
            FilterValue::Bool(v) => col.eq(*v),
            FilterValue::After(t) => col.gte(*t),
            FilterValue::Before(t) => col.lt(*t),
        });
    }
    let total = select.clone().count(conn).await.map_err(db_err)?;
    let order = match params.order {
        Order::Asc => SeaOrder::Asc,
        Order::Desc => SeaOrder::Desc,
    };
    select = select.order_by(column::<E>(params.sort)?, order.clone());
    if params.sort != "id"
        && let Ok(id) = E::Column::from_str("id")
    {
        select = select.order_by(id, order);
    }
    let items = select
        .offset(params.offset())
        .limit(params.per_page)
        .all(conn)
        .await
        .map_err(db_err)?;
    Ok(Page {
        items,
        page: params.page,
        per_page: params.per_page,
        total,
    })
}
