//! `pocketpay backup` and `pocketpay restore` on the embedded file: a backup taken while the server
//! serves, restored on another data directory with the keys copied beside it, serves the shop as it
//! was at the backup. The engine is SQLite in both test passes: on PostgreSQL the engine's own tools
//! back up (the command says so).

#[path = "../../server/tests/common/mod.rs"]
mod common;

use std::ffi::OsStr;
use std::process::{Command, Output};

use common::{new_card, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// Runs `pocketpay` with `args` (the test's own environment names no data directory or database).
fn pocketpay(args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pocketpay"))
        .args(args)
        .env_remove("POCKETPAY_DATA_DIR")
        .env_remove("POCKETPAY_DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("pocketpay: {e}"))
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

async fn load(app: &TestApp, token: &str, denomination: i64) {
    let bought = app
        .post(
            "/v1/gift_cards/purchase",
            Some(token),
            json!({ "currency": "USD", "items": [{ "denomination": denomination, "quantity": 1 }],
                "payment_method": new_card("4242424242424242") }),
        )
        .await;
    assert_eq!(bought.status, StatusCode::CREATED, "{}", bought.body);
}

async fn available(app: &TestApp, token: &str) -> i64 {
    app.get("/v1/pocket", Some(token)).await.body["balances"][0]["available"].as_i64().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_the_shop_as_it_was() {
    let root = std::env::temp_dir().join(format!("pocketpay-backup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap_or_else(|e| panic!("{e}"));
    let live = root.join("live");
    let app = TestApp::spawn_at(live.clone(), |c| c.database_url = None).await;
    let buyer = app.buyer("saver@example.com").await;
    load(&app, &buyer, 5_000).await;

    // While the server serves.
    let file = root.join("shop.backup");
    let out = pocketpay(&[os("backup"), os("--data-dir"), live.as_os_str()]);
    assert!(!out.status.success(), "--to is required");
    let out = pocketpay(&[os("backup"), os("--data-dir"), live.as_os_str(), os("--to"), file.as_os_str()]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("ledger verified") && said(&out).contains("vault.keys"), "{}", said(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
        assert_eq!(mode, 0o600, "the backup is readable by its owner only");
    }
    // A backup never overwrites a file.
    let again = pocketpay(&[os("backup"), os("--data-dir"), live.as_os_str(), os("--to"), file.as_os_str()]);
    assert!(!again.status.success() && said(&again).contains("never overwrites"), "{}", said(&again));
    // On PostgreSQL the engine's tools back up.
    let pg_file = root.join("pg.backup");
    let pg = pocketpay(&[
        os("backup"),
        os("--database-url"),
        os("postgres://u@127.0.0.1:1/db"),
        os("--to"),
        pg_file.as_os_str(),
    ]);
    assert!(!pg.status.success() && said(&pg).contains("pg_dump"), "{}", said(&pg));

    // Written after the backup: not in it.
    load(&app, &buyer, 2_000).await;
    assert_eq!(available(&app, &buyer).await, 7_000);

    // A restore into the running server's directory is refused.
    let refused = pocketpay(&[os("restore"), os("--data-dir"), live.as_os_str(), os("--from"), file.as_os_str()]);
    assert!(!refused.status.success() && said(&refused).contains("stop it"), "{}", said(&refused));
    let live = app.stop().await;

    // A file that is not a backup is refused, and nothing changes.
    let other = root.join("other");
    std::fs::create_dir_all(&other).unwrap_or_else(|e| panic!("{e}"));
    let junk = root.join("junk.backup");
    std::fs::write(&junk, b"not a database at all, just some bytes").unwrap_or_else(|e| panic!("{e}"));
    let refused = pocketpay(&[os("restore"), os("--data-dir"), other.as_os_str(), os("--from"), junk.as_os_str()]);
    assert!(!refused.status.success() && said(&refused).contains("nothing was restored"), "{}", said(&refused));
    assert!(!other.join("pocketpay.db").exists());

    // Restored on another directory, with the keys copied beside it: the shop as it was.
    for key in ["secret.key", "vault.keys", "issuer.db"] {
        std::fs::copy(live.join(key), other.join(key)).unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    let restored = pocketpay(&[os("restore"), os("--data-dir"), other.as_os_str(), os("--from"), file.as_os_str()]);
    assert!(restored.status.success(), "{}", said(&restored));
    let app = TestApp::spawn_at(other.clone(), |c| c.database_url = None).await;
    assert_eq!(available(&app, &buyer).await, 5_000, "the session and the Pocket as at the backup");
    load(&app, &buyer, 1_000).await;
    app.assert_ledger_balanced().await;
    let other = app.stop().await;

    // Restoring over a database keeps the one it replaces.
    let over = pocketpay(&[os("restore"), os("--data-dir"), other.as_os_str(), os("--from"), file.as_os_str()]);
    assert!(over.status.success() && said(&over).contains("is kept as"), "{}", said(&over));
    let kept = std::fs::read_dir(&other)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().contains(".replaced-")).count())
        .unwrap_or(0);
    assert_eq!(kept, 1);
    let _ = std::fs::remove_dir_all(&root);
}
