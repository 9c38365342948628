//! The control API over HTTP, under `/_sim`: the same operations as the Rust methods on
//! [`crate::Simulator`], with JSON bodies. Snowflakes are strings in responses and strings or
//! numbers in requests.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::faults::{GatewayFault, RestFault};
use super::ops::{
    ChannelChange, CommandInvocation, GuildChange, MemberChange, NewMember, UserChange,
};
use crate::churn::{ChurnScope, ChurnSpec};
use crate::error::Error;
use crate::sim::{Shared, Simulator};
use crate::state::{PresenceSpec, RoleRecord, ScenarioSpec};

/// Ground-truth member pages hold at most this many members.
const MEMBER_PAGE_MAX: usize = 1000;

/// A control-API failure: `{"error": "<sentence>"}` with a 4xx status.
struct ControlError(Error);

impl From<Error> for ControlError {
    fn from(error: Error) -> Self {
        Self(error)
    }
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let status = match self.0 {
            Error::Invalid(_) => StatusCode::BAD_REQUEST,
            Error::LocalAddr(_) | Error::Bind(_) | Error::Serve(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            _ => StatusCode::NOT_FOUND,
        };
        (status, Json(json!({"error": self.0.to_string()}))).into_response()
    }
}

type Result<T> = std::result::Result<T, ControlError>;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/info", get(info))
        .route("/_sim/scenario", post(build_scenario))
        .route("/_sim/guilds", get(guilds))
        .route(
            "/_sim/guilds/{guild_id}",
            patch(update_guild).delete(remove_guild),
        )
        .route("/_sim/guilds/{guild_id}/roles", post(upsert_role))
        .route(
            "/_sim/guilds/{guild_id}/roles/{role_id}",
            axum::routing::delete(delete_role),
        )
        .route(
            "/_sim/guilds/{guild_id}/members",
            get(members).post(add_member),
        )
        .route(
            "/_sim/guilds/{guild_id}/members/{user_id}",
            get(member).patch(update_member).delete(remove_member),
        )
        .route(
            "/_sim/guilds/{guild_id}/members/{user_id}/presence",
            put(set_presence),
        )
        .route("/_sim/users/{user_id}", patch(update_user))
        .route("/_sim/channels/{channel_id}", patch(update_channel))
        .route("/_sim/channels/{channel_id}/messages", post(post_message))
        .route("/_sim/interactions", post(invoke_command))
        .route("/_sim/actions", get(actions).delete(take_actions))
        .route("/_sim/commands", get(commands))
        .route("/_sim/faults/gateway", post(gateway_fault))
        .route("/_sim/faults/rest", post(rest_fault))
        .route("/_sim/churn", put(start_churn).delete(stop_churn))
        .route("/_sim/counters", get(counters))
        .route("/_sim/oauth/consent", post(queue_consent))
        .route("/_sim/oauth/auto-consent", put(auto_consent))
}

fn sim(shared: Arc<Shared>) -> Simulator {
    Simulator { shared }
}

async fn info(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let sim = sim(shared);
    Json(json!({
        "urls": sim.urls(),
        "bot_token": sim.bot_token(),
        "bot_user_id": sim.bot_user_id().to_string(),
        "application_id": sim.application_id().to_string(),
        "client_id": sim.application_id().to_string(),
        "client_secret": sim.client_secret(),
        "guild_ids": sim.guild_ids().iter().map(u64::to_string).collect::<Vec<_>>(),
    }))
}

async fn build_scenario(
    State(shared): State<Arc<Shared>>,
    Json(spec): Json<ScenarioSpec>,
) -> Json<Value> {
    let ids = sim(shared).build_scenario(&spec);
    Json(json!({"guild_ids": ids.iter().map(u64::to_string).collect::<Vec<_>>()}))
}

async fn guilds(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let world = shared.world();
    let guilds: Vec<Value> = world
        .guilds
        .values()
        .map(|g| {
            json!({
                "id": g.id().to_string(),
                "name": g.name(),
                "member_count": g.member_count(),
                "roles": g.roles(),
                "channels": g.channels(),
            })
        })
        .collect();
    Json(json!(guilds))
}

async fn update_guild(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Json(change): Json<GuildChange>,
) -> Result<StatusCode> {
    sim(shared).update_guild(guild_id, change)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_guild(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
) -> Result<StatusCode> {
    sim(shared).remove_guild(guild_id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct RoleBody {
    #[serde(default, deserialize_with = "crate::snowflake::deserialize_opt")]
    id: Option<u64>,
    name: String,
    #[serde(default)]
    color: u32,
    #[serde(default)]
    position: i64,
    #[serde(default)]
    permissions: u64,
    #[serde(default)]
    hoist: bool,
    #[serde(default)]
    mentionable: bool,
}

async fn upsert_role(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Json(body): Json<RoleBody>,
) -> Result<Json<Value>> {
    let role = RoleRecord {
        id: body.id.unwrap_or(0),
        name: body.name,
        color: body.color,
        position: body.position,
        permissions: body.permissions,
        hoist: body.hoist,
        mentionable: body.mentionable,
    };
    let id = sim(shared).upsert_role(guild_id, role)?;
    Ok(Json(json!({"id": id.to_string()})))
}

async fn delete_role(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, role_id)): Path<(u64, u64)>,
) -> Result<StatusCode> {
    sim(shared).delete_role(guild_id, role_id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    limit: Option<usize>,
}

async fn members(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Value>> {
    let limit = page.limit.unwrap_or(MEMBER_PAGE_MAX).min(MEMBER_PAGE_MAX);
    let members = sim(shared).members(guild_id, page.after, limit)?;
    Ok(Json(json!(members)))
}

async fn add_member(
    State(shared): State<Arc<Shared>>,
    Path(guild_id): Path<u64>,
    Json(new): Json<NewMember>,
) -> Result<(StatusCode, Json<Value>)> {
    let user_id = sim(shared).add_member(guild_id, new)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"user_id": user_id.to_string()})),
    ))
}

