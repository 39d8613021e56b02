//! The operations of a journey: each sends its request, predicts the answer from the model, and moves
//! the model on as the application should have moved.

use rand::Rng;
use serde_json::{json, Value};

use crate::api::{address, expect_status, typed};
use crate::model::{Claim, ClaimState, Order, OrderState};
use crate::{Outcome, Sim, CODE_TTL_S, GOOD_CARD, SILENT_CARD, TYPED_CARD};

impl Sim {
    pub(crate) fn refused(
        &mut self,
        status: u16,
        body: &Value,
        want_status: u16,
        want_code: &str,
        what: &str,
    ) -> Outcome {
        if status != want_status || body["error"]["code"] != want_code {
            return Err(format!("{what}: expected {want_status} {want_code}, got {status}: {body}"));
        }
        self.report.refused += 1;
        Ok(())
    }

    pub(crate) async fn buy_gift_card(&mut self, b: usize) -> Outcome {
        let denomination = self.pick(&[1000, 2000, 5000]);
        let declining = self.rng.gen_bool(0.2);
        let card = if declining { self.buyers[b].declining_card.clone() } else { self.buyers[b].good_card.clone() };
        self.log(format!(
            "buyer {b} buys a gift card of {denomination} with the {} card",
            if declining { "declining" } else { "good" }
        ));
        let body = json!({ "currency": "USD", "items": [{ "denomination": denomination, "quantity": 1 }],
            "payment_method": { "type": "card", "card": card } });
        let token = self.buyers[b].token.clone();
        let (s, r) = self.api.post("/v1/gift_cards/purchase", Some(&token), body).await;
        if declining || self.buyers[b].blocked.contains(&GOOD_CARD) {
            return self.refused(s, &r, 402, "card_declined", "a declined gift-card purchase");
        }
        expect_status(s, 201, &r, "a gift-card purchase")?;
        self.buyers[b].pocket += denomination;
        Ok(())
    }

    pub(crate) async fn create_order(&mut self, b: usize) -> Outcome {
        let index = self.rng.gen_range(0..self.products.len());
        let (product, price, seller) = self.products[index].clone();
        self.log(format!("buyer {b} orders a product of {price} from shop {seller}"));
        let token = self.buyers[b].token.clone();
        let (s, o) = self
            .api
            .post(
                "/v1/orders",
                Some(&token),
                json!({ "items": [{ "product": product, "quantity": 1 }], "shipping_address": address() }),
            )
            .await;
        expect_status(s, 201, &o, "creating an order")?;
        self.orders.push(Order::new(o["id"].as_str().unwrap_or_default().to_owned(), b, seller, price, false));
        Ok(())
    }

