//! The virtual BMC's SDR repository and sensors (being written).

use crate::wire::message::IpmiRequest;

use super::handler::{Caller, Outcome};

/// SDR repository and sensor readings of a virtual BMC.
#[derive(Debug, Clone, Default)]
pub struct SensorModel {}

impl SensorModel {
    /// Answers SDR repository and sensor commands; `None` for other commands.
    pub(crate) fn handle(&mut self, _req: &IpmiRequest, _caller: Caller) -> Option<Outcome> {
        None
    }
}
