//! Contact addresses come from the customer source the registry was
//! imported from (CSV or SQL), read at send time: the registry keeps only
//! keyed fingerprints, and breachwatch keeps no copy of anyone's address.
//! This also honours what changed since the incident: a corrected address
//! is used, a deleted customer is not written to.

use bw_registry::{for_each_customer, ImportSource};

use crate::send::{Contact, ContactFeed};

/// A feed that streams `source` and stops early once the sender needs no more.
pub fn from_source(source: ImportSource) -> ContactFeed {
    Box::new(move |push: &mut dyn FnMut(Contact) -> bool| {
        let mut stopped = false;
        let res = for_each_customer(&source, |row| {
            let more = push(Contact {
                customer_id: row.customer_id.to_string(),
                email: row.email.to_string(),
                first_name: row.first_name.to_string(),
                last_name: row.last_name.to_string(),
            });
            if more {
                Ok(())
            } else {
                stopped = true;
                Err(bw_registry::Error::consumer("the sender stopped"))
            }
        });
        match res {
            Ok(_) => Ok(()),
            Err(_) if stopped => Ok(()),
            Err(e) => Err(format!("{source}: {e}")),
        }
    })
}
