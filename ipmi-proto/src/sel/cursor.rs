//! The state of an incremental SEL reader (sans-IO).
//!
//! Reading a whole SEL costs one Get SEL Entry per record (IPMI v2.0
//! §31.5), which takes many seconds on a BMC with hundreds of entries. A
//! [`SelCursor`] remembers what the last read saw — the Get SEL Info
//! counters (§31.2: entries, most recent addition and erase timestamps)
//! and the ID of the last record — so that the next read can:
//!
//! * skip reading when nothing was added ([`ReadPlan::Nothing`]);
//! * read only the records after the last one seen ([`ReadPlan::After`]:
//!   re-read that record for its next-record ID, then follow the chain);
//! * start over when the log was cleared (the erase timestamp changed) or
//!   shrank (fewer entries than before): [`ReadPlan::Full`].

use crate::commands::sel::SelInfo;

use super::SelTimestamp;

/// What a reader has to fetch, given the current Get SEL Info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadPlan {
    /// Nothing changed since the last read.
    Nothing,
    /// Read the whole log from the first record.
    Full,
    /// Read the records that follow record `0`: fetch it again for its
    /// next-record ID and follow the chain from there.
    After(u16),
}

/// What the previous read saw; `SelCursor::default()` has seen nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SelCursor {
    seen: Option<Seen>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Seen {
    entries: u16,
    last_add: SelTimestamp,
    last_erase: SelTimestamp,
    last_record_id: Option<u16>,
}

impl SelCursor {
    /// A cursor that has seen nothing (the first read is a full read).
    pub fn new() -> Self {
        Self::default()
    }

    /// Decides what to read now that Get SEL Info answered `info`.
    pub fn plan(&self, info: &SelInfo) -> ReadPlan {
        let Some(seen) = self.seen else {
            return ReadPlan::Full;
        };
        if info.last_erase != seen.last_erase || info.entries < seen.entries {
            return ReadPlan::Full;
        }
        if info.entries == seen.entries && info.last_add == seen.last_add {
            return ReadPlan::Nothing;
        }
        match seen.last_record_id {
            Some(id) => ReadPlan::After(id),
            None => ReadPlan::Full,
        }
    }

    /// Records a completed read: the Get SEL Info it started from and the
    /// ID of the last record of the log (`None` for an empty log).
    pub fn update(&mut self, info: &SelInfo, last_record_id: Option<u16>) {
        self.seen = Some(Seen {
            entries: info.entries,
            last_add: info.last_add,
            last_erase: info.last_erase,
            last_record_id,
        });
    }

    /// Forgets everything: the next read is a full read.
    pub fn reset(&mut self) {
        self.seen = None;
    }

    /// The entry count of the last read, if any.
    pub fn entries(&self) -> Option<u16> {
        self.seen.map(|s| s.entries)
    }

    /// The ID of the last record seen (`None` before any read or when the
    /// log was empty).
    pub fn last_record_id(&self) -> Option<u16> {
        self.seen.and_then(|s| s.last_record_id)
    }

    /// The most recent addition timestamp of the last read.
    pub fn last_add(&self) -> Option<SelTimestamp> {
        self.seen.map(|s| s.last_add)
    }

    /// The most recent erase timestamp of the last read.
    pub fn last_erase(&self) -> Option<SelTimestamp> {
        self.seen.map(|s| s.last_erase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::sel::SelOperationSupport;

    fn info(entries: u16, add: u32, erase: u32) -> SelInfo {
        SelInfo {
            version: 0x51,
            entries,
            free_space: 1000,
            last_add: SelTimestamp(add),
            last_erase: SelTimestamp(erase),
            support: SelOperationSupport(0x0b),
        }
    }

    #[test]
    fn plans() {
        let mut c = SelCursor::new();
        assert_eq!(c.plan(&info(3, 10, 5)), ReadPlan::Full);
        c.update(&info(3, 10, 5), Some(3));
        assert_eq!(c.plan(&info(3, 10, 5)), ReadPlan::Nothing);
        assert_eq!(c.plan(&info(6, 20, 5)), ReadPlan::After(3));
        // Same count, newer addition: a wrapped log; read after the last.
        assert_eq!(c.plan(&info(3, 20, 5)), ReadPlan::After(3));
        // Cleared, or fewer entries: start over.
        assert_eq!(c.plan(&info(6, 20, 6)), ReadPlan::Full);
        assert_eq!(c.plan(&info(2, 20, 5)), ReadPlan::Full);
        assert_eq!(c.entries(), Some(3));
        assert_eq!(c.last_record_id(), Some(3));
        c.update(&info(0, 10, 5), None);
        assert_eq!(c.plan(&info(1, 30, 5)), ReadPlan::Full);
        c.reset();
        assert_eq!(c.plan(&info(1, 30, 5)), ReadPlan::Full);
        assert_eq!(c.last_add(), None);
    }
}
