//! `markers`: reading positions.
