//! Ways a buyer proves who they are beyond a one-time code: security questions they set up earlier,
//! and a document an operator reviews.
//!
//! Security questions: 2 or 3, each from [`PRESET_QUESTIONS`] or the buyer's own words; an answer is
//! compared by its [`normalize_answer`] form (case, spaces and accents do not matter), and only a slow
//! salted hash of that form is ever kept (the caller hashes). At step-up, answering is an alternative
//! to the code, under the same challenge: the same tries, the same expiry, the same binding to one
//! payment and amount ([`crate::checkout::CodeChallenge::check_answers`]).
//!
//! Document review: a payment above the platform's review amount, or a high-risk payment whose code
//! tries ran out ([`escalates_to_document`]), asks for a document ([`sniff_document`]: JPEG, PNG or
//! PDF recognised by content, at most [`DOCUMENT_BYTES_MAX`]). Its lifecycle is [`ReviewStatus`].

use std::fmt;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::checkout::StepUpReason;

/// Fewest and most security questions a buyer sets.
pub const QUESTIONS_MIN: usize = 2;
pub const QUESTIONS_MAX: usize = 3;
/// Length bounds of a question (characters).
pub const QUESTION_LENGTH_MIN: usize = 10;
pub const QUESTION_LENGTH_MAX: usize = 200;
/// Length bounds of a normalised answer (characters).
pub const ANSWER_LENGTH_MIN: usize = 2;
pub const ANSWER_LENGTH_MAX: usize = 100;

/// The questions offered to choose from (`id`, text).
pub const PRESET_QUESTIONS: &[(&str, &str)] = &[
    ("first_school", "What was the name of your first school?"),
    ("childhood_street", "What street did you live on as a child?"),
    ("first_pet", "What was the name of your first pet?"),
    ("parents_meeting_city", "In which city did your parents meet?"),
    ("childhood_friend", "What is the first name of your childhood best friend?"),
    ("first_job", "Where was your first job?"),
];

/// The text of a preset question, by id or by its exact text.
pub fn preset_question(id_or_text: &str) -> Option<&'static str> {
    PRESET_QUESTIONS.iter().find(|(id, text)| *id == id_or_text || *text == id_or_text).map(|(_, text)| *text)
}

/// The form an answer is compared in: Unicode compatibility decomposition, accents (combining marks)
/// dropped, lower case, every run of white space one space, no leading or trailing space. So
/// "  São   PAULO " and "sao paulo" are the same answer.
pub fn normalize_answer(answer: &str) -> String {
    let folded: String = answer.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a set of security questions was refused. `param()` names the offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionsError {
    #[error("Set {QUESTIONS_MIN} or {QUESTIONS_MAX} security questions.")]
    Count,
    #[error("A question is {QUESTION_LENGTH_MIN} to {QUESTION_LENGTH_MAX} characters.")]
    QuestionLength { index: usize },
    #[error("Each question may be used once.")]
    Repeated { index: usize },
    #[error("An answer is {ANSWER_LENGTH_MIN} to {ANSWER_LENGTH_MAX} characters, not counting spaces at the ends.")]
    AnswerLength { index: usize },
    #[error("An answer may not repeat its question.")]
    AnswerIsQuestion { index: usize },
    #[error("Use a different answer for each question.")]
    SameAnswers { index: usize },
}

impl QuestionsError {
    /// The request field at fault, e.g. `questions[1].answer`.
    pub fn param(&self) -> String {
        match self {
            QuestionsError::Count => "questions".into(),
            QuestionsError::QuestionLength { index } | QuestionsError::Repeated { index } => {
                format!("questions[{index}].question")
            }
            QuestionsError::AnswerLength { index }
            | QuestionsError::AnswerIsQuestion { index }
            | QuestionsError::SameAnswers { index } => format!("questions[{index}].answer"),
        }
    }
}

/// A question and its normalised answer, ready to be hashed. `Debug` does not show the answer.
#[derive(Clone, PartialEq, Eq)]
pub struct QuestionSetting {
    pub question: String,
    pub normalized_answer: String,
}

impl fmt::Debug for QuestionSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuestionSetting")
            .field("question", &self.question)
            .field("normalized_answer", &"<hidden>")
            .finish()
    }
}

/// Checks a buyer's questions and answers: 2 or 3; a preset id becomes its text; each question
/// 10–200 characters and used once; each normalised answer 2–100 characters, not the question itself,
/// and not the same as another answer.
pub fn check_questions(pairs: &[(&str, &str)]) -> Result<Vec<QuestionSetting>, QuestionsError> {
    if !(QUESTIONS_MIN..=QUESTIONS_MAX).contains(&pairs.len()) {
        return Err(QuestionsError::Count);
    }
    let mut out: Vec<QuestionSetting> = Vec::with_capacity(pairs.len());
    for (index, (question, answer)) in pairs.iter().enumerate() {
        let question = preset_question(question.trim())
            .map(str::to_owned)
            .unwrap_or_else(|| question.split_whitespace().collect::<Vec<_>>().join(" "));
        let length = question.chars().count();
        if !(QUESTION_LENGTH_MIN..=QUESTION_LENGTH_MAX).contains(&length) {
            return Err(QuestionsError::QuestionLength { index });
        }
        if out.iter().any(|q| normalize_answer(&q.question) == normalize_answer(&question)) {
            return Err(QuestionsError::Repeated { index });
        }
        let normalized_answer = normalize_answer(answer);
        if !(ANSWER_LENGTH_MIN..=ANSWER_LENGTH_MAX).contains(&normalized_answer.chars().count()) {
            return Err(QuestionsError::AnswerLength { index });
        }
        if normalized_answer == normalize_answer(&question) {
            return Err(QuestionsError::AnswerIsQuestion { index });
        }
        if out.iter().any(|q| q.normalized_answer == normalized_answer) {
            return Err(QuestionsError::SameAnswers { index });
        }
        out.push(QuestionSetting { question, normalized_answer });
    }
    Ok(out)
}

