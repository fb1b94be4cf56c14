-- 0004: CME FedWatch tool probabilities as published (imported exports), a reference for the engine.
CREATE TABLE fedwatch_reference (
    watch_date DATE NOT NULL,
    meeting_date DATE NOT NULL,
    target_lower DOUBLE NOT NULL,
    target_upper DOUBLE,
    probability DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (watch_date, meeting_date, target_lower, source)
);
