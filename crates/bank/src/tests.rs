//! Tests of the test bank through its public face, with a controllable clock and a database file in a
//! temporary directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;

use domain::calendar::{days_from_civil, SECONDS_PER_DAY};

use crate::{BankError, BankPayout, BankStatus, Destination, FailureCode, NowFn, PayoutOrder, PayoutRail, TestBank};

const DAY: i64 = SECONDS_PER_DAY;
const ROUTING: &str = "110000000";

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name =
            format!("pocketpay-bank-test-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("bank.sqlite")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Friday 2024-03-01 10:00 UTC.
fn friday_10() -> i64 {
    days_from_civil(2024, 3, 1) * DAY + 10 * 3600
}

/// Tuesday 2024-03-05 10:00 UTC: 2 business days after [`friday_10`].
fn tuesday_10() -> i64 {
    friday_10() + 4 * DAY
}

struct Fixture {
    clock: Arc<AtomicI64>,
    bank: TestBank,
    dir: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = TempDir::new();
        let clock = Arc::new(AtomicI64::new(friday_10()));
        let bank = open(&dir.db(), &clock);
        Fixture { clock, bank, dir }
    }

    fn set(&self, now: i64) {
        self.clock.store(now, Ordering::SeqCst);
    }

    fn lookup(&self, payout_id: &str) -> BankPayout {
        self.bank.lookup(payout_id).expect("lookup").expect("payout known")
    }

    fn rows(&self) -> i64 {
        let conn = rusqlite::Connection::open(self.dir.db()).expect("open db");
        conn.query_row("SELECT COUNT(*) FROM payouts", [], |r| r.get(0)).expect("count")
    }
}

fn open(path: &Path, clock: &Arc<AtomicI64>) -> TestBank {
    let clock = clock.clone();
    let now: NowFn = Arc::new(move || clock.load(Ordering::SeqCst));
    TestBank::open(path, now).expect("open test bank")
}

fn us(account_number: &str) -> Destination {
    Destination {
        country: "US".into(),
        currency: "usd".into(),
        account_number: Some(account_number.into()),
        routing_number: Some(ROUTING.into()),
        iban: None,
        holder_name: "Jenny Rosen".into(),
    }
}

/// An IBAN (written with spaces, as people do) ending in `last4`.
fn iban(last4: &str) -> Destination {
    Destination {
        country: "DE".into(),
        currency: "eur".into(),
        account_number: None,
        routing_number: None,
        iban: Some(format!("DE89 3704 0044 0532 01{last4}")),
        holder_name: "Jenny Rosen".into(),
    }
}

fn order(payout_id: &str, amount: i64, destination: Destination) -> PayoutOrder {
    PayoutOrder { payout_id: payout_id.into(), amount, currency: destination.currency.clone(), destination }
}

/// Sends at Friday 10:00 and checks the payout is in transit until Tuesday 10:00, then `final_status`.
fn assert_two_business_days(f: &Fixture, o: &PayoutOrder, final_status: BankStatus, code: Option<FailureCode>) {
    f.set(friday_10());
    let sent = f.bank.send(o).expect("send");
    assert_eq!(sent.status, BankStatus::InTransit, "{o:?}");
    assert_eq!(sent.failure_code, None);
    assert_eq!(sent.arrival_date, tuesday_10());
    assert!(sent.bank_reference.starts_with("tb_") && sent.bank_reference.len() == 19, "{}", sent.bank_reference);
    f.set(tuesday_10() - 1);
    assert_eq!(f.lookup(&o.payout_id), sent, "still in transit on Tuesday 09:59:59");
    f.set(tuesday_10());
    let arrived = f.lookup(&o.payout_id);
    assert_eq!((arrived.status, arrived.failure_code), (final_status, code), "{o:?}");
    assert_eq!((arrived.arrival_date, &arrived.bank_reference), (sent.arrival_date, &sent.bank_reference));
}

#[test]
fn standard_account_is_paid_two_business_days_after_sending() {
    let f = Fixture::new();
    assert_two_business_days(&f, &order("po_us_6789", 10_000, us("000123456789")), BankStatus::Paid, None);
    assert_two_business_days(&f, &order("po_iban_6789", 10_000, iban("6789")), BankStatus::Paid, None);
}

#[test]
fn any_other_number_behaves_like_the_standard_account() {
    let f = Fixture::new();
    assert_two_business_days(&f, &order("po_other_us", 500, us("000987654321")), BankStatus::Paid, None);
    assert_two_business_days(&f, &order("po_other_iban", 500, iban("0000")), BankStatus::Paid, None);
}

#[test]
fn instant_account_is_paid_at_once() {
    let f = Fixture::new();
    for (id, destination) in [("po_us_1116", us("000111111116")), ("po_iban_1116", iban("1116"))] {
        let sent = f.bank.send(&order(id, 2_500, destination)).expect("send");
        assert_eq!((sent.status, sent.arrival_date, sent.failure_code), (BankStatus::Paid, friday_10(), None));
        assert_eq!(f.lookup(id), sent);
    }
}

