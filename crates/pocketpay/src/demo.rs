//! `pocketpay demo`: a live shop in one command. Starts a test-mode server and, on first start,
//! seeds it through the public API as a newcomer would: an operator, two sellers with products
//! (one selling in EUR, with exchange rates set), and a buyer with saved cards and a Pocket loaded
//! from gift cards. The logins are printed; the data directory keeps the shop between runs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use issuer::behaviours::{BANK_ADDRESS_LINE1, SUCCEEDING_MASTERCARD, SUCCEEDING_VISA};
use serde_json::{json, Value};
use server::{Mode, ServerConfig};

use crate::client::{sign_up_as, Client};

/// Options of the demo.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where the demo shop keeps its data.
    #[arg(long, default_value = "./pocketpay-demo")]
    pub data_dir: PathBuf,
    /// A PostgreSQL database instead of the SQLite file in the data directory.
    #[arg(long, env = "POCKETPAY_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

/// The demo's people; the passwords are public on purpose (test mode only).
pub const BUYER_EMAIL: &str = "buyer@demo.pocketpay.test";
pub const SELLER_EMAIL: &str = "seller@demo.pocketpay.test";
pub const SELLER_EUR_EMAIL: &str = "atelier@demo.pocketpay.test";
/// A second seller in USD, so that a cart can hold two sellers' products and be paid once.
pub const SELLER_TWO_EMAIL: &str = "pine@demo.pocketpay.test";
pub const OPERATOR_EMAIL: &str = "operator@demo.pocketpay.test";
pub const PASSWORD: &str = "demo-password";

const SEEDED_MARKER: &str = "demo-seeded";

/// A product of the demo: name, description, price in minor units, stock (none: no limit).
type DemoProduct = (&'static str, &'static str, i64, Option<i64>);

/// Runs the demo until Ctrl-C.
pub async fn run(
    args: DemoArgs,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mut config = ServerConfig::new(Mode::Test, &args.data_dir);
    config.database_url = args.database_url.clone().filter(|u| !u.trim().is_empty());
    config.operator_bootstrap = Some((OPERATOR_EMAIL.into(), PASSWORD.into()));
    let app = server::build(config).await.context("starting the server")?;
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    println!("pocketpay listening on {base} (test mode, demo shop)");
    let served = tokio::spawn(app.serve(listener, shutdown));
    let marker = args.data_dir.join(SEEDED_MARKER);
    if !marker.exists() {
        let client = Client::http(reqwest::Client::new(), base.clone());
        eprintln!("seeding the demo shop…");
        seed(&client).await.context("seeding the demo shop")?;
        std::fs::write(&marker, b"seeded\n")?;
    }
    print_welcome(&base, &args.data_dir);
    served.await.context("the server task")??;
    Ok(())
}

fn print_welcome(base: &str, data_dir: &Path) {
    println!(
        "demo ready: open {base}/
  buyer     {BUYER_EMAIL} / {PASSWORD}  (Pocket 150.00 USD, two saved cards)
  seller    {SELLER_EMAIL} / {PASSWORD}  (Harbor Goods, USD)
  seller    {SELLER_EUR_EMAIL} / {PASSWORD}  (Atelier Lumiere, EUR)
  seller    {SELLER_TWO_EMAIL} / {PASSWORD}  (North Pine Outfitters, USD)
  operator  {OPERATOR_EMAIL} / {PASSWORD}
  test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 9995 is declined for insufficient funds;
              4000 0027 6000 3184 asks for a code. Codes sent by email or SMS: {base}/v1/test/inbox?to=<email>
  data: {} (delete it to start afresh)",
        data_dir.display()
    );
}

