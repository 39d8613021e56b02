//! Support tickets: a buyer opens one (about an order by its number, if given), the buyer and
//! operators add messages, and the buyer is emailed when support answers. Operators see them all;
//! unauthorized-payment reports open one as a case (`claims::report_unauthorized`).

use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use domain::states::TicketStatus;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{TicketMessageRecord, TicketRecord};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResponse};
use crate::extract::ApiJson;
use crate::idempotency::IdempotencyContext;
use crate::openapi::{body_schema, Access, Api, Endpoint, Verb, TICKET_STATUSES};
use crate::routes::claims::text;
use crate::routes::list::{list_response, ListParams};
use crate::secrets::random_id;
use crate::AppState;

type Idem = Option<Extension<IdempotencyContext>>;

pub(crate) fn register(api: Api) -> Api {
    api.add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/tickets",
            summary: "Opens a support ticket, about an order by its number if given",
            access: Access::Buyer,
            body: Some(body_schema::<OpenTicket>()),
            success: 201,
        },
        open_ticket,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/tickets",
            summary: "Tickets: the buyer's own, or all for operators",
            access: Access::BuyerOrOperator,
            body: None,
            success: 200,
        },
        list_tickets,
    )
    .add(
        Endpoint {
            verb: Verb::Get,
            path: "/v1/tickets/{id}",
            summary: "A ticket with its messages",
            access: Access::BuyerOrOperator,
            body: None,
            success: 200,
        },
        get_ticket,
    )
    .add(
        Endpoint {
            verb: Verb::Post,
            path: "/v1/tickets/{id}/messages",
            summary: "Adds a message to a ticket (the buyer or an operator)",
            access: Access::BuyerOrOperator,
            body: Some(body_schema::<MessageBody>()),
            success: 200,
        },
        add_message,
    )
}

fn ticket_json(t: &TicketRecord, messages: &[TicketMessageRecord]) -> Value {
    let messages: Vec<Value> = messages
        .iter()
        .map(|m| json!({ "id": format!("msg_{}", m.id), "author": m.author_role, "body": m.body, "created": m.created_at }))
        .collect();
    json!({ "id": t.id, "object": "ticket", "order": t.order_id, "subject": t.subject, "status": t.status.name(),
            "messages": messages, "created": t.created_at, "updated": t.updated_at })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OpenTicket {
    order_number: Option<String>,
    subject: String,
    message: String,
}

async fn open_ticket(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    ApiJson(body): ApiJson<OpenTicket>,
) -> Result<Response, ApiError> {
    let (user, _) = caller.buyer()?;
    let subject = text("subject", &body.subject)?;
    let message = text("message", &body.message)?;
    let order_id = match body.order_number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(number) => {
            if domain::checkout::parse_order_number(number).is_none() {
                return Err(ApiError::invalid("order_number", crate::msg!("err-ticket-order-number-invalid")));
            }
            let (n, uid) = (number.to_uppercase(), user.id.clone());
            let order = state.store.read(move |tx| tx.order_by_number(&n)).await?;
            Some(
                order
                    .filter(|o| o.buyer_user_id == uid)
                    .ok_or_else(|| ApiError::not_found("order").with_param("order_number"))?
                    .id,
            )
        }
    };
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let ticket = TicketRecord {
                id: random_id("tkt"),
                user_id: user.id.clone(),
                order_id,
                subject,
                status: TicketStatus::Open,
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            tx.insert_ticket(&ticket)?;
            tx.add_ticket_message(
                &TicketMessageRecord {
                    id: 0,
                    ticket_id: ticket.id.clone(),
                    author_user_id: user.id.clone(),
                    author_role: "buyer".into(),
                    body: message,
                    created_at: ctx.now,
                },
                TicketStatus::Open,
            )?;
            let messages = tx.ticket_messages(&ticket.id)?;
            Ok(ApiResponse::created(ticket_json(&ticket, &messages)))
        })
        .await)
}

async fn list_tickets(State(state): State<AppState>, caller: Caller, mut q: ListParams) -> Result<Response, ApiError> {
    let status = q.status(&TICKET_STATUSES)?;
    let page = q.page()?;
    let (user, role, _) = caller.person()?;
    let owner = (role == domain::accounts::Role::Buyer).then_some(user.id);
    let rows = state
        .store
        .read(move |tx| {
            let tickets = tx.tickets(owner.as_deref(), status.as_deref(), &page)?;
            tickets.try_map(|t| tx.ticket_messages(&t.id).map(|m| ticket_json(&t, &m)))
        })
        .await?;
    Ok(list_response(rows, Clone::clone))
}

async fn get_ticket(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (user, role, _) = caller.person()?;
    let shown = state
        .store
        .read(move |tx| {
            let Some(t) = tx.ticket(&id)? else { return Ok(None) };
            if role == domain::accounts::Role::Buyer && t.user_id != user.id {
                return Ok(None);
            }
            let m = tx.ticket_messages(&t.id)?;
            Ok(Some(ticket_json(&t, &m)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("ticket"))?;
    Ok(axum::Json(shown).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MessageBody {
    message: String,
}

async fn add_message(
    State(state): State<AppState>,
    idem: Idem,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<Response, ApiError> {
    let (user, role, _) = caller.person()?;
    let message = text("message", &body.message)?;
    Ok(state
        .execute(idem.map(|e| e.0), move |tx, ctx| {
            let ticket = tx.ticket(&id)?.ok_or_else(|| ApiError::not_found("ticket"))?;
            let is_operator = role == domain::accounts::Role::Operator;
            if !is_operator && ticket.user_id != user.id {
                return Err(ApiError::not_found("ticket"));
            }
            let author = if is_operator { "operator" } else { "buyer" };
            let status = ticket.status.after_message(is_operator);
            tx.add_ticket_message(
                &TicketMessageRecord {
                    id: 0,
                    ticket_id: ticket.id.clone(),
                    author_user_id: user.id.clone(),
                    author_role: author.into(),
                    body: message,
                    created_at: ctx.now,
                },
                status,
            )?;
            if is_operator {
                if let Some(buyer) = tx.user(&ticket.user_id)? {
                    let locale = crate::i18n::locale_of(buyer.locale.as_deref());
                    tx.enqueue_message(
                        &store::NewOutboxMessage {
                            channel: "email",
                            recipient: &buyer.email,
                            subject: &crate::tr_in!(locale, "message-ticket-answered-subject"),
                            body: &crate::tr_in!(
                                locale,
                                "message-ticket-answered-body",
                                subject = ticket.subject.as_str()
                            ),
                            code: None,
                        },
                        ctx.now,
                    )?;
                }
            }
            let ticket = tx.ticket(&id)?.ok_or_else(ApiError::internal)?;
            let messages = tx.ticket_messages(&id)?;
            Ok(ApiResponse::ok(ticket_json(&ticket, &messages)))
        })
        .await)
}
