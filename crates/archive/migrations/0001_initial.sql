-- Durchblick archive, schema version 1. Documented in SCHEMA.md.
-- Times are INTEGER seconds since 1970-01-01 00:00:00 UTC.

CREATE TABLE archive_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE gateway (
    id         INTEGER PRIMARY KEY,
    smgw_id    TEXT    NOT NULL UNIQUE,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);

CREATE TABLE consumer (
    id         INTEGER PRIMARY KEY,
    gateway_id INTEGER NOT NULL REFERENCES gateway(id),
    user_id    TEXT    NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    UNIQUE (gateway_id, user_id)
);

CREATE TABLE raw_response (
    id          INTEGER PRIMARY KEY,
    gateway_id  INTEGER REFERENCES gateway(id),
    consumer_id INTEGER REFERENCES consumer(id),
    method      TEXT    NOT NULL,
    request     TEXT,
    http_status INTEGER,
    received_at INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    body_zlib   BLOB    NOT NULL
);
CREATE INDEX raw_response_by_consumer ON raw_response(consumer_id, received_at);
CREATE INDEX raw_response_by_gateway ON raw_response(gateway_id, received_at);

CREATE TABLE gateway_snapshot (
    id              INTEGER PRIMARY KEY,
    gateway_id      INTEGER NOT NULL REFERENCES gateway(id),
    read_at         INTEGER NOT NULL,
    smgw_state      TEXT,
    smgw_time       INTEGER,
    raw_response_id INTEGER REFERENCES raw_response(id)
);
CREATE INDEX gateway_snapshot_by_gateway ON gateway_snapshot(gateway_id, read_at);

