//! The SCIM `filter` parameter (RFC 7644 §3.4.2.2) for Users: `eq`, `ne`, `co`, `sw`, `ew`
//! and `pr` on `id`, `userName`, `externalId`, `emails.value` and `displayName`, `eq` and `ne`
//! on `active`, joined with `and`, `or`, `not` and parentheses. Anything else is
//! `invalidFilter`.

use serde_json::Value;

use super::error::ScimError;
use super::schema::{CORE_USER, strip_schema};
use trellis_storage::models::scim_user::{ScimAttribute, ScimUserQuery, TextMatch};

/// The longest filter accepted, in bytes.
const MAX_FILTER_LEN: usize = 2048;

/// How deeply parentheses and `not` may nest.
const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Literal(Value),
}

fn tokens(filter: &str) -> Result<Vec<Token>, ScimError> {
    let mut out = Vec::new();
    let mut rest = filter;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            return Ok(out);
        };
        match first {
            '(' => {
                out.push(Token::Open);
                rest = &rest[1..];
            }
            ')' => {
                out.push(Token::Close);
                rest = &rest[1..];
            }
            '"' => {
                let mut end = None;
                let mut escaped = false;
                for (i, c) in rest.char_indices().skip(1) {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| ScimError::invalid_filter("unterminated string"))?;
                let text: String = serde_json::from_str(&rest[..=end])
                    .map_err(|_| ScimError::invalid_filter("invalid string"))?;
                out.push(Token::Literal(Value::String(text)));
                rest = &rest[end + 1..];
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .unwrap_or(rest.len());
                out.push(Token::Word(rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expression(&mut self, depth: usize) -> Result<ScimUserQuery, ScimError> {
        let mut left = self.term(depth)?;
        while self.peek_word("or") {
            self.at += 1;
            left = ScimUserQuery::Or(Box::new(left), Box::new(self.term(depth)?));
        }
        Ok(left)
    }

    fn term(&mut self, depth: usize) -> Result<ScimUserQuery, ScimError> {
        let mut left = self.factor(depth)?;
        while self.peek_word("and") {
            self.at += 1;
            left = ScimUserQuery::And(Box::new(left), Box::new(self.factor(depth)?));
        }
        Ok(left)
    }

    fn factor(&mut self, depth: usize) -> Result<ScimUserQuery, ScimError> {
        if depth > MAX_DEPTH {
            return Err(ScimError::invalid_filter("the filter nests too deeply"));
        }
        let negated = self.peek_word("not");
        if negated {
            self.at += 1;
        }
        if negated || self.tokens.get(self.at) == Some(&Token::Open) {
            if self.next() != Some(Token::Open) {
                return Err(ScimError::invalid_filter("expected ( after not"));
            }
            let inner = self.expression(depth + 1)?;
            if self.next() != Some(Token::Close) {
                return Err(ScimError::invalid_filter("expected )"));
            }
            return Ok(if negated {
                ScimUserQuery::Not(Box::new(inner))
            } else {
                inner
            });
        }
        let Some(Token::Word(path)) = self.next() else {
            return Err(ScimError::invalid_filter("expected an attribute"));
        };
        let Some(Token::Word(operator)) = self.next() else {
            return Err(ScimError::invalid_filter("expected an operator"));
        };
        let operator = operator.to_ascii_lowercase();
        let attribute = attribute(&path)?;
        if operator == "pr" {
            return match attribute {
                Target::Text(attribute) => Ok(ScimUserQuery::Present(attribute)),
                Target::Active => Ok(ScimUserQuery::All),
            };
        }
        let value = match self.next() {
            Some(Token::Literal(value)) => value,
            Some(Token::Word(word)) => serde_json::from_str(&word.to_ascii_lowercase())
                .map_err(|_| ScimError::invalid_filter(format!("invalid value {word:?}")))?,
            _ => return Err(ScimError::invalid_filter("expected a value")),
        };
        match (attribute, value) {
            (Target::Active, Value::Bool(active)) => match operator.as_str() {
                "eq" => Ok(ScimUserQuery::Active(active)),
                "ne" => Ok(ScimUserQuery::Active(!active)),
                _ => Err(ScimError::invalid_filter(format!(
                    "active supports eq and ne, not {operator}"
                ))),
            },
            (Target::Text(attribute), Value::String(text)) => {
                let matching = match operator.as_str() {
                    "eq" => TextMatch::Equals,
                    "ne" => TextMatch::NotEquals,
                    "co" => TextMatch::Contains,
                    "sw" => TextMatch::StartsWith,
                    "ew" => TextMatch::EndsWith,
                    _ => {
                        return Err(ScimError::invalid_filter(format!(
                            "operator {operator} is not supported"
                        )));
                    }
                };
                Ok(ScimUserQuery::Text(attribute, matching, text))
            }
            _ => Err(ScimError::invalid_filter(format!(
                "{path} cannot be compared with that value"
            ))),
        }
    }
}

enum Target {
    Text(ScimAttribute),
    Active,
}

fn attribute(path: &str) -> Result<Target, ScimError> {
    let name = strip_schema(path, CORE_USER).to_ascii_lowercase();
    Ok(match name.as_str() {
        "id" => Target::Text(ScimAttribute::Id),
        "username" => Target::Text(ScimAttribute::UserName),
        "externalid" => Target::Text(ScimAttribute::ExternalId),
        "emails" | "emails.value" => Target::Text(ScimAttribute::Email),
        "displayname" => Target::Text(ScimAttribute::DisplayName),
        "active" => Target::Active,
        _ => {
            return Err(ScimError::invalid_filter(format!(
                "filtering on {path} is not supported"
            )));
        }
    })
}

/// The value filter of a PATCH path (`type eq "work"`): the sub-attribute and the value.
pub(crate) fn value_filter(text: &str) -> Result<(String, Value), ScimError> {
    let invalid = || ScimError::invalid_path(format!("unsupported value filter {text:?}"));
    match tokens(text)?.as_slice() {
        [Token::Word(attribute), Token::Word(operator), value]
            if operator.eq_ignore_ascii_case("eq") =>
        {
            let value = match value {
                Token::Literal(value) => value.clone(),
                Token::Word(word) => {
                    serde_json::from_str(&word.to_ascii_lowercase()).map_err(|_| invalid())?
                }
                _ => return Err(invalid()),
            };
            Ok((attribute.clone(), value))
        }
        _ => Err(invalid()),
    }
}

/// Parses a filter; an absent or blank one selects everyone.
pub(crate) fn parse(filter: Option<&str>) -> Result<ScimUserQuery, ScimError> {
    let Some(filter) = filter.filter(|f| !f.trim().is_empty()) else {
        return Ok(ScimUserQuery::All);
    };
    if filter.len() > MAX_FILTER_LEN {
        return Err(ScimError::invalid_filter(format!(
            "the filter must be at most {MAX_FILTER_LEN} bytes"
        )));
    }
    let mut parser = Parser {
        tokens: tokens(filter)?,
        at: 0,
    };
    let query = parser.expression(0)?;
    if parser.at != parser.tokens.len() {
        return Err(ScimError::invalid_filter(
            "unexpected text after the filter",
        ));
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(attribute: ScimAttribute, matching: TextMatch, value: &str) -> ScimUserQuery {
        ScimUserQuery::Text(attribute, matching, value.into())
    }

    #[test]
    fn filters_parse_with_precedence() {
        let query = parse(Some(
            r#"userName eq "a\"b" or externalId sw "x" and not (active eq false)"#,
        ))
        .unwrap();
        assert_eq!(
            query,
            ScimUserQuery::Or(
                Box::new(text(ScimAttribute::UserName, TextMatch::Equals, "a\"b")),
                Box::new(ScimUserQuery::And(
                    Box::new(text(ScimAttribute::ExternalId, TextMatch::StartsWith, "x")),
                    Box::new(ScimUserQuery::Not(Box::new(ScimUserQuery::Active(false)))),
                )),
            )
        );
        assert_eq!(
            parse(Some(
                r#"urn:ietf:params:scim:schemas:core:2.0:User:emails.value EQ "A@b.c""#
            ))
            .unwrap(),
            text(ScimAttribute::Email, TextMatch::Equals, "A@b.c")
        );
    }

    #[test]
    fn unsupported_filters_are_refused() {
        for bad in [
            r#"title eq "x""#,
            r#"userName gt "x""#,
            r#"userName eq"#,
            r#"(userName eq "x""#,
            r#"userName eq "x" junk"#,
            r#"active eq "yes""#,
            r#"emails[type eq "work"].value eq "x""#,
        ] {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
