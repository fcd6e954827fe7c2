"""The OpenAPI 3.1 document for the JSON API (hand-written; a test checks it against the code)."""

from __future__ import annotations

from typing import Any

from core import playback

ERROR = {"$ref": "#/components/schemas/Error"}
MAX_ID = 2**31 - 1  # ids fit the database's integer columns; larger ones are refused
# What the server parses (datetime.fromisoformat, UTC only): RFC 3339 allows more (a leap
# second, other offsets, a lowercase t or z, any number of fractional digits).
UTC_TIME = r"^(?!0000)\d{4}-\d\d-\d\dT\d\d:\d\d:[0-5]\d(\.\d{1,6})?(Z|\+00:00)$"


def _error_response(description: str, retry: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/json": {"schema": ERROR}}}
    if retry:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait before retrying.",
                                               "schema": {"type": "integer"}}}
    return response


def event_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(playback.REQUIRED_FIELDS),
        "properties": {
            "event_id": {"type": "string", "format": "uuid",
                         "description": "Made by the client; an event is stored once per id."},
            "type": {"type": "string", "enum": list(playback.EVENT_TYPES)},
            "title_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "episode_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID,
                           "description": "Required for series, absent or null for films."},
            "position_s": {"type": "number", "minimum": 0, "maximum": playback.MAX_NUMBER,
                           "description": "Content position in seconds, 0..runtime."},
            "speed": {"type": "number", "enum": list(playback.SPEEDS), "default": 1.0,
                      "description": "Playback speed since the previous event."},
            "client_time": {"type": "string", "format": "date-time", "pattern": UTC_TIME,
                            "description": "ISO 8601 in UTC (Z or +00:00), to the microsecond "
                                           "at most; at most 7 days old and 5 minutes ahead "
                                           "of the server."},
        },
    }


def document() -> dict[str, Any]:
    batch = {"type": "object", "additionalProperties": False, "required": ["events"],
             "properties": {"events": {"type": "array", "minItems": 1,
                                       "maxItems": playback.MAX_BATCH,
                                       "items": {"$ref": "#/components/schemas/PlaybackEvent"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "StreamSim API", "version": "1.0.0",
                 "description": "Playback events from the player. Authenticate with the session "
                                "cookie and send the CSRF token in X-CSRFToken."},
        "paths": {"/api/playback/events": {"post": {
            "operationId": "postPlaybackEvents",
            "summary": "Record playback events (one, or a batch of up to "
                       f"{playback.MAX_BATCH}).",
            "description": "At-least-once delivery: retry until a 2xx. A 2xx is sent only after "
                           "the commit; an event id already stored is acknowledged again but "
                           "stored once. A rejected batch stores nothing. The profile is the "
                           "session's active profile.",
            "parameters": [{"name": "X-CSRFToken", "in": "header", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [{"$ref": "#/components/schemas/PlaybackEvent"},
                          {"$ref": "#/components/schemas/PlaybackBatch"}]}}}},
            "responses": {
                "200": {"description": "Stored (or already stored).", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Ack"}}}},
                "400": _error_response("Malformed JSON, or a missing/invalid CSRF token."),
                "401": _error_response("Not signed in."),
                "404": _error_response("No active profile."),
                "413": _error_response("Body over the size cap."),
                "415": _error_response("Content-Type is not application/json."),
                "422": _error_response("An invalid event; `field` and `index` say which."),
                "503": _error_response("The database is busy; retry after Retry-After.",
                                       retry=True),
            },
        }}},
        "components": {"schemas": {
            "PlaybackEvent": event_schema(),
            "PlaybackBatch": batch,
            "Ack": {"type": "object", "required": ["accepted", "stored", "duplicates"],
                    "properties": {"accepted": {"type": "integer"},
                                   "stored": {"type": "integer"},
                                   "duplicates": {"type": "integer"}}},
            "Error": {"type": "object", "required": ["error"],
                      "properties": {"error": {"type": "string"},
                                     "field": {"type": ["string", "null"]},
                                     "index": {"type": ["integer", "null"]}}},
        }},
    }
