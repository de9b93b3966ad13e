"""Names the dead-code check (vulture, ``make lint``) must not report: each is reached by
reflection or by name, not by a call vulture can see. Wire DTO modules (``dto.py``) are left
out of the check as a whole: msgspec reads and writes every field they declare."""

# Fields of records encoded by msgspec (journal entries, diff outcomes) or kept in the store.
duration_ms  # gateway/journal.py
vendor_status  # gateway/diff/model.py
crmgate_status  # gateway/diff/model.py
effective  # core/models/crm.py
middle_initial  # core/models/customers.py, core/services/customers.py
social_account_id  # core/models/social.py

# Named in a string: uvicorn's factory import in gateway/cli.py.
create_app_from_env  # gateway/app.py

# Awaited by callers that must see every queued shadow comparison finished (tests, shutdown).
drain  # gateway/diff/shadow.py

# SQLite's own consistency check, what the crash-safety tests assert on.
integrity_check  # core/store/sqlite.py

# The pytest plugin's public helpers (gateway/testing.py): called by users' tests.
unmatched  # gateway/testing.py
fault  # gateway/testing.py

# Attributes of a Starlette Response that Starlette reads (dialects/servicestack/codecs.py
# Answer sets them itself instead of calling Response.__init__).
background  # dialects/servicestack/codecs.py
raw_headers  # dialects/servicestack/codecs.py

# A property setter of libpq's connection (psycopg.pq): switches it to non-blocking sends.
nonblocking  # core/store/probe.py

# uvicorn's HttpToolsProtocol hooks and state (gateway/http_guard.py overrides them; uvicorn
# calls and reads them).
_unset_keepalive_if_required  # gateway/http_guard.py
on_response_complete  # gateway/http_guard.py
total_requests  # gateway/http_guard.py
