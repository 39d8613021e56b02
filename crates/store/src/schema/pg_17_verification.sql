-- PostgreSQL step 17: verification beyond codes. A buyer's security questions (answers only as slow
-- salted hashes of their normalised form) and document reviews (the document sealed by the vault,
-- erased 30 days after the decision; the row stays as the record of the decision).
CREATE TABLE security_questions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    position BIGINT NOT NULL,
    question TEXT NOT NULL,
    answer_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX security_questions_user ON security_questions(user_id, position);
CREATE TABLE document_reviews (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments(id),
    attempt_id TEXT NOT NULL,
    buyer_user_id TEXT NOT NULL REFERENCES users(id),
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    media_type TEXT,
    size BIGINT,
    document_key_id BIGINT,
    document BYTEA,
    note TEXT,
    decided_by TEXT,
    created_at BIGINT NOT NULL,
    submitted_at BIGINT,
    decided_at BIGINT,
    expires_at BIGINT NOT NULL,
    document_deleted_at BIGINT,
    updated_at BIGINT NOT NULL,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX document_reviews_payment ON document_reviews(payment_id);
CREATE INDEX document_reviews_open ON document_reviews(expires_at) WHERE status IN ('awaiting_document', 'in_review');
CREATE INDEX document_reviews_kept ON document_reviews(decided_at) WHERE document IS NOT NULL AND decided_at IS NOT NULL;
