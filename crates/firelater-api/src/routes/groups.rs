//! `/api/v1/groups`: groups and team hierarchies, their members and the roles they hold;
//! and `/api/v1/users/{id}/groups`, one user's memberships.

use crate::AppState;
use crate::dto::{Paged, ReadErrors, WriteErrors};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, IdPath, Json, QueryPairs};
use crate::routes::users::RoleRef;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{DateTime, Utc};
use firelater_core::list::ListSpec;
use firelater_service::groups::{
    GroupMember, GroupPatch, GroupView, LIST, MEMBER_LIST, NewGroup, USER_GROUP_LIST, UserGroup,
};
use firelater_service::model::Role;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// What `GET /groups/{id}` accepts: only `include`.
const GET: ListSpec = ListSpec {
    sortable: &["id"],
    default_sort: "id",
    default_order: firelater_core::list::Order::Asc,
    filters: &[],
    fields: &[],
    includes: &["members", "roles"],
    searchable: false,
};

pub use firelater_service::model::{GroupType, MemberRole, UserStatus};

/// A member of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMemberResponse {
    /// The member's user id.
    pub user_id: Uuid,
    /// Their display name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Their account status.
    pub status: UserStatus,
    /// Their role in the group.
    pub role: MemberRole,
    /// When they joined the group.
    pub joined_at: DateTime<Utc>,
}

impl From<GroupMember> for GroupMemberResponse {
    fn from(m: GroupMember) -> Self {
        Self {
            user_id: m.user.id.into(),
            name: m.user.name,
            email: m.user.email,
            status: m.user.status,
            role: m.role,
            joined_at: m.joined_at,
        }
    }
}

fn role_refs(roles: Vec<Role>) -> Vec<RoleRef> {
    roles
        .into_iter()
        .map(|r| RoleRef {
            id: r.id.into(),
            name: r.name,
            display_name: r.display_name,
        })
        .collect()
}

/// A group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupResponse {
    /// Group id.
    pub id: Uuid,
    /// Name, unique in the tenant.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The kind of group.
    #[serde(rename = "type")]
    pub kind: GroupType,
    /// The parent group; `null` for a top-level group.
    pub parent_id: Option<Uuid>,
    /// The managing user.
    pub manager_id: Option<Uuid>,
    /// The group's mailbox for notifications.
    pub email: Option<String>,
    /// Free-form settings.
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    /// Optimistic-locking version; send it back on update.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Direct members, with `include=members`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<GroupMemberResponse>>,
    /// Roles the group holds for its members, with `include=roles`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<RoleRef>>,
}

impl From<GroupView> for GroupResponse {
    fn from(v: GroupView) -> Self {
        let g = v.group;
        Self {
            id: g.id.into(),
            name: g.name,
            description: g.description,
            kind: g.kind,
            parent_id: g.parent_id.map(Into::into),
            manager_id: g.manager_id.map(Into::into),
            email: g.email,
            settings: g.settings,
            version: g.version,
            created_at: g.created_at,
            updated_at: g.updated_at,
            members: v.members.map(|ms| ms.into_iter().map(Into::into).collect()),
            roles: v.roles.map(role_refs),
        }
    }
}

/// A group one user belongs to, with their role in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserGroupResponse {
    /// Group id.
    pub id: Uuid,
    /// Group name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The kind of group.
    #[serde(rename = "type")]
    pub kind: GroupType,
    /// The parent group.
    pub parent_id: Option<Uuid>,
    /// The user's role in the group.
    pub role: MemberRole,
    /// When the user joined.
    pub joined_at: DateTime<Utc>,
}

impl From<UserGroup> for UserGroupResponse {
    fn from(m: UserGroup) -> Self {
        Self {
            id: m.group.id.into(),
            name: m.group.name,
            description: m.group.description,
            kind: m.group.kind,
            parent_id: m.group.parent_id.map(Into::into),
            role: m.role,
            joined_at: m.joined_at,
        }
    }
}

/// The roles a group holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRolesResponse {
    /// The roles, by name.
    pub roles: Vec<RoleRef>,
}

/// A group to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// Name, unique in the tenant.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Free text.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// `team` when absent.
    #[serde(default, rename = "type")]
    pub kind: Option<GroupType>,
    /// The parent group, in this tenant.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// The managing user, in this tenant.
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    /// The group's mailbox.
    #[serde(default)]
    #[schema(format = "email", min_length = 3, max_length = 254)]
    pub email: Option<String>,
    /// Free-form settings object (at most 16 KiB of JSON); `{}` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a group; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupRequest {
    /// The `version` you last read; a stale one is a 409.
    pub version: i32,
    /// New name.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255)]
    pub name: Option<String>,
    /// New description; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// New type.
    #[serde(default, rename = "type")]
    pub kind: Option<GroupType>,
    /// New parent; `null` makes the group top-level. It must not be the group itself or
    /// one of its sub-groups (422 on `parent_id`).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    /// New manager; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub manager_id: Option<Option<Uuid>>,
    /// New mailbox; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = "email", min_length = 3, max_length = 254)]
    pub email: Option<Option<String>>,
    /// New settings object, replacing the old one.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A user to add to a group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGroupMemberRequest {
    /// The user, in this tenant.
    pub user_id: Uuid,
    /// `member` when absent.
    #[serde(default)]
    pub role: Option<MemberRole>,
}

