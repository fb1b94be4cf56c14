-- 0003: the FedWatch as-of panel (probabilities per watch date, meeting and target range).
CREATE TABLE fedwatch_panel (
    watch_date DATE NOT NULL,
    meeting_date DATE NOT NULL,
    change_bp INTEGER NOT NULL,
    target_lower DOUBLE,
    target_upper DOUBLE,
    probability DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (watch_date, meeting_date, change_bp, source)
);

