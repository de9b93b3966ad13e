"""The gateway: config, the exchange wrapper (dispatch, request context, journal, faults),
admin API, upstream modes and CLI."""
