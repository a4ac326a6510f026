//! A database at the latest version is also checked for what the version alone cannot tell:
//! that its tables are the schema's (`shape.rs`), and, for a process that will sync into it,
//! that it can write there (not a read-only standby or session, and the role holds the write
//! privileges). Both only read the catalog.

use tokio_postgres::Client;

use super::driver::block_on;
use super::errors::mapper;
use crate::StoreError;
use crate::shape::{TABLES, mismatch, refusal};

/// The tables of the `flowdeck` schema are those of the latest version, column for column.
pub(crate) fn check_shape(client: &Client, server: &str) -> Result<(), StoreError> {
    let doing = "reading the tables";
    // From the catalog: information_schema hides columns the role has no privilege on.
    let rows = block_on(client.query(
        "SELECT c.relname::text, a.attname::text
           FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
          WHERE n.nspname = 'flowdeck' AND c.relkind IN ('r', 'p')
            AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY c.relname, a.attnum",
        &[],
    ))
    .map_err(mapper(server, doing))?;
    let mut columns: Vec<(String, String)> = Vec::with_capacity(rows.len());
    for row in rows {
        columns.push((
            row.try_get(0).map_err(mapper(server, doing))?,
            row.try_get(1).map_err(mapper(server, doing))?,
        ));
    }
    for (table, expected) in TABLES {
        let found: Vec<String> = columns
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, c)| c.clone())
            .collect();
        if let Some(difference) = mismatch(table, expected, &found) {
            return Err(StoreError::Open {
                path: server.into(),
                detail: refusal(super::migrations::LATEST, &difference),
            });
        }
    }
    Ok(())
}

/// The session may write, and the role holds every privilege a sync uses on every table.
pub(crate) fn check_writable(client: &Client, server: &str) -> Result<(), StoreError> {
    let doing = "checking the write privileges";
    let refused = |detail: String| StoreError::Open {
        path: server.into(),
        detail,
    };
    let row = block_on(client.query_one("SHOW transaction_read_only", &[]))
        .map_err(mapper(server, doing))?;
    let read_only: String = row.try_get(0).map_err(mapper(server, doing))?;
    if read_only == "on" {
        return Err(refused(
            "the session is read-only (a standby, or default_transaction_read_only), and every \
             sync writes to the store"
                .into(),
        ));
    }
    for (table, _) in TABLES {
        for privilege in ["SELECT", "INSERT", "UPDATE", "DELETE"] {
            let row = block_on(client.query_one(
                "SELECT has_table_privilege('flowdeck.' || $1, $2)",
                &[table, &privilege],
            ))
            .map_err(mapper(server, doing))?;
            let held: bool = row.try_get(0).map_err(mapper(server, doing))?;
            if !held {
                return Err(refused(format!(
                    "the role may not {privilege} on flowdeck.{table}, and every sync writes to \
                     the store: grant it, or read this store without polling ([general] poll = \
                     false)"
                )));
            }
        }
    }
    Ok(())
}