/// A member's new role in a group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupMemberRequest {
    /// `member` or `lead`.
    pub role: MemberRole,
}

/// The complete set of roles a group should hold.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetGroupRolesRequest {
    /// Role names, e.g. `["agent"]`; an empty list revokes them all.
    pub roles: Vec<String>,
}

/// The `{id}` and `{userId}` of `/groups/{id}/members/{userId}`; a parameter that is not a
/// UUID is a 400 naming it.
pub struct MemberPath {
    /// The group.
    pub group_id: Uuid,
    /// The member.
    pub user_id: Uuid,
}

impl<S: Send + Sync> FromRequestParts<S> for MemberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let [group_id, user_id] = crate::extract::path_uuids(parts, state, ["id", "userId"]).await?;
        Ok(Self { group_id, user_id })
    }
}

crate::list_query!(
    /// The query of `GET /groups`.
    pub GroupListQuery = LIST
);

crate::list_query!(
    /// The query of `GET /groups/{id}`.
    include pub GroupGetQuery = GET
);

crate::list_query!(
    /// The query of `GET /groups/{id}/members`.
    pub GroupMemberListQuery = MEMBER_LIST
);

crate::list_query!(
    /// The query of `GET /users/{id}/groups`.
    pub UserGroupListQuery = USER_GROUP_LIST
);

/// Lists the tenant's groups.
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups", operation_id = "list_groups",
    security(("bearer" = ["groups:read"])), params(GroupListQuery),
    responses((status = 200, description = "A page of groups", body = Paged<GroupResponse>), ReadErrors))]
pub async fn list_groups(State(state): State<AppState>, Auth(ctx): Auth, q: QueryPairs) -> ApiResult<Response> {
    let params = GroupListQuery::parse(&q)?;
    let page = state.services.list_groups(&ctx, &params).await?;
    Ok(Paged::from_page(page, GroupResponse::from).into_response(&params))
}

/// Creates a group.
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", operation_id = "create_group",
    security(("bearer" = ["groups:create"])), request_body = CreateGroupRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried create return the first result")),
    responses((status = 201, description = "Created", body = GroupResponse), WriteErrors))]
pub async fn create_group(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    Json(body): Json<CreateGroupRequest>,
) -> ApiResult<(StatusCode, axum::Json<GroupResponse>)> {
    let input = NewGroup {
        name: body.name,
        description: body.description,
        kind: body.kind,
        parent_id: body.parent_id.map(Into::into),
        manager_id: body.manager_id.map(Into::into),
        email: body.email,
        settings: body.settings.map(serde_json::Value::Object),
    };
    let group = state.services.create_group(&ctx, input).await?;
    Ok((StatusCode::CREATED, axum::Json(group.into())))
}

/// One group.
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups", operation_id = "get_group",
    security(("bearer" = ["groups:read"])), params(("id" = Uuid, Path, description = "Group id"), GroupGetQuery),
    responses((status = 200, description = "The group", body = GroupResponse), ReadErrors))]
pub async fn get_group(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<axum::Json<GroupResponse>> {
    let params = GroupGetQuery::parse(&q)?;
    let (members, roles) = (params.includes("members"), params.includes("roles"));
    let group = state.services.get_group(&ctx, id.into(), members, roles).await?;
    Ok(axum::Json(group.into()))
}

/// Changes a group.
#[utoipa::path(put, path = "/api/v1/groups/{id}", tag = "groups", operation_id = "update_group",
    security(("bearer" = ["groups:update"])), params(("id" = Uuid, Path, description = "Group id")), request_body = UpdateGroupRequest,
    responses((status = 200, description = "The changed group", body = GroupResponse), WriteErrors))]
pub async fn update_group(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<UpdateGroupRequest>,
) -> ApiResult<axum::Json<GroupResponse>> {
    let patch = GroupPatch {
        version: body.version,
        name: body.name,
        description: body.description,
        kind: body.kind,
        parent_id: body.parent_id.map(|o| o.map(Into::into)),
        manager_id: body.manager_id.map(|o| o.map(Into::into)),
        email: body.email,
        settings: body.settings.map(serde_json::Value::Object),
    };
    let group = state.services.update_group(&ctx, id.into(), patch).await?;
    Ok(axum::Json(group.into()))
}

