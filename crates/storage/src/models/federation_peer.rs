//! `federation_peers`: the organisation's instances allowed at run time, besides the ones the
//! configuration names.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::federation_peers;
use crate::{DbConnection, DbError};

/// A peer allowed at run time.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = federation_peers)]
pub struct FederationPeer {
    /// `host[:port]`, lower-case.
    pub authority: String,
    /// When it was allowed.
    pub created_at: NaiveDateTime,
}

impl FederationPeer {
    /// Every peer allowed at run time, by authority.
    pub fn all(conn: &mut DbConnection) -> Result<Vec<FederationPeer>, DbError> {
        Ok(federation_peers::table
            .order(federation_peers::authority)
            .select(FederationPeer::as_select())
            .load(conn)?)
    }

    /// One peer allowed at run time.
    pub fn find(
        conn: &mut DbConnection,
        authority: &str,
    ) -> Result<Option<FederationPeer>, DbError> {
        Ok(federation_peers::table
            .find(authority)
            .select(FederationPeer::as_select())
            .first(conn)
            .optional()?)
    }

    /// Allows a peer; true when it was not allowed yet.
    pub fn insert(conn: &mut DbConnection, peer: &FederationPeer) -> Result<bool, DbError> {
        let exists = federation_peers::table
            .find(&peer.authority)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            return Ok(false);
        }
        diesel::insert_into(federation_peers::table)
            .values(peer)
            .execute(conn)?;
        Ok(true)
    }

    /// Removes a peer; true when it was there.
    pub fn delete(conn: &mut DbConnection, authority: &str) -> Result<bool, DbError> {
        Ok(diesel::delete(federation_peers::table.find(authority)).execute(conn)? > 0)
    }
}
