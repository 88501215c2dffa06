"""JSON log lines carrying the request id. Callers never pass personal data in `extra`."""

import contextvars
import json
import logging
import traceback
from datetime import UTC, datetime
from types import TracebackType

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# Only these `extra` keys are written: anything else (a token, a NIR) never reaches the logs.
ALLOWED_EXTRA = (
    "method",
    "route",
    "status",
    "duration_ms",
    "cpu_ms",
    "client_id",
    "command",
    "step",
    "count",
    "reason",
)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        line.update({key: getattr(record, key) for key in ALLOWED_EXTRA if hasattr(record, key)})
        if record.exc_info and record.exc_info[0]:
            line["exception"] = record.exc_info[0].__name__
            line["stack"] = _frames(record.exc_info[2])
        return json.dumps(line, ensure_ascii=False)


def _frames(tb: TracebackType | None) -> list[str]:
    """Where the error happened, without the exception's message (it may quote personal data)."""
    return [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(tb)]
