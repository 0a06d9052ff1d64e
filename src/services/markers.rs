//! Reading positions (home, notifications) shared between a person's clients.
