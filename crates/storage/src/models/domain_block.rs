//! `domain_blocks`: servers nothing is accepted from or sent to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::domain_blocks;
use crate::{DbConnection, DbError};

/// A blocked domain (its subdomains are blocked with it).
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = domain_blocks)]
pub struct DomainBlock {
    /// The host name, lower-case, without a port.
    pub domain: String,
    /// Why, as the administrator wrote it.
    pub reason: Option<String>,
    /// When it was blocked.
    pub created_at: NaiveDateTime,
}

impl DomainBlock {
    /// Every block, by domain.
    pub fn all(conn: &mut DbConnection) -> Result<Vec<DomainBlock>, DbError> {
        Ok(domain_blocks::table
            .order(domain_blocks::domain)
            .select(DomainBlock::as_select())
            .load(conn)?)
    }

    /// One block.
    pub fn find(conn: &mut DbConnection, domain: &str) -> Result<Option<DomainBlock>, DbError> {
        Ok(domain_blocks::table
            .find(domain)
            .select(DomainBlock::as_select())
            .first(conn)
            .optional()?)
    }

    /// Blocks a domain, or updates the reason of an existing block.
    pub fn upsert(conn: &mut DbConnection, block: &DomainBlock) -> Result<(), DbError> {
        let updated = diesel::update(domain_blocks::table.find(&block.domain))
            .set(domain_blocks::reason.eq(&block.reason))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(domain_blocks::table)
                .values(block)
                .execute(conn)?;
        }
        Ok(())
    }

    /// Lifts a block; true when there was one.
    pub fn delete(conn: &mut DbConnection, domain: &str) -> Result<bool, DbError> {
        Ok(diesel::delete(domain_blocks::table.find(domain)).execute(conn)? > 0)
    }
}

/// The ids and `domain` (`host[:port]`) of remote accounts whose host is `domain` or under
/// it, possibly with a few more: the caller keeps those its rule matches.
pub fn remote_accounts_near(
    conn: &mut DbConnection,
    domain: &str,
) -> Result<Vec<(i64, String)>, DbError> {
    use crate::schema::accounts;
    let found: Vec<(i64, Option<String>)> = accounts::table
        .filter(
            accounts::domain
                .eq(domain)
                .or(accounts::domain.like(format!("{domain}:%")))
                .or(accounts::domain.like(format!("%.{domain}")))
                .or(accounts::domain.like(format!("%.{domain}:%"))),
        )
        .select((accounts::id, accounts::domain))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(id, domain)| Some((id, domain?)))
        .collect())
}
