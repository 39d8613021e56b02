//! Tests of `verification.rs`: answer normalisation, question rules, documents recognised by content,
//! the review lifecycle, which payments need a document, and answers under the code's tries, expiry and binding.

use proptest::prelude::*;

use crate::checkout::{CodeChallenge, StepUpReason, VerifyError};
use crate::verification::*;

#[test]
fn answers_are_compared_without_case_spaces_or_accents() {
    assert_eq!(normalize_answer("  São   PAULO "), "sao paulo");
    assert_eq!(normalize_answer("Ёлка"), normalize_answer("ёлка"));
    assert_eq!(normalize_answer("Müller\tStraße"), "muller straße");
    assert_eq!(normalize_answer("ＡＢＣ"), "abc", "full-width letters fold to ASCII");
    assert_eq!(normalize_answer("Peña"), "pena");
    assert_ne!(normalize_answer("rex"), normalize_answer("rexy"));
}

#[test]
fn questions_are_checked_and_presets_become_their_text() {
    let set =
        check_questions(&[("first_pet", "Rex"), ("My own question, about tea?", " Green  tea ")]).expect("a valid set");
    assert_eq!(set[0].question, "What was the name of your first pet?");
    assert_eq!(set[0].normalized_answer, "rex");
    assert_eq!(set[1].question, "My own question, about tea?");
    assert_eq!(set[1].normalized_answer, "green tea");
    assert!(!format!("{:?}", set[0]).contains("rex"), "Debug hides the answer");

    assert_eq!(check_questions(&[("first_pet", "Rex")]), Err(QuestionsError::Count));
    let four = [("first_pet", "aa"), ("first_job", "bb"), ("first_school", "cc"), ("childhood_street", "dd")];
    assert_eq!(check_questions(&four), Err(QuestionsError::Count));
    assert_eq!(
        check_questions(&[("first_pet", "Rex"), ("short?", "x y")]),
        Err(QuestionsError::QuestionLength { index: 1 })
    );
    let repeated = check_questions(&[("first_pet", "Rex"), ("What was the name of your first pet?", "Tom")]);
    assert_eq!(repeated, Err(QuestionsError::Repeated { index: 1 }));
    assert_eq!(
        check_questions(&[("first_pet", " R "), ("first_job", "Shop")]),
        Err(QuestionsError::AnswerLength { index: 0 })
    );
    let same = check_questions(&[("first_pet", "Rex"), ("first_job", "REX")]);
    assert_eq!(same, Err(QuestionsError::SameAnswers { index: 1 }));
    assert_eq!(same.expect_err("refused").param(), "questions[1].answer");
}

