-- 0001: initial schema. Every dataset keeps `source` and `ts_ingested` (UTC) on each row;
-- the primary key is the dataset key plus `source`, so each source keeps its own copy.
CREATE TABLE etf_flows (
    date DATE NOT NULL,
    fund VARCHAR NOT NULL,
    flow_usd DOUBLE,
    aum_usd DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (date, fund, source)
);
CREATE TABLE etf_flows__revisions (
    date DATE,
    fund VARCHAR,
    flow_usd DOUBLE,
    aum_usd DOUBLE,
    source VARCHAR,
    ts_ingested TIMESTAMPTZ,
    ts_superseded TIMESTAMPTZ NOT NULL
);

CREATE TABLE prices (
    ts TIMESTAMPTZ NOT NULL,
    symbol VARCHAR NOT NULL,
    interval VARCHAR NOT NULL,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    close DOUBLE,
    volume DOUBLE,
    adjusted VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (symbol, interval, ts, source)
);

CREATE TABLE rates (
    series VARCHAR NOT NULL,
    date DATE NOT NULL,
    value DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (series, date, source)
);

CREATE TABLE fomc_meetings (
    meeting_date DATE NOT NULL,
    start_date DATE,
    kind VARCHAR NOT NULL,
    sep BOOLEAN,
    statement_release TIMESTAMPTZ,
    minutes_release DATE,
    target_lower DOUBLE,
    target_upper DOUBLE,
    decision VARCHAR,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_date, source)
);

CREATE TABLE fed_futures (
    date DATE NOT NULL,
    contract VARCHAR NOT NULL,
    contract_month DATE NOT NULL,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    settle DOUBLE,
    volume DOUBLE,
    open_interest DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (contract, date, source)
);

CREATE TABLE fomc_docs (
    meeting_date DATE NOT NULL,
    kind VARCHAR NOT NULL,
    release_ts TIMESTAMPTZ,
    title VARCHAR,
    url VARCHAR,
    text VARCHAR,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, meeting_date, source)
);

CREATE TABLE book_snapshots (
    ts TIMESTAMPTZ NOT NULL,
    venue VARCHAR NOT NULL,
    symbol VARCHAR NOT NULL,
    side VARCHAR NOT NULL,
    level INTEGER NOT NULL,
    price DOUBLE,
    size DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (venue, symbol, ts, side, level, source)
);

CREATE TABLE ingest_log (
    id BIGINT PRIMARY KEY,
    ts TIMESTAMPTZ NOT NULL,
    dataset VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    origin VARCHAR,
    rows_in BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL
);