#[test]
fn failing_accounts_fail_with_their_code_on_the_arrival_date() {
    let f = Fixture::new();
    let table = [
        ("000111111113", "1113", FailureCode::AccountClosed),
        ("000222222227", "2227", FailureCode::NoAccount),
        ("000333333335", "3335", FailureCode::UnsupportedCurrency),
        ("000444444440", "4440", FailureCode::AccountFrozen),
    ];
    for (number, last4, code) in table {
        let us_order = order(&format!("po_us_{last4}"), 1_000, us(number));
        assert_two_business_days(&f, &us_order, BankStatus::Failed, Some(code));
        let iban_order = order(&format!("po_iban_{last4}"), 1_000, iban(last4));
        assert_two_business_days(&f, &iban_order, BankStatus::Failed, Some(code));
    }
}

#[test]
fn lost_answer_is_recorded_and_settles_as_paid_after_five_days() {
    let f = Fixture::new();
    let o = order("po_9991", 7_700, us("000999999991"));
    let err = f.bank.send(&o).expect_err("the answer is lost");
    assert!(matches!(err, BankError::NoAnswer) && err.is_unknown_outcome());
    assert_eq!(f.bank.received_count("po_9991").expect("count"), 1);
    let first = f.lookup("po_9991");
    assert_eq!((first.status, first.arrival_date), (BankStatus::InTransit, friday_10() + 5 * DAY));

    f.set(friday_10() + DAY);
    assert!(matches!(f.bank.send(&o), Err(BankError::NoAnswer)), "a resend loses its answer too");
    assert_eq!(f.bank.received_count("po_9991").expect("count"), 2);
    assert_eq!(f.lookup("po_9991"), first, "the resend does not move the arrival date");

    f.set(friday_10() + 5 * DAY - 1);
    assert_eq!(f.lookup("po_9991").status, BankStatus::InTransit);
    f.set(friday_10() + 5 * DAY);
    let settled = f.lookup("po_9991");
    assert_eq!((settled.status, settled.failure_code), (BankStatus::Paid, None));
    assert!(matches!(f.bank.send(&o), Err(BankError::NoAnswer)), "every time");
    assert_eq!(f.lookup("po_9991"), settled);
    assert_eq!(f.rows(), 1);

    let iban_order = order("po_iban_9991", 100, iban("9991"));
    assert!(matches!(f.bank.send(&iban_order), Err(BankError::NoAnswer)));
    assert_eq!(f.lookup("po_iban_9991").status, BankStatus::InTransit);
}

#[test]
fn resend_with_same_details_answers_the_same_payout_once() {
    let f = Fixture::new();
    let o = order("po_resend", 12_345, us("000123456789"));
    let first = f.bank.send(&o).expect("send");
    f.set(friday_10() + 3600);
    let again = f.bank.send(&order("po_resend", 12_345, us("0001 2345 6789"))).expect("resend");
    assert_eq!(again, first);
    assert_eq!(f.bank.received_count("po_resend").expect("count"), 2);
    assert_eq!(f.rows(), 1);

    // After arrival a resend answers the payout as it is now, still one payout.
    f.set(tuesday_10());
    let late = f.bank.send(&o).expect("late resend");
    assert_eq!(
        (late.status, late.arrival_date, &late.bank_reference),
        (BankStatus::Paid, first.arrival_date, &first.bank_reference)
    );
    assert_eq!(f.bank.received_count("po_resend").expect("count"), 3);
    assert_eq!(f.rows(), 1);
}

#[test]
fn resend_with_other_details_is_a_conflict() {
    let f = Fixture::new();
    let o = order("po_conflict", 1_000, us("000123456789"));
    let first = f.bank.send(&o).expect("send");
    let mut other_routing = us("000123456789");
    other_routing.routing_number = Some("021000021".into());
    let others = [
        order("po_conflict", 1_001, us("000123456789")),
        PayoutOrder { currency: "eur".into(), ..order("po_conflict", 1_000, us("000123456789")) },
        order("po_conflict", 1_000, us("000123456780")),
        order("po_conflict", 1_000, other_routing),
        order("po_conflict", 1_000, iban("6789")),
    ];
    for other in &others {
        match f.bank.send(other) {
            Err(e @ BankError::Conflict(_)) => {
                assert!(!e.is_unknown_outcome());
                assert_eq!(e.to_string(), "payout po_conflict was sent before with other details");
            }
            answer => panic!("expected a conflict for {other:?}, got {answer:?}"),
        }
    }
    assert_eq!(f.bank.received_count("po_conflict").expect("count"), 1);
    assert_eq!(f.lookup("po_conflict"), first);
    assert_eq!(f.bank.send(&o).expect("same details still answer"), first);
}

#[test]
fn unknown_payout_is_not_found() {
    let f = Fixture::new();
    assert_eq!(f.bank.lookup("po_never_sent").expect("lookup"), None);
    assert_eq!(f.bank.received_count("po_never_sent").expect("count"), 0);
}