#[test]
fn documents_are_recognised_by_content_not_name() {
    assert_eq!(sniff_document(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Ok(DocumentKind::Jpeg));
    assert_eq!(sniff_document(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok(DocumentKind::Png));
    assert_eq!(sniff_document(b"%PDF-1.7\n"), Ok(DocumentKind::Pdf));
    assert_eq!(sniff_document(b"GIF89a"), Err(DocumentError::UnsupportedType));
    assert_eq!(sniff_document(b"<html>%PDF-"), Err(DocumentError::UnsupportedType));
    assert_eq!(sniff_document(b""), Err(DocumentError::Empty));
    let mut big = b"%PDF-".to_vec();
    big.resize(DOCUMENT_BYTES_MAX + 1, b' ');
    assert_eq!(sniff_document(&big), Err(DocumentError::TooLarge));
    big.truncate(DOCUMENT_BYTES_MAX);
    assert_eq!(sniff_document(&big), Ok(DocumentKind::Pdf), "exactly 5 MB is accepted");
    for kind in [DocumentKind::Jpeg, DocumentKind::Png, DocumentKind::Pdf] {
        assert_eq!(DocumentKind::from_media_type(kind.media_type()), Some(kind));
    }
}

#[test]
fn a_review_moves_only_forward() {
    use ReviewStatus::*;
    assert_eq!(AwaitingDocument.submit(), Ok(InReview));
    assert_eq!(InReview.submit(), Err(ReviewError::AlreadySubmitted));
    assert_eq!(AwaitingDocument.decide(true), Err(ReviewError::NoDocument));
    assert_eq!(InReview.decide(true), Ok(Approved));
    assert_eq!(InReview.decide(false), Ok(Rejected));
    for decided in [Approved, Rejected, Expired, Canceled] {
        assert!(!decided.is_open());
        assert_eq!(decided.submit(), Err(ReviewError::AlreadyDecided));
        assert_eq!(decided.decide(true), Err(ReviewError::AlreadyDecided));
        assert_eq!(decided.close(true), Err(ReviewError::AlreadyDecided));
    }
    assert_eq!(InReview.close(true), Ok(Expired));
    assert_eq!(AwaitingDocument.close(false), Ok(Canceled));
    for s in ReviewStatus::ALL {
        assert_eq!(ReviewStatus::parse(s.name()), Some(s));
    }
    assert_eq!(document_deleted_at(1_000), 1_000 + 30 * 86_400);
}

#[test]
fn which_payments_need_a_document() {
    assert!(needs_document(100_001, Some(100_000)));
    assert!(!needs_document(100_000, Some(100_000)), "equal passes");
    assert!(!needs_document(i64::MAX, None), "no review amount set: never");
    assert!(escalates_to_document(&[StepUpReason::LargeAmount]));
    assert!(escalates_to_document(&[StepUpReason::NewCard, StepUpReason::ForeignCard]));
    assert!(!escalates_to_document(&[StepUpReason::NewCard]));
    for r in StepUpReason::ALL {
        assert_eq!(StepUpReason::parse(r.name()), Some(r));
    }
}

#[test]
fn answers_share_the_codes_tries_expiry_and_binding() {
    let mut c = CodeChallenge::new(vec![1; 32], "pay_1", 5_000, "USD", 100);
    assert_eq!(c.check_answers(true, "pay_1", 9_000, "USD", 101), Err(VerifyError::Mismatch), "bound to the amount");
    assert_eq!(c.check_answers(true, "pay_2", 5_000, "USD", 101), Err(VerifyError::Mismatch), "bound to the payment");
    for left in (0..5).rev() {
        assert_eq!(c.check_answers(false, "pay_1", 5_000, "USD", 102), Err(VerifyError::Wrong { tries_left: left }));
    }
    assert_eq!(c.check_answers(true, "pay_1", 5_000, "USD", 103), Err(VerifyError::TooManyAttempts));
    let mut fresh = CodeChallenge::new(vec![1; 32], "pay_1", 5_000, "USD", 100);
    assert_eq!(fresh.check(&[9; 32], "pay_1", 5_000, "USD", 101), Err(VerifyError::Wrong { tries_left: 4 }));
    assert_eq!(
        fresh.check_answers(false, "pay_1", 5_000, "USD", 101),
        Err(VerifyError::Wrong { tries_left: 3 }),
        "a wrong code and wrong answers count together"
    );
    assert_eq!(fresh.check_answers(true, "pay_1", 5_000, "USD", 100 + 600), Err(VerifyError::Expired));
    let mut ok = CodeChallenge::new(vec![1; 32], "pay_1", 5_000, "USD", 100);
    assert_eq!(ok.check_answers(true, "pay_1", 5_000, "USD", 699), Ok(()));
}

proptest! {
    #[test]
    fn normalising_is_idempotent_and_ignores_case_and_spacing(s in "\\PC{0,40}") {
        let once = normalize_answer(&s);
        prop_assert_eq!(normalize_answer(&once), once.clone());
        prop_assert_eq!(normalize_answer(&format!("  {}  ", s.to_uppercase())), normalize_answer(&s.to_uppercase()));
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }
}
