-- 0006: prediction-market quotes on FOMC decisions (Kalshi, Polymarket order books).
CREATE TABLE prediction_markets (
    ts TIMESTAMPTZ NOT NULL,
    venue VARCHAR NOT NULL,
    market_id VARCHAR NOT NULL,
    meeting_month DATE NOT NULL,
    outcome VARCHAR NOT NULL,
    best_bid DOUBLE,
    best_ask DOUBLE,
    mid DOUBLE,
    spread DOUBLE,
    depth_bid DOUBLE,
    depth_ask DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (venue, market_id, ts, source)
);
