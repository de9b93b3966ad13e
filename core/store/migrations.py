"""Schema migrations, shared by both SQL stores and applied in order at start-up; the schema
version is SQLite's ``PRAGMA user_version``, a ``schema_version`` row on PostgreSQL.

A migration is frozen once released: change the schema by appending a new one.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE control (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE companies (id TEXT PRIMARY KEY, code TEXT COLLATE NOCASE NOT NULL UNIQUE,
    name TEXT NOT NULL);
CREATE TABLE customers (
    id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE,
    company_id TEXT NOT NULL REFERENCES companies(id),
    first_name TEXT, middle_initial TEXT, last_name TEXT, email TEXT COLLATE NOCASE, phone TEXT,
    image_url TEXT, subscribed_to_newsletter INTEGER NOT NULL DEFAULT 0, invoice_address TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX customers_company ON customers(company_id);
CREATE INDEX customers_email ON customers(email);
CREATE TABLE users (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
    login TEXT COLLATE NOCASE NOT NULL UNIQUE, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '', customer_id TEXT UNIQUE REFERENCES customers(id));
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id), created TEXT NOT NULL, last_seen TEXT NOT NULL,
    idle_seconds INTEGER, expires TEXT);
CREATE TABLE property_definitions (
    id INTEGER PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL, field TEXT, max_length INTEGER, allow_multiple INTEGER NOT NULL DEFAULT 0,
    is_required INTEGER NOT NULL DEFAULT 0);
CREATE TABLE property_values (
    customer_id TEXT NOT NULL REFERENCES customers(id),
    property_id INTEGER NOT NULL REFERENCES property_definitions(id),
    position INTEGER NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (customer_id, property_id, position));
CREATE TABLE customer_logins (
    customer_id TEXT NOT NULL REFERENCES customers(id), position INTEGER NOT NULL,
    name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (customer_id, position));
CREATE TABLE segments (
    id INTEGER PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL);
CREATE TABLE memberships (
    customer_id TEXT NOT NULL REFERENCES customers(id),
    segment_id INTEGER NOT NULL REFERENCES segments(id), PRIMARY KEY (customer_id, segment_id));
CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
    "column" TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
    data_type TEXT NOT NULL DEFAULT 'TextBox', width INTEGER, default_value TEXT,
    is_mandatory INTEGER NOT NULL DEFAULT 0, mandatory_error_message TEXT,
    max_length INTEGER NOT NULL DEFAULT 0, multiple_line_text INTEGER NOT NULL DEFAULT 0,
    regex TEXT, regex_error_message TEXT, "values" TEXT NOT NULL DEFAULT '[]');
CREATE TABLE custom_field_values (
    customer_id TEXT NOT NULL REFERENCES customers(id),
    field_id INTEGER NOT NULL REFERENCES custom_fields(id), value TEXT NOT NULL,
    PRIMARY KEY (customer_id, field_id));
CREATE TABLE access_key_types (
    id INTEGER PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '');
CREATE TABLE access_keys (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    access_key_type_id INTEGER NOT NULL REFERENCES access_key_types(id), value TEXT NOT NULL,
    description TEXT);
CREATE INDEX access_keys_customer ON access_keys(customer_id);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id), text TEXT NOT NULL,
    image_url TEXT, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX comments_customer ON comments(customer_id);
CREATE TABLE social_accounts (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    provider TEXT NOT NULL, external_id TEXT, external_name TEXT, external_link TEXT,
    organization_code TEXT, last_connection_date TEXT, last_sync_date TEXT,
    followers INTEGER NOT NULL DEFAULT 0, is_following_org_account INTEGER NOT NULL DEFAULT 0,
    access_token TEXT, secret_access_token TEXT, is_token_valid INTEGER NOT NULL DEFAULT 0);
CREATE INDEX social_accounts_customer ON social_accounts(customer_id);
CREATE TABLE liked_messages (
    social_account_id TEXT NOT NULL REFERENCES social_accounts(id), position INTEGER NOT NULL,
    text TEXT, date TEXT, PRIMARY KEY (social_account_id, position));
CREATE TABLE role_definitions (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
    image_id TEXT, image_url TEXT, thumbnail_url TEXT, is_licensee INTEGER NOT NULL DEFAULT 0,
    contact_type TEXT);
CREATE TABLE contact_roles (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    role_id TEXT NOT NULL REFERENCES role_definitions(id), list_item_role_id TEXT,
    start_date TEXT, end_date TEXT);
CREATE INDEX contact_roles_customer ON contact_roles(customer_id);
CREATE TABLE connections (
    id TEXT PRIMARY KEY, contact_role_id TEXT NOT NULL REFERENCES contact_roles(id),
    connected_contact_role_id TEXT NOT NULL REFERENCES contact_roles(id),
    status_id TEXT NOT NULL, status_name TEXT NOT NULL, request_id TEXT,
    active INTEGER NOT NULL DEFAULT 1);
CREATE INDEX connections_role ON connections(contact_role_id);
CREATE TABLE units (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
    alternative_code TEXT);
CREATE TABLE event_classifications (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
    alternative_code TEXT);
CREATE TABLE accounts_receivable (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
    customer_id TEXT NOT NULL REFERENCES customers(id), number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL);
CREATE TABLE rewards_participants (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
    customer_id TEXT NOT NULL REFERENCES customers(id), number TEXT NOT NULL UNIQUE,
    account_id TEXT REFERENCES accounts_receivable(id));
CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
    participant_id TEXT NOT NULL REFERENCES rewards_participants(id),
    authentication_code TEXT, identifier TEXT, pass_code_hash TEXT, one_time_password INTEGER,
    effective INTEGER NOT NULL DEFAULT 1);
CREATE TABLE customer_events (
    id TEXT PRIMARY KEY, number INTEGER NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    customer_id TEXT NOT NULL REFERENCES customers(id), kind TEXT NOT NULL,
    account_id TEXT REFERENCES accounts_receivable(id),
    participant_id TEXT REFERENCES rewards_participants(id),
    classification_id TEXT REFERENCES event_classifications(id),
    unit_id TEXT NOT NULL REFERENCES units(id), performed_on TEXT NOT NULL, description TEXT,
    social_media TEXT, profile TEXT, action TEXT, external_system TEXT, external_reference TEXT,
    udf_strings TEXT NOT NULL DEFAULT '[]', udf_floats TEXT NOT NULL DEFAULT '[]',
    udf_dates TEXT NOT NULL DEFAULT '[]', created TEXT NOT NULL,
    UNIQUE (company_id, number));
CREATE INDEX customer_events_customer ON customer_events(customer_id);
"""

