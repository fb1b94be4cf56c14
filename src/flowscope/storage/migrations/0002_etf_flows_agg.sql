-- 0002: weekly / monthly ETF-flow aggregates from cross-check sources (Artemis).
CREATE TABLE etf_flows_agg (
    period_end DATE NOT NULL,
    period VARCHAR NOT NULL,
    asset VARCHAR NOT NULL,
    fund VARCHAR NOT NULL,
    flow_usd DOUBLE,
    source VARCHAR NOT NULL,
    ts_ingested TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (period, asset, fund, period_end, source)
);