    /// A cart of two products (of two shops, or of one), checked out and paid at once with the Pocket,
    /// half Pocket and half the good card, or the good card: each shop's order then lives on its own.
    pub(crate) async fn cart(&mut self, b: usize) -> Outcome {
        let n = self.products.len();
        let first = self.rng.gen_range(0..n);
        let second = (first + self.rng.gen_range(1..n)) % n;
        let picked = [self.products[first].clone(), self.products[second].clone()];
        // One order per shop, in the order the shops were first listed (the orders' numbers follow it).
        let mut shops: Vec<(usize, i64)> = Vec::new();
        for (_, price, seller) in &picked {
            match shops.iter_mut().find(|(s, _)| s == seller) {
                Some((_, amount)) => *amount += price,
                None => shops.push((*seller, *price)),
            }
        }
        let total: i64 = shops.iter().map(|(_, a)| a).sum();
        let how = self.rng.gen_range(0..4);
        let (good, declining) = (self.buyers[b].good_card.clone(), self.buyers[b].declining_card.clone());
        let (body, pocket_part, what) = match how {
            0 => (json!({ "payment_method": { "type": "pocket" } }), total, "the Pocket"),
            1 => (
                json!({ "pocket_amount": total / 2, "payment_method": { "type": "card", "card": good } }),
                total / 2,
                "half Pocket, half the good card",
            ),
            2 => (json!({ "payment_method": { "type": "card", "card": good } }), 0, "the good card"),
            _ => (json!({ "payment_method": { "type": "card", "card": declining } }), 0, "the declining card"),
        };
        self.log(format!("buyer {b} checks out a cart of {total} from {} shop(s), paid with {what}", shops.len()));
        let token = self.buyers[b].token.clone();
        let items: Vec<Value> = picked.iter().map(|(p, _, _)| json!({ "product": p, "quantity": 1 })).collect();
        let (s, c) = self
            .api
            .post("/v1/checkouts", Some(&token), json!({ "items": items, "shipping_address": address() }))
            .await;
        expect_status(s, 201, &c, "checking out a cart")?;
        let orders = c["orders"].as_array().cloned().unwrap_or_default();
        if orders.len() != shops.len() || orders.iter().zip(&shops).any(|(o, (_, a))| o["amount"] != *a) {
            return Err(format!("a cart of {shops:?}: expected an order per shop, got {c}"));
        }
        let first_order = self.orders.len();
        for (o, (seller, amount)) in orders.iter().zip(&shops) {
            self.orders.push(Order::new(o["id"].as_str().unwrap_or_default().to_owned(), b, *seller, *amount, true));
        }
        let path = format!("/v1/checkouts/{}/pay", c["id"].as_str().unwrap_or_default());
        let (s, r) = self.api.post(&path, Some(&token), body).await;
        if how == 3 {
            // Every order of the cart stays payable; nothing is held.
            return self.refused(s, &r, 402, "card_declined", "paying a cart with the declining card");
        }
        if how > 0 && self.buyers[b].blocked.contains(&GOOD_CARD) {
            return self.refused(s, &r, 402, "card_declined", "paying a cart with a blocked card");
        }
        if self.buyers[b].pocket < pocket_part {
            return self.refused(s, &r, 402, "insufficient_pocket_balance", "a cart's Pocket part beyond the Pocket");
        }
        expect_status(s, 200, &r, "paying a cart")?;
        if r["status"] != "requires_capture" {
            return Err(format!("paying a cart: expected requires_capture, got {r}"));
        }
        // The Pocket part is shared over the orders in proportion to their amounts.
        let split = domain::checkout::Split { pocket_minor: pocket_part, card_minor: total - pocket_part };
        let amounts: Vec<i64> = shops.iter().map(|(_, a)| *a).collect();
        let shares = domain::checkout::split_across_orders(split, &amounts).ok_or("a cart that cannot be split")?;
        self.buyers[b].pocket -= pocket_part;
        for (k, share) in shares.iter().enumerate() {
            let order = &mut self.orders[first_order + k];
            order.state = OrderState::Paid;
            order.pocket_paid = share.pocket_minor;
            order.card = (share.card_minor > 0).then_some(GOOD_CARD);
        }
        Ok(())
    }

