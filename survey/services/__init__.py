"""Business rules of the self-assessment, each a function of a session and plain values."""