async fn member(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id)): Path<(u64, u64)>,
) -> Result<Json<Value>> {
    Ok(Json(json!(sim(shared).member(guild_id, user_id)?)))
}

async fn update_member(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id)): Path<(u64, u64)>,
    Json(change): Json<MemberChange>,
) -> Result<StatusCode> {
    sim(shared).update_member(guild_id, user_id, change)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_member(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id)): Path<(u64, u64)>,
) -> Result<StatusCode> {
    sim(shared).remove_member(guild_id, user_id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_presence(
    State(shared): State<Arc<Shared>>,
    Path((guild_id, user_id)): Path<(u64, u64)>,
    Json(spec): Json<PresenceSpec>,
) -> Result<StatusCode> {
    sim(shared).set_presence(guild_id, user_id, spec)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update_user(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<u64>,
    Json(change): Json<UserChange>,
) -> Result<StatusCode> {
    sim(shared).update_user(user_id, change)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update_channel(
    State(shared): State<Arc<Shared>>,
    Path(channel_id): Path<u64>,
    Json(change): Json<ChannelChange>,
) -> Result<StatusCode> {
    sim(shared).update_channel(channel_id, change)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct PostMessage {
    #[serde(deserialize_with = "crate::snowflake::deserialize")]
    author_id: u64,
    content: String,
}

async fn post_message(
    State(shared): State<Arc<Shared>>,
    Path(channel_id): Path<u64>,
    Json(body): Json<PostMessage>,
) -> Result<(StatusCode, Json<Value>)> {
    let id = sim(shared).post_message(channel_id, body.author_id, &body.content)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message_id": id.to_string()})),
    ))
}

async fn invoke_command(
    State(shared): State<Arc<Shared>>,
    Json(invocation): Json<CommandInvocation>,
) -> Result<(StatusCode, Json<Value>)> {
    let interaction = sim(shared).invoke_command(invocation)?;
    Ok((StatusCode::CREATED, Json(json!(interaction))))
}

async fn actions(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(sim(shared).bot_actions()))
}

async fn take_actions(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(sim(shared).take_bot_actions()))
}

#[derive(Debug, Deserialize)]
struct CommandsQuery {
    #[serde(default)]
    guild_id: Option<u64>,
}

async fn commands(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<CommandsQuery>,
) -> Json<Value> {
    Json(
        sim(shared)
            .registered_commands(query.guild_id)
            .unwrap_or(json!([])),
    )
}

async fn gateway_fault(
    State(shared): State<Arc<Shared>>,
    Json(fault): Json<GatewayFault>,
) -> Json<Value> {
    let reached = sim(shared).gateway_fault(fault);
    Json(json!({"connections": reached}))
}

async fn rest_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<RestFault>) -> StatusCode {
    sim(shared).rest_fault(fault);
    StatusCode::NO_CONTENT
}

/// `PUT /_sim/churn`: the spec plus an optional `scope`.
#[derive(Debug, Deserialize)]
struct ChurnRequest {
    #[serde(flatten)]
    spec: ChurnSpec,
    #[serde(default)]
    scope: ChurnScope,
}

async fn start_churn(
    State(shared): State<Arc<Shared>>,
    Json(request): Json<ChurnRequest>,
) -> Result<StatusCode> {
    let ChurnRequest { spec, scope } = request;
    if !(spec.rate_per_second.is_finite() && spec.rate_per_second > 0.0) {
        return Err(Error::Invalid("rate_per_second must be a positive number".into()).into());
    }
    sim(shared).start_churn_in(spec, scope);
    Ok(StatusCode::NO_CONTENT)
}

async fn stop_churn(State(shared): State<Arc<Shared>>) -> StatusCode {
    sim(shared).stop_churn();
    StatusCode::NO_CONTENT
}

async fn counters(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let sim = sim(shared);
    let mut value = json!(sim.counters());
    value["live_sessions"] = json!(sim.live_sessions());
    Json(value)
}

#[derive(Debug, Deserialize)]
struct ConsentBody {
    #[serde(default, deserialize_with = "crate::snowflake::deserialize_opt")]
    user_id: Option<u64>,
}

async fn queue_consent(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<ConsentBody>,
) -> Result<StatusCode> {
    let user_id = body
        .user_id
        .ok_or_else(|| Error::Invalid("user_id is required".into()))?;
    sim(shared).queue_oauth_consent(user_id);
    Ok(StatusCode::NO_CONTENT)
}

async fn auto_consent(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<ConsentBody>,
) -> StatusCode {
    sim(shared).set_oauth_auto_consent(body.user_id);
    StatusCode::NO_CONTENT
}