    pub(crate) async fn pay(&mut self, o: usize) -> Outcome {
        let (b, amount, state, id) = {
            let order = &self.orders[o];
            (order.buyer, order.amount, order.state, order.id.clone())
        };
        if self.orders[o].in_cart {
            self.log(format!("buyer {b} pays order {o} of a cart on its own"));
            let token = self.buyers[b].token.clone();
            let body = json!({ "payment_method": { "type": "pocket" } });
            let (s, r) = self.api.post(&format!("/v1/orders/{id}/pay"), Some(&token), body).await;
            return self.refused(s, &r, 409, "order_not_payable", "paying a cart's order on its own");
        }
        let how = self.rng.gen_range(0..6);
        let fault = match self.rng.gen_range(0..10) {
            0 => Some(issuer::test_issuer::SimulatedFault::Unavailable),
            1 => Some(issuer::test_issuer::SimulatedFault::LostAnswer),
            2 => Some(issuer::test_issuer::SimulatedFault::SlowMs(3)),
            _ => None,
        };
        let pocket_part = amount / 2;
        let (good, declining) = (self.buyers[b].good_card.clone(), self.buyers[b].declining_card.clone());
        let (body, what) = match how {
            0 => (json!({ "payment_method": { "type": "pocket" } }), "the Pocket"),
            1 => (
                json!({ "pocket_amount": pocket_part, "payment_method": { "type": "card", "card": good } }),
                "half Pocket, half the good card",
            ),
            2 => (json!({ "payment_method": { "type": "card", "card": good } }), "the good card"),
            3 => (json!({ "payment_method": { "type": "card", "card": declining } }), "the declining card"),
            4 => (json!({ "payment_method": typed(TYPED_CARD) }), "a typed card"),
            _ => (json!({ "payment_method": typed(SILENT_CARD) }), "a typed card whose bank never answers"),
        };
        let uses_saved_card = matches!(how, 1..=3);
        let fault = fault.filter(|_| uses_saved_card && self.issuer.is_some());
        self.log(format!(
            "buyer {b} pays order {o} ({amount}) with {what}{}",
            fault.map(|f| format!(", the bank: {f:?}")).unwrap_or_default()
        ));
        if let (Some(f), Some(issuer)) = (fault, &self.issuer) {
            issuer.inject_fault(f);
        }
        let token = self.buyers[b].token.clone();
        let (s, r) = self.api.post(&format!("/v1/orders/{id}/pay"), Some(&token), body).await;
        // A fault that was not met (the payment was refused before the bank) must not linger.
        let lingering = self.issuer.as_ref().and_then(|i| i.take_fault());
        let payable = matches!(state, OrderState::AwaitingPayment | OrderState::AwaitingCode { .. });
        let good_blocked = self.buyers[b].blocked.contains(&GOOD_CARD);
        let typed_blocked = self.buyers[b].blocked.contains(&TYPED_CARD);
        // A blocked card is refused before anything else is looked at.
        if (matches!(how, 1 | 2) && good_blocked) || (how == 4 && typed_blocked) {
            return self.refused(s, &r, 402, "card_declined", "paying with a blocked card");
        }
        if !payable {
            if lingering.is_none() && fault.is_some() {
                return Err("a payment of an order not awaiting payment reached the bank".into());
            }
            return self.refused(s, &r, 409, "order_not_payable", "paying an order not awaiting payment");
        }
        // From here the payment was claimed: a code it was waiting for is abandoned, whatever comes next.
        self.orders[o].state = OrderState::AwaitingPayment;
        let pocket = self.buyers[b].pocket;
        let unavailable = fault == Some(issuer::test_issuer::SimulatedFault::Unavailable);
        match how {
            0 if pocket < amount => self.refused(s, &r, 402, "insufficient_pocket_balance", "paying beyond the Pocket"),
            0 => self.paid(o, s, &r, amount, None),
            1 if pocket < pocket_part => {
                self.refused(s, &r, 402, "insufficient_pocket_balance", "a Pocket part beyond the Pocket")
            }
            1..=3 if unavailable => {
                self.orders[o].state = OrderState::AwaitingPayment;
                self.refused(s, &r, 402, "processing_error", "paying while the bank cannot be reached")
            }
            1 => self.paid(o, s, &r, pocket_part, Some(GOOD_CARD)),
            2 => self.paid(o, s, &r, 0, Some(GOOD_CARD)),
            3 => {
                self.orders[o].state = OrderState::AwaitingPayment;
                self.refused(s, &r, 402, "card_declined", "paying with the declining card")
            }
            _ => {
                expect_status(s, 200, &r, "a typed card asks for a code")?;
                if r["status"] != "requires_action" {
                    return Err(format!("a typed card: expected requires_action, got {r}"));
                }
                let card = if how == 4 { TYPED_CARD } else { SILENT_CARD };
                // The code just sent belongs to this payment (a later payment's code is another one).
                let email = self.buyers[b].email.clone();
                self.codes.push(self.api.latest_code(&email).await?);
                let code = self.codes.len() - 1;
                self.orders[o].state = OrderState::AwaitingCode { sent_at: self.clock, tries_left: 5, card, code };
                Ok(())
            }
        }
    }

    /// A payment the model expects to be authorized: `pocket_part` held from the Pocket.
    pub(crate) fn paid(
        &mut self,
        o: usize,
        status: u16,
        body: &Value,
        pocket_part: i64,
        card: Option<&'static str>,
    ) -> Outcome {
        expect_status(status, 200, body, "a payment")?;
        if body["status"] != "requires_capture" {
            return Err(format!("a payment: expected requires_capture, got {body}"));
        }
        let b = self.orders[o].buyer;
        self.buyers[b].pocket -= pocket_part;
        let order = &mut self.orders[o];
        order.state = OrderState::Paid;
        order.pocket_paid = pocket_part;
        order.card = card;
        Ok(())
    }