# Dates of social accounts keep a seventh fraction digit (100 ns) beside the microsecond.
SCHEMA_V2 = """
ALTER TABLE social_accounts ADD COLUMN last_connection_date_100ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE social_accounts ADD COLUMN last_sync_date_100ns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE liked_messages ADD COLUMN date_100ns INTEGER NOT NULL DEFAULT 0;
"""

# Bounded append-only logs of opaque text records (operating state, like ``control``):
# ``logs`` holds each log's last id (so ids keep rising after a clear) and how many of the
# newest records it keeps; older ones are invisible at once and deleted in batches.
SCHEMA_V3 = """
CREATE TABLE logs (name TEXT PRIMARY KEY, last_id BIGINT NOT NULL, keep BIGINT NOT NULL);
CREATE TABLE log_records (
    log TEXT NOT NULL, id BIGINT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (log, id));
"""

# The logs become rings of ``keep`` slots updated in place (record N lives in slot N mod keep), so
# a busy log rewrites the same rows instead of inserting and deleting (no PostgreSQL bloat);
# ``cleared`` is the last id a clear hid.
SCHEMA_V4 = """
CREATE TABLE log_slots (
    log TEXT NOT NULL, slot BIGINT NOT NULL, id BIGINT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (log, slot));
INSERT INTO log_slots (log, slot, id, record)
    SELECT r.log, r.id % l.keep, r.id, r.record FROM log_records r JOIN logs l ON l.name = r.log
    WHERE l.keep > 0 AND r.id > l.last_id - l.keep;
ALTER TABLE logs ADD COLUMN cleared BIGINT NOT NULL DEFAULT 0;
DROP TABLE log_records;
"""

#: Migration N (1-based) brings the schema from version N-1 to N.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4)

LATEST = len(MIGRATIONS)