/// Largest document a buyer may upload.
pub const DOCUMENT_BYTES_MAX: usize = 5 * 1024 * 1024;
/// A decided review's document is deleted this long after the decision.
pub const DOCUMENT_RETENTION_S: i64 = 30 * 86_400;
/// A review not decided within this window expires (the payment fails; the order stays payable).
pub const REVIEW_WINDOW_S: i64 = 48 * 3_600;

/// The kinds of document accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Jpeg,
    Png,
    Pdf,
}

impl DocumentKind {
    /// The media type it is stored and served as.
    pub fn media_type(self) -> &'static str {
        match self {
            DocumentKind::Jpeg => "image/jpeg",
            DocumentKind::Png => "image/png",
            DocumentKind::Pdf => "application/pdf",
        }
    }

    /// The kind of a stored media type.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        [DocumentKind::Jpeg, DocumentKind::Png, DocumentKind::Pdf].into_iter().find(|k| k.media_type() == media_type)
    }
}

/// Why an uploaded document was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file is larger than 5 MB.")]
    TooLarge,
    #[error("Upload a JPEG or PNG photo, or a PDF.")]
    UnsupportedType,
}

impl DocumentError {
    /// The API code.
    pub fn code(self) -> &'static str {
        match self {
            DocumentError::Empty => "parameter_invalid",
            DocumentError::TooLarge => "document_too_large",
            DocumentError::UnsupportedType => "document_type_unsupported",
        }
    }
}

/// What a file is, by its first bytes (never by its name or the type the browser claims): JPEG
/// (`FF D8 FF`), PNG (its 8-byte signature) or PDF (`%PDF-`).
pub fn sniff_document(bytes: &[u8]) -> Result<DocumentKind, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if bytes.len() > DOCUMENT_BYTES_MAX {
        return Err(DocumentError::TooLarge);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(DocumentKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok(DocumentKind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Ok(DocumentKind::Pdf)
    } else {
        Err(DocumentError::UnsupportedType)
    }
}

/// Whether a high-risk payment whose code tries ran out asks for a document instead of a new code:
/// when it was stepped up for a large amount, or for two reasons or more.
pub fn escalates_to_document(reasons: &[StepUpReason]) -> bool {
    reasons.len() >= 2 || reasons.contains(&StepUpReason::LargeAmount)
}

/// Whether a payment of `amount_minor` needs a document whatever else it has: strictly above the
/// platform's review amount, when one is set.
pub fn needs_document(amount_minor: i64, review_amount_minor: Option<i64>) -> bool {
    review_amount_minor.is_some_and(|limit| amount_minor > limit)
}

/// A document review's lifecycle: `awaiting_document → in_review → approved | rejected`, and
/// `awaiting_document | in_review → expired` (the window passed) or `→ canceled` (the buyer paid
/// another way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    AwaitingDocument,
    InReview,
    Approved,
    Rejected,
    Expired,
    Canceled,
}

/// Why a review may not move as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("A document was already uploaded for this payment; it is being reviewed.")]
    AlreadySubmitted,
    #[error("This review has no document yet.")]
    NoDocument,
    #[error("This review is already decided.")]
    AlreadyDecided,
}

impl ReviewStatus {
    /// Every status.
    pub const ALL: [ReviewStatus; 6] = [
        ReviewStatus::AwaitingDocument,
        ReviewStatus::InReview,
        ReviewStatus::Approved,
        ReviewStatus::Rejected,
        ReviewStatus::Expired,
        ReviewStatus::Canceled,
    ];

    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            ReviewStatus::AwaitingDocument => "awaiting_document",
            ReviewStatus::InReview => "in_review",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Expired => "expired",
            ReviewStatus::Canceled => "canceled",
        }
    }

    /// The status of an API name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether it is still open (a document may come, or a decision).
    pub fn is_open(self) -> bool {
        matches!(self, ReviewStatus::AwaitingDocument | ReviewStatus::InReview)
    }

    /// The buyer uploads the document: `AwaitingDocument → InReview`.
    pub fn submit(self) -> Result<Self, ReviewError> {
        match self {
            ReviewStatus::AwaitingDocument => Ok(ReviewStatus::InReview),
            ReviewStatus::InReview => Err(ReviewError::AlreadySubmitted),
            _ => Err(ReviewError::AlreadyDecided),
        }
    }

    /// An operator decides: `InReview → Approved | Rejected`.
    pub fn decide(self, approve: bool) -> Result<Self, ReviewError> {
        match self {
            ReviewStatus::InReview if approve => Ok(ReviewStatus::Approved),
            ReviewStatus::InReview => Ok(ReviewStatus::Rejected),
            ReviewStatus::AwaitingDocument => Err(ReviewError::NoDocument),
            _ => Err(ReviewError::AlreadyDecided),
        }
    }

    /// The window passed, or the buyer paid another way: an open review ends (`Expired` or `Canceled`).
    pub fn close(self, expired: bool) -> Result<Self, ReviewError> {
        match (self.is_open(), expired) {
            (true, true) => Ok(ReviewStatus::Expired),
            (true, false) => Ok(ReviewStatus::Canceled),
            (false, _) => Err(ReviewError::AlreadyDecided),
        }
    }
}

/// When a decided (or expired) review's document is deleted.
pub fn document_deleted_at(decided_at: i64) -> i64 {
    decided_at.saturating_add(DOCUMENT_RETENTION_S)
}