    pub(crate) async fn verify(&mut self, o: usize) -> Outcome {
        let OrderState::AwaitingCode { sent_at, tries_left, card, code } = self.orders[o].state else {
            return self.clock_jump().await;
        };
        let b = self.orders[o].buyer;
        let right = tries_left <= 2 || self.rng.gen_bool(0.7);
        self.log(format!("buyer {b} types the {} code for order {o}", if right { "right" } else { "wrong" }));
        let token = self.buyers[b].token.clone();
        let code_index = code;
        let sent = self.codes[code_index].clone();
        let typed = if right {
            sent
        } else if sent == "000000" {
            "111111".into()
        } else {
            "000000".into()
        };
        let (_, order) = self.api.get(&format!("/v1/orders/{}", self.orders[o].id), Some(&token)).await;
        let payment = order["payment"]["id"].as_str().unwrap_or_default().to_owned();
        let (s, r) =
            self.api.post(&format!("/v1/payments/{payment}/verify"), Some(&token), json!({ "code": typed })).await;
        if self.clock >= sent_at + CODE_TTL_S {
            return self.refused(s, &r, 402, "verification_expired", "an expired code");
        }
        if !right {
            self.orders[o].state =
                OrderState::AwaitingCode { sent_at, tries_left: tries_left - 1, card, code: code_index };
            return self.refused(s, &r, 402, "verification_failed", "a wrong code");
        }
        if card == SILENT_CARD {
            self.orders[o].state = OrderState::AwaitingPayment;
            return self.refused(s, &r, 402, "processing_error", "a bank that never answers");
        }
        self.paid(o, s, &r, 0, Some(TYPED_CARD))
    }

    pub(crate) async fn cancel(&mut self, o: usize) -> Outcome {
        let (b, state, id) = (self.orders[o].buyer, self.orders[o].state, self.orders[o].id.clone());
        self.log(format!("buyer {b} cancels order {o}"));
        let token = self.buyers[b].token.clone();
        let (s, r) =
            self.api.post(&format!("/v1/orders/{id}/cancel"), Some(&token), json!({ "reason": "simulated" })).await;
        match state {
            OrderState::AwaitingPayment | OrderState::AwaitingCode { .. } | OrderState::Paid => {
                expect_status(s, 200, &r, "cancelling")?;
                if state == OrderState::Paid {
                    self.buyers[b].pocket += self.orders[o].pocket_paid;
                }
                self.orders[o].state = OrderState::Canceled;
                Ok(())
            }
            OrderState::Canceled => self.refused(s, &r, 409, "order_not_cancelable", "cancelling twice"),
            _ => self.refused(s, &r, 409, "order_already_shipped", "cancelling after shipping"),
        }
    }

    pub(crate) async fn ship(&mut self, o: usize) -> Outcome {
        let (state, id) = (self.orders[o].state, self.orders[o].id.clone());
        if self.rng.gen_bool(0.1) {
            // Another shop's key: the order is not theirs, and it does not exist for them.
            let other = (self.orders[o].seller + 1) % self.sellers.len();
            self.log(format!("shop {other} tries to ship order {o}, which is not theirs"));
            let key = self.sellers[other].clone();
            let (s, r) = self
                .api
                .post(
                    &format!("/v1/orders/{id}/ship"),
                    Some(&key),
                    json!({ "carrier": "UPS", "tracking_number": "1Z" }),
                )
                .await;
            return self.refused(s, &r, 404, "resource_missing", "shipping another shop's order");
        }
        self.log(format!("the seller ships order {o}"));
        let key = self.sellers[self.orders[o].seller].clone();
        let (s, r) = self
            .api
            .post(&format!("/v1/orders/{id}/ship"), Some(&key), json!({ "carrier": "UPS", "tracking_number": "1Z" }))
            .await;
        if state != OrderState::Paid {
            if s != 409 {
                return Err(format!("shipping an order that is {state:?}: expected 409, got {s}: {r}"));
            }
            self.report.refused += 1;
            return Ok(());
        }
        expect_status(s, 200, &r, "shipping")?;
        self.orders[o].state = OrderState::Shipped;
        Ok(())
    }

    pub(crate) async fn deliver(&mut self, o: usize) -> Outcome {
        let (state, id) = (self.orders[o].state, self.orders[o].id.clone());
        self.log(format!("the seller marks order {o} delivered"));
        let key = self.sellers[self.orders[o].seller].clone();
        let (s, r) = self.api.post(&format!("/v1/orders/{id}/deliver"), Some(&key), json!({})).await;
        if state != OrderState::Shipped {
            if s != 409 {
                return Err(format!("delivering an order that is {state:?}: expected 409, got {s}: {r}"));
            }
            self.report.refused += 1;
            return Ok(());
        }
        expect_status(s, 200, &r, "delivering")?;
        self.orders[o].state = OrderState::Delivered;
        Ok(())
    }