CREATE TABLE firmware (
    snapshot_id INTEGER NOT NULL REFERENCES gateway_snapshot(id),
    position    INTEGER NOT NULL,
    component   TEXT,
    version     TEXT,
    hash        TEXT,
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;

CREATE TABLE certificate (
    id         INTEGER PRIMARY KEY,
    gateway_id INTEGER NOT NULL REFERENCES gateway(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('han-tls', 'wan-sig', 'wan-sub-ca')),
    cert_index INTEGER,
    data       BLOB    NOT NULL,
    sha256     TEXT    NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
CREATE UNIQUE INDEX certificate_unique
    ON certificate(gateway_id, kind, IFNULL(cert_index, -1), sha256);

CREATE TABLE contract (
    id                INTEGER PRIMARY KEY,
    consumer_id       INTEGER NOT NULL REFERENCES consumer(id),
    usage_point_id    TEXT    NOT NULL,
    name              TEXT,
    taf_number        INTEGER,
    taf_state         TEXT,
    start_time        INTEGER,
    end_time          INTEGER,
    capture_time      INTEGER,
    delivery_id       TEXT,
    metering_point_id TEXT,
    meters            TEXT,
    on_demand_profile INTEGER,
    first_seen        INTEGER NOT NULL,
    last_seen         INTEGER NOT NULL,
    UNIQUE (consumer_id, usage_point_id)
);

CREATE TABLE billing_period (
    contract_id INTEGER NOT NULL REFERENCES contract(id),
    start_time  INTEGER NOT NULL,
    end_time    INTEGER,
    first_seen  INTEGER NOT NULL
);
CREATE UNIQUE INDEX billing_period_unique
    ON billing_period(contract_id, start_time, IFNULL(end_time, -1));

CREATE TABLE contract_detail (
    id                INTEGER PRIMARY KEY,
    contract_id       INTEGER NOT NULL REFERENCES contract(id),
    read_at           INTEGER NOT NULL,
    name              TEXT,
    transparency_bit  INTEGER,
    emts              TEXT,
    taf_profile_sha256 TEXT,
    raw_response_id   INTEGER REFERENCES raw_response(id)
);
CREATE INDEX contract_detail_by_contract ON contract_detail(contract_id, read_at);

CREATE TABLE detail_channel (
    detail_id INTEGER NOT NULL REFERENCES contract_detail(id),
    database  TEXT    NOT NULL,
    obis      TEXT    NOT NULL,
    scaler    INTEGER NOT NULL,
    unit      INTEGER NOT NULL,
    PRIMARY KEY (detail_id, database, obis)
) WITHOUT ROWID;

CREATE TABLE taf_profile (
    contract_id INTEGER NOT NULL REFERENCES contract(id),
    sha256      TEXT    NOT NULL,
    data        BLOB    NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (contract_id, sha256)
) WITHOUT ROWID;

CREATE TABLE channel (
    id          INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contract(id),
    database    TEXT    NOT NULL,
    obis        TEXT    NOT NULL,
    meter_id    TEXT    NOT NULL,
    scaler      INTEGER,
    unit        INTEGER,
    period_s    INTEGER,
    UNIQUE (contract_id, database, obis, meter_id)
);

CREATE TABLE reading (
    channel_id   INTEGER NOT NULL REFERENCES channel(id),
    target_time  INTEGER NOT NULL,
    capture_time INTEGER,
    value        INTEGER NOT NULL,
    scaler       INTEGER NOT NULL,
    unit         INTEGER NOT NULL,
    cosem_status TEXT,
    smgw_status  TEXT,
    meter_status TEXT,
    owner        TEXT,
    signature    TEXT,
    stored_at    INTEGER NOT NULL,
    PRIMARY KEY (channel_id, target_time)
) WITHOUT ROWID;

CREATE TABLE reading_conflict (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL,
    target_time  INTEGER NOT NULL,
    capture_time INTEGER,
    value        INTEGER NOT NULL,
    scaler       INTEGER NOT NULL,
    unit         INTEGER NOT NULL,
    cosem_status TEXT,
    smgw_status  TEXT,
    meter_status TEXT,
    owner        TEXT,
    signature    TEXT,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    times_seen   INTEGER NOT NULL,
    FOREIGN KEY (channel_id, target_time) REFERENCES reading(channel_id, target_time)
);
CREATE INDEX reading_conflict_by_slot ON reading_conflict(channel_id, target_time);

CREATE TABLE log_entry (
    consumer_id      INTEGER NOT NULL REFERENCES consumer(id),
    idx              INTEGER NOT NULL,
    time             INTEGER,
    level            INTEGER,
    event_id         TEXT,
    event_sub_id     TEXT,
    outcome          TEXT,
    vendor_id        TEXT,
    subject_identity TEXT,
    user_identity    TEXT,
    message          TEXT,
    version          TEXT,
    extra            TEXT,
    stored_at        INTEGER NOT NULL,
    PRIMARY KEY (consumer_id, idx)
) WITHOUT ROWID;
CREATE INDEX log_entry_by_time ON log_entry(consumer_id, time);

CREATE TABLE log_conflict (
    id               INTEGER PRIMARY KEY,
    consumer_id      INTEGER NOT NULL,
    idx              INTEGER NOT NULL,
    time             INTEGER,
    level            INTEGER,
    event_id         TEXT,
    event_sub_id     TEXT,
    outcome          TEXT,
    vendor_id        TEXT,
    subject_identity TEXT,
    user_identity    TEXT,
    message          TEXT,
    version          TEXT,
    extra            TEXT,
    first_seen       INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    times_seen       INTEGER NOT NULL,
    FOREIGN KEY (consumer_id, idx) REFERENCES log_entry(consumer_id, idx)
);
CREATE INDEX log_conflict_by_entry ON log_conflict(consumer_id, idx);

CREATE TABLE channel_sync (
    channel_id   INTEGER PRIMARY KEY REFERENCES channel(id),
    synced_until INTEGER,
    last_sync_at INTEGER NOT NULL
);

CREATE TABLE log_sync (
    consumer_id  INTEGER PRIMARY KEY REFERENCES consumer(id),
    last_index   INTEGER NOT NULL,
    last_sync_at INTEGER NOT NULL
);