async fn seed(client: &Client) -> anyhow::Result<()> {
    let operator =
        client.expect("/v1/sessions", None, json!({ "email": OPERATOR_EMAIL, "password": PASSWORD }), 201).await?;
    let operator = operator["token"].as_str().unwrap_or_default().to_owned();
    for (from, to, rate) in [("USD", "EUR", "0.9215"), ("EUR", "USD", "1.0852")] {
        let (status, answer) = client
            .call(
                reqwest::Method::PUT,
                &format!("/v1/fx/rates/{from}/{to}"),
                Some(&operator),
                Some(json!({ "rate": rate })),
            )
            .await?;
        anyhow::ensure!(status == 200, "setting a rate answered {status}: {answer}");
    }

    let shops: [(&str, &str, &str, &str, &[DemoProduct]); 3] = [
        (
            SELLER_EMAIL,
            "Harbor Goods",
            "US",
            "USD",
            &[
                ("Canvas tote bag", "Heavy cotton, natural colour, inner pocket.", 2400, Some(40)),
                ("Ceramic pour-over set", "Dripper, carafe and two cups, hand glazed.", 6800, Some(12)),
                ("Wool beanie", "Merino, one size, five colours.", 2900, None),
                ("Field notebook, 3 pack", "Dot grid, 48 pages each.", 1250, Some(100)),
                ("Cast-iron skillet", "26 cm, seasoned, lasts a lifetime.", 5500, Some(8)),
            ],
        ),
        (
            SELLER_EUR_EMAIL,
            "Atelier Lumiere",
            "FR",
            "EUR",
            &[
                ("Linen table runner", "Stonewashed Belgian linen, 40 x 180 cm.", 3900, Some(20)),
                ("Beeswax candles, pair", "Hand dipped in Normandy.", 1800, None),
            ],
        ),
        (
            SELLER_TWO_EMAIL,
            "North Pine Outfitters",
            "US",
            "USD",
            &[
                ("Enamel camp mug", "350 ml, speckled blue.", 1600, Some(30)),
                ("Trail headlamp", "200 lumens, USB-C rechargeable.", 3400, Some(15)),
            ],
        ),
    ];
    for (email, name, country, currency, products) in shops {
        let owner = sign_up_as(client, json!({ "email": email, "password": PASSWORD, "country": country })).await?;
        let merchant = client
            .expect(
                "/v1/merchants",
                Some(&owner),
                json!({ "name": name, "country": country, "currency": currency }),
                201,
            )
            .await?;
        let key = merchant["secret_key"].as_str().unwrap_or_default().to_owned();
        for (product, description, amount, stock) in products {
            let mut body =
                json!({ "name": product, "description": description, "amount": amount, "currency": currency });
            if let Some(stock) = stock {
                body["stock"] = json!(stock);
            }
            client.expect("/v1/products", Some(&key), body, 201).await?;
        }
    }

    let buyer = sign_up_as(
        client,
        json!({ "email": BUYER_EMAIL, "password": PASSWORD, "country": "US", "phone": "+15555550100" }),
    )
    .await?;
    let address =
        json!({ "line1": BANK_ADDRESS_LINE1, "city": "Reno", "state": "NV", "postal_code": "89501", "country": "US" });
    let mut first_card: Option<Value> = None;
    for (number, default) in [(SUCCEEDING_VISA, true), (SUCCEEDING_MASTERCARD, false)] {
        let card = client
            .expect(
                "/v1/cards",
                Some(&buyer),
                json!({ "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123", "holder_name": "Demo Buyer",
                        "billing_address": address, "default": default }),
                201,
            )
            .await?;
        first_card.get_or_insert(card);
    }
    let card = first_card.and_then(|c| c["id"].as_str().map(str::to_owned)).unwrap_or_default();
    client
        .expect(
            "/v1/gift_cards/purchase",
            Some(&buyer),
            json!({ "currency": "USD", "items": [{ "denomination": 10000, "quantity": 1 }, { "denomination": 5000, "quantity": 1 }],
                    "payment_method": { "type": "card", "card": card } }),
            201,
        )
        .await?;
    Ok(())
}
