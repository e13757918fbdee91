-- The feedback-request log: every order the seller has asked for feedback (Request a Review), once, ever.
-- Written only by `velocity contacts --mark-sent` and `--record-sent FILE`; imports never touch it.

create table feedback_requests (
    order_id varchar primary key,
    requested_on date not null,
    source varchar not null,
    recorded_at timestamptz not null,
);