    /// A refund that the model expects to be made: the Pocket part first.
    pub(crate) fn refunded(&mut self, o: usize, amount: i64, to_pocket: bool) {
        let order = &mut self.orders[o];
        let pocket = amount.min(order.pocket_paid - order.pocket_refunded).max(0);
        order.pocket_refunded += pocket;
        order.refunded += amount;
        let to_buyer_pocket = if to_pocket { amount } else { pocket };
        let b = order.buyer;
        self.buyers[b].pocket += to_buyer_pocket;
    }

    pub(crate) async fn refund(&mut self, o: usize) -> Outcome {
        let left = self.orders[o].left();
        let amount = match self.rng.gen_range(0..4) {
            0 => left.max(1),
            1 => (left / 2).max(1),
            2 => left + 1,
            _ => 1,
        };
        let to_pocket = self.rng.gen_bool(0.3);
        let operator = self.rng.gen_bool(0.2);
        let id = self.orders[o].id.clone();
        self.log(format!(
            "{} refunds {amount} of order {o}{}",
            if operator { "an operator" } else { "the seller" },
            if to_pocket { " to the Pocket" } else { "" }
        ));
        let mut body = json!({ "amount": amount, "reason": "simulated refund" });
        if to_pocket {
            body["destination"] = json!("pocket");
        }
        let token = if operator { self.operator.clone() } else { self.sellers[self.orders[o].seller].clone() };
        let (s, r) = self.api.post(&format!("/v1/orders/{id}/refunds"), Some(&token), body).await;
        if amount > left {
            return self.refused(s, &r, 400, "refund_exceeds_captured", "refunding more than is left");
        }
        expect_status(s, 201, &r, "refunding")?;
        self.refunded(o, amount, to_pocket);
        Ok(())
    }

