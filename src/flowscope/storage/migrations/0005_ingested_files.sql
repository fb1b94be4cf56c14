-- 0005: files imported by `flowscope import` (content hash, size, mtime), so that importing an
-- identical file again is answered "unchanged" without parsing it; and cached tone scores, keyed
-- by the text's hash and the model that scored it.
CREATE TABLE ingested_files (
    sha256 VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    options VARCHAR NOT NULL,
    datasets VARCHAR[] NOT NULL,
    size_bytes BIGINT NOT NULL,
    mtime TIMESTAMPTZ NOT NULL,
    path VARCHAR NOT NULL,
    last_ingest_id BIGINT NOT NULL,
    ts TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sha256, dataset, options)
);
CREATE TABLE tone_score_cache (
    text_sha256 VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    ts TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (text_sha256, model)
);
