-- The e-mail outbox: a message is a row written in the same transaction as the change it reports (a registration,
-- an invitation), so that it exists if and only if that change was committed. A background worker
-- (Infrastructure/Mail/OutboxWorker) claims due rows with FOR UPDATE SKIP LOCKED, sends them and records the outcome;
-- a failed attempt is retried later with exponential back-off, and a message is never deleted by the sender.
-- See docs/mail.md.
create table if not exists outbox_message (
    id                bigint generated always as identity primary key,
    -- What the message is about (registration-confirmed, invitation…): for logs, tests and statistics.
    kind              text not null check (kind ~ '^[a-z0-9-]+$'),
    recipient         text not null check (recipient like '%_@_%' and length(recipient) <= 320),
    subject           text not null check (length(subject) between 1 and 500),
    body              text not null,
    -- Optional: the same key twice is one message (a reminder sent once per registration, for instance).
    deduplication_key text unique,
    status            text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
    created_at        timestamptz not null default now(),
    -- When the next attempt may start. A claimed message is pushed forward by a lease, so that a sender that dies
    -- mid-send leaves it to be tried again rather than lost.
    due_at            timestamptz not null default now(),
    attempts          integer not null default 0 check (attempts >= 0),
    sent_at           timestamptz,
    last_error        text,
    check ((status = 'sent') = (sent_at is not null))
);

-- The worker's one question: what is due, oldest first.
create index if not exists outbox_message_due on outbox_message (due_at, id) where status = 'pending';