/// Deletes a group: its memberships and role grants go with it, its sub-groups become
/// top-level groups.
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "groups", operation_id = "delete_group",
    security(("bearer" = ["groups:delete"])), params(("id" = Uuid, Path, description = "Group id")),
    responses((status = 204, description = "Deleted"), WriteErrors))]
pub async fn delete_group(State(state): State<AppState>, Auth(ctx): Auth, IdPath(id): IdPath) -> ApiResult<StatusCode> {
    state.services.delete_group(&ctx, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lists a group's direct members.
#[utoipa::path(get, path = "/api/v1/groups/{id}/members", tag = "groups", operation_id = "list_group_members",
    security(("bearer" = ["groups:read"])), params(("id" = Uuid, Path, description = "Group id"), GroupMemberListQuery),
    responses((status = 200, description = "A page of members", body = Paged<GroupMemberResponse>), ReadErrors))]
pub async fn list_group_members(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = GroupMemberListQuery::parse(&q)?;
    let page = state.services.list_group_members(&ctx, id.into(), &params).await?;
    Ok(Paged::from_page(page, GroupMemberResponse::from).into_response(&params))
}

/// Adds a user to a group.
#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "groups", operation_id = "add_group_member",
    security(("bearer" = ["groups:update"])), request_body = AddGroupMemberRequest,
    params(("id" = Uuid, Path, description = "Group id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried add return the first result")),
    responses((status = 201, description = "Added", body = GroupMemberResponse), WriteErrors))]
pub async fn add_group_member(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<AddGroupMemberRequest>,
) -> ApiResult<(StatusCode, axum::Json<GroupMemberResponse>)> {
    let role = body.role;
    let member = state
        .services
        .add_group_member(&ctx, id.into(), body.user_id.into(), role)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(member.into())))
}

/// Changes a member's role in a group.
#[utoipa::path(put, path = "/api/v1/groups/{id}/members/{userId}", tag = "groups", operation_id = "update_group_member",
    security(("bearer" = ["groups:update"])), request_body = UpdateGroupMemberRequest,
    params(("id" = Uuid, Path, description = "Group id"), ("userId" = Uuid, Path, description = "The member's user id")),
    responses((status = 200, description = "The member with their new role", body = GroupMemberResponse), WriteErrors))]
pub async fn update_group_member(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    path: MemberPath,
    Json(body): Json<UpdateGroupMemberRequest>,
) -> ApiResult<axum::Json<GroupMemberResponse>> {
    let member = state
        .services
        .update_group_member(&ctx, path.group_id.into(), path.user_id.into(), body.role)
        .await?;
    Ok(axum::Json(member.into()))
}

/// Removes a user from a group.
#[utoipa::path(delete, path = "/api/v1/groups/{id}/members/{userId}", tag = "groups", operation_id = "remove_group_member",
    security(("bearer" = ["groups:update"])),
    params(("id" = Uuid, Path, description = "Group id"), ("userId" = Uuid, Path, description = "The member's user id")),
    responses((status = 204, description = "Removed"), WriteErrors))]
pub async fn remove_group_member(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    path: MemberPath,
) -> ApiResult<StatusCode> {
    state
        .services
        .remove_group_member(&ctx, path.group_id.into(), path.user_id.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the set of roles a group holds for its direct members.
#[utoipa::path(put, path = "/api/v1/groups/{id}/roles", tag = "groups", operation_id = "set_group_roles",
    security(("bearer" = ["roles:admin"])), params(("id" = Uuid, Path, description = "Group id")), request_body = SetGroupRolesRequest,
    responses((status = 200, description = "The roles the group now holds", body = GroupRolesResponse), WriteErrors))]
pub async fn set_group_roles(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    Json(body): Json<SetGroupRolesRequest>,
) -> ApiResult<axum::Json<GroupRolesResponse>> {
    let roles = state.services.set_group_roles(&ctx, id.into(), body.roles).await?;
    Ok(axum::Json(GroupRolesResponse {
        roles: role_refs(roles),
    }))
}

/// Lists the groups a user is a direct member of.
#[utoipa::path(get, path = "/api/v1/users/{id}/groups", tag = "groups", operation_id = "list_user_groups",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id"), UserGroupListQuery),
    responses((status = 200, description = "A page of the user's groups", body = Paged<UserGroupResponse>), ReadErrors))]
pub async fn list_user_groups(
    State(state): State<AppState>,
    Auth(ctx): Auth,
    IdPath(id): IdPath,
    q: QueryPairs,
) -> ApiResult<Response> {
    let params = UserGroupListQuery::parse(&q)?;
    let page = state.services.user_groups(&ctx, id.into(), &params).await?;
    Ok(Paged::from_page(page, UserGroupResponse::from).into_response(&params))
}

/// This module's routes; each operation's access rule is the `security` of its
/// `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(list_group_members, add_group_member))
        .routes(routes!(update_group_member, remove_group_member))
        .routes(routes!(set_group_roles))
        .routes(routes!(list_user_groups))
}
