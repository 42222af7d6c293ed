//! The virtual BMC's System Event Log (being written).

use crate::wire::message::IpmiRequest;

use super::handler::{Caller, Outcome};

/// System Event Log of a virtual BMC.
#[derive(Debug, Clone, Default)]
pub struct SelModel {}

impl SelModel {
    /// Answers SEL commands; `None` for other commands.
    pub(crate) fn handle(&mut self, _req: &IpmiRequest, _caller: Caller) -> Option<Outcome> {
        None
    }
}
