"""Mail delivery: messages in the recipient's language, a database send queue (outbox)
that survives restarts and retries with back-off, and an SMTP sender."""

from survey.mail.message import MailContent
from survey.mail.outbox import enqueue_message

__all__ = ["MailContent", "enqueue_message"]