    pub(crate) async fn claim_step(&mut self, o: usize) -> Outcome {
        let b = self.orders[o].buyer;
        let id = self.orders[o].id.clone();
        let left = self.orders[o].left();
        let open = self.orders[o].open_claim().map(|c| (c.id.clone(), c.amount, c.state));
        let Some((cid, amount, state)) = open else {
            // Open one.
            let amount = if self.rng.gen_bool(0.8) { (left / 2).max(1) } else { left + 1 };
            self.log(format!("buyer {b} claims {amount} of order {o}"));
            let token = self.buyers[b].token.clone();
            let (s, r) = self
                .api
                .post(
                    &format!("/v1/orders/{id}/claims"),
                    Some(&token),
                    json!({ "reason": "damaged", "amount": amount, "description": "simulated damage" }),
                )
                .await;
            if !self.orders[o].state.captured() {
                if !(400..500).contains(&s) {
                    return Err(format!("a claim on an order not shipped: expected 4xx, got {s}: {r}"));
                }
                self.report.refused += 1;
                return Ok(());
            }
            if amount > left {
                return self.refused(s, &r, 400, "refund_exceeds_captured", "claiming more than is left");
            }
            expect_status(s, 201, &r, "opening a claim")?;
            let cid = r["id"].as_str().unwrap_or_default().to_owned();
            self.orders[o].claims.push(Claim { id: cid, amount, state: ClaimState::AwaitingSeller });
            return Ok(());
        };
        let key = self.sellers[self.orders[o].seller].clone();
        let operator = self.operator.clone();
        let buyer = self.buyers[b].token.clone();
        let set = |sim: &mut Sim, s: ClaimState| {
            if let Some(c) = sim.orders[o].open_claim() {
                c.state = s;
            }
        };
        match state {
            ClaimState::AwaitingSeller if self.rng.gen_bool(0.5) => {
                self.log(format!("the seller accepts the claim on order {o}"));
                let (s, r) = self
                    .api
                    .post(
                        &format!("/v1/claims/{cid}/respond"),
                        Some(&key),
                        json!({ "action": "accept", "message": "ok" }),
                    )
                    .await;
                if amount > left {
                    return self.refused(
                        s,
                        &r,
                        400,
                        "refund_exceeds_captured",
                        "accepting a claim beyond what is left",
                    );
                }
                expect_status(s, 200, &r, "accepting a claim")?;
                self.refunded(o, amount, false);
                set(self, ClaimState::Closed);
                Ok(())
            }
            ClaimState::AwaitingSeller => {
                self.log(format!("the seller rejects the claim on order {o}"));
                let (s, r) = self
                    .api
                    .post(
                        &format!("/v1/claims/{cid}/respond"),
                        Some(&key),
                        json!({ "action": "reject", "message": "no" }),
                    )
                    .await;
                expect_status(s, 200, &r, "rejecting a claim")?;
                set(self, ClaimState::Rejected);
                Ok(())
            }
            ClaimState::Rejected => {
                self.log(format!("buyer {b} escalates the claim on order {o}"));
                let (s, r) = self.api.post(&format!("/v1/claims/{cid}/escalate"), Some(&buyer), json!({})).await;
                expect_status(s, 200, &r, "escalating a claim")?;
                set(self, ClaimState::UnderReview);
                Ok(())
            }
            ClaimState::UnderReview if self.rng.gen_bool(0.5) => {
                let refund = if self.rng.gen_bool(0.8) { amount.min(left).max(1) } else { left + 1 };
                self.log(format!("an operator decides the claim on order {o} for the buyer ({refund})"));
                let (s, r) = self
                    .api
                    .post(
                        &format!("/v1/claims/{cid}/resolve"),
                        Some(&operator),
                        json!({ "outcome": "buyer", "refund_amount": refund }),
                    )
                    .await;
                if refund > left {
                    return self.refused(s, &r, 400, "refund_exceeds_captured", "deciding a claim beyond what is left");
                }
                expect_status(s, 200, &r, "deciding a claim for the buyer")?;
                self.refunded(o, refund, false);
                set(self, ClaimState::Closed);
                Ok(())
            }
            ClaimState::UnderReview => {
                self.log(format!("an operator decides the claim on order {o} for the seller"));
                let (s, r) = self
                    .api
                    .post(&format!("/v1/claims/{cid}/resolve"), Some(&operator), json!({ "outcome": "seller" }))
                    .await;
                expect_status(s, 200, &r, "deciding a claim for the seller")?;
                set(self, ClaimState::Closed);
                Ok(())
            }
            ClaimState::Closed => Ok(()),
        }
    }

    pub(crate) async fn report_unauthorized(&mut self, o: usize) -> Outcome {
        let b = self.orders[o].buyer;
        let id = self.orders[o].id.clone();
        let token = self.buyers[b].token.clone();
        let (_, order) = self.api.get(&format!("/v1/orders/{id}"), Some(&token)).await;
        let Some(payment) = order["payment"]["id"].as_str().map(str::to_owned) else { return self.clock_jump().await };
        self.log(format!("buyer {b} reports the payment of order {o} as unauthorized"));
        let (s, r) = self
            .api
            .post(
                &format!("/v1/payments/{payment}/report_unauthorized"),
                Some(&token),
                json!({ "description": "not me" }),
            )
            .await;
        let order = &self.orders[o];
        if !order.state.captured() {
            return self.refused(s, &r, 409, "payment_not_captured", "reporting a payment not charged");
        }
        if order.reimbursed {
            return self.refused(s, &r, 409, "already_reported", "reporting twice");
        }
        expect_status(s, 201, &r, "reporting an unauthorized payment")?;
        let left = order.left();
        if r["reimbursement"]["amount"] != left {
            return Err(format!("a reimbursement of {left} expected: {r}"));
        }
        let card = order.card;
        self.buyers[b].pocket += left;
        self.orders[o].reimbursed = true;
        if let Some(card) = card {
            if !self.buyers[b].blocked.contains(&card) {
                self.buyers[b].blocked.push(card);
            }
        }
        Ok(())
    }

    pub(crate) async fn clock_jump(&mut self) -> Outcome {
        let seconds = self.pick(&[30, 120, 300, 900]);
        self.log(format!("the clock moves {seconds} s"));
        let (s, r) = self.api.post("/v1/test/clock", None, json!({ "advance_seconds": seconds })).await;
        expect_status(s, 200, &r, "moving the clock")?;
        self.clock += seconds;
        Ok(())
    }
}