#[test]
fn destination_without_a_number_fails_with_no_account() {
    let f = Fixture::new();
    let mut nothing = us("");
    nothing.account_number = None;
    assert_two_business_days(
        &f,
        &order("po_no_number", 100, nothing),
        BankStatus::Failed,
        Some(FailureCode::NoAccount),
    );
}

#[test]
fn state_survives_reopening_and_final_status_never_changes() {
    let dir = TempDir::new();
    let clock = Arc::new(AtomicI64::new(friday_10()));
    let (paid, failed, transit) = {
        let bank = open(&dir.db(), &clock);
        let transit = bank.send(&order("po_a", 100, us("000123456789"))).expect("send");
        let failed = bank.send(&order("po_b", 200, us("000111111113"))).expect("send");
        let instant = bank.send(&order("po_c", 300, us("000111111116"))).expect("send");
        clock.store(tuesday_10(), Ordering::SeqCst);
        let failed_now = bank.lookup("po_b").expect("lookup").expect("known");
        assert_eq!(failed_now.status, BankStatus::Failed);
        assert_eq!(failed.status, BankStatus::InTransit);
        (instant, failed_now, transit)
    };
    // The clock goes back before the arrival date: what was observed final stays final.
    clock.store(friday_10() + 60, Ordering::SeqCst);
    let bank = open(&dir.db(), &clock);
    assert_eq!(bank.lookup("po_c").expect("lookup"), Some(paid));
    assert_eq!(bank.lookup("po_b").expect("lookup"), Some(failed));
    assert_eq!(bank.lookup("po_a").expect("lookup"), Some(transit.clone()), "never observed arrived: in transit");
    assert_eq!(bank.received_count("po_a").expect("count"), 1);
    assert!(matches!(bank.send(&order("po_a", 101, us("000123456789"))), Err(BankError::Conflict(_))));
    clock.store(tuesday_10(), Ordering::SeqCst);
    assert_eq!(bank.lookup("po_a").expect("lookup").map(|p| p.status), Some(BankStatus::Paid));
}

#[test]
fn database_file_never_holds_the_numbers() {
    let f = Fixture::new();
    let numbers = ["000123456789", "000111111113", "000999999991"];
    for (i, number) in numbers.iter().enumerate() {
        let _ = f.bank.send(&order(&format!("po_file_{i}"), 100, us(number)));
    }
    let _ = f.bank.send(&order("po_file_iban", 100, iban("6789")));
    f.set(tuesday_10() + 10 * DAY);
    for id in ["po_file_0", "po_file_1", "po_file_2", "po_file_iban"] {
        assert!(f.lookup(id).status != BankStatus::InTransit);
    }
    let Fixture { bank, dir, .. } = f;
    let holds = |what: &str| {
        std::fs::read_dir(&dir.0).expect("read dir").any(|entry| {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("read file");
            bytes.windows(what.len()).any(|w| w == what.as_bytes())
        })
    };
    let check = |what: &str| {
        assert!(holds("po_file_iban"), "the files read hold the payouts");
        assert!(!holds(what), "the files hold {what}");
    };
    // While open (the data may still be in the write-ahead log), then once closed.
    let iban_compact = "DE89370400440532016789";
    let secrets = [numbers[0], numbers[1], numbers[2], ROUTING, iban_compact, "DE89 3704", "Jenny Rosen"];
    secrets.iter().for_each(|s| check(s));
    drop(bank);
    secrets.iter().for_each(|s| check(s));
}

#[cfg(unix)]
#[test]
fn database_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    let mode = std::fs::metadata(f.dir.db()).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn debug_never_shows_the_numbers() {
    let us_destination = us("000123456789");
    let shown = format!("{us_destination:?}");
    assert!(shown.contains("****6789"), "{shown}");
    for secret in ["000123456789", "123456789", ROUTING, "Jenny"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let o = order("po_debug", 100, iban("6789"));
    let shown = format!("{o:?} {:#?}", o);
    assert!(shown.contains("****6789") && shown.contains("po_debug"), "{shown}");
    for secret in ["DE89", "3704", "0532016789", "Jenny"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let short = Destination { account_number: Some("1234".into()), ..us("") };
    assert!(!format!("{short:?}").contains("1234"));
}

#[test]
fn failure_codes_and_errors_name_themselves() {
    let codes = [
        (FailureCode::AccountClosed, "account_closed"),
        (FailureCode::NoAccount, "no_account"),
        (FailureCode::UnsupportedCurrency, "unsupported_currency"),
        (FailureCode::AccountFrozen, "account_frozen"),
    ];
    for (code, name) in codes {
        assert_eq!(code.code(), name);
        assert_eq!(FailureCode::parse(name), Some(code));
        assert!(code.message().ends_with('.') && code.message().len() > 20);
    }
    assert_eq!(FailureCode::AccountClosed.message(), "The bank account is closed. Add another bank account.");
    assert!(BankError::NoAnswer.is_unknown_outcome());
    assert!(!BankError::Storage("disk".into()).is_unknown_outcome());
    assert_eq!(BankError::NoAnswer.to_string(), "the bank did not answer");
}
