//! The virtual BMC's chassis, DCMI, watchdog and FRU inventory (being written).

use crate::wire::message::IpmiRequest;

use super::handler::{Caller, Outcome};

/// Chassis, DCMI power, watchdog and FRU inventory of a virtual BMC.
#[derive(Debug, Clone, Default)]
pub struct PlatformModel {}

impl PlatformModel {
    /// Answers chassis, DCMI, watchdog and FRU commands; `None` for other commands.
    pub(crate) fn handle(&mut self, _req: &IpmiRequest, _caller: Caller) -> Option<Outcome> {
        None
    }
}
