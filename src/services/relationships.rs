//! Relationships between the reader and other accounts (following, followed_by, requested, blocking, muting, ...), in batch.
