//! Retransmission timeouts from measured round trips (sans-IO: the caller
//! passes every duration in).
//!
//! IPMI over LAN leaves retransmission to the console (IPMI v2.0 §6.12.13:
//! a retransmitted request keeps its rqSeq, so the BMC can recognise it and
//! a late answer to an earlier copy still answers the request). The
//! estimator follows the TCP algorithm of RFC 6298: a smoothed round trip
//! `srtt` and its variation `rttvar` give `rto = srtt + 4·rttvar`, clamped
//! to `[floor, ceiling]`; a request that needed a retransmission doubles the value in use
//! for the next ones (capped at the ceiling) until a clean sample arrives; only
//! requests answered without a retransmission give samples (Karn's rule),
//! because an answer after a retransmission may belong to either copy.
//!
//! # Why the default floor is 200 ms
//! Real BMCs answer most commands in 2–50 ms and busy or slow firmware in
//! some hundreds of milliseconds; the floor only applies once the measured
//! round trips are well below it (`srtt + 4·rttvar` of a 40 ± 20 ms BMC is
//! 120 ms). Retransmitting a request to a BMC that is merely slower than
//! the floor does no harm: the copy carries the same rqSeq and the answer
//! to either copy is accepted, so the cost is one extra datagram, and the
//! wait grows with each silent attempt. 200 ms keeps that
//! cost below one extra datagram per request for BMCs up to 200 ms, while
//! still allowing about 40 attempts within a 10 s budget on a lossy link.

use core::time::Duration;

/// Default lower bound of the retransmission timeout.
pub const DEFAULT_RTO_FLOOR: Duration = Duration::from_millis(200);
/// Default upper bound of the retransmission timeout.
pub const DEFAULT_RTO_CEILING: Duration = Duration::from_secs(4);

/// Per-BMC retransmission timeout estimator (RFC 6298).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtoEstimator {
    floor: Duration,
    ceiling: Duration,
    srtt: Option<Duration>,
    rttvar: Duration,
    /// The value in use (computed or backed off).
    current: Duration,
}

impl RtoEstimator {
    /// An estimator starting at `initial` (used until the first sample),
    /// clamped to `[floor, ceiling]`.
    pub fn new(initial: Duration, floor: Duration, ceiling: Duration) -> Self {
        let ceiling = ceiling.max(floor);
        Self {
            floor,
            ceiling,
            srtt: None,
            rttvar: Duration::ZERO,
            current: initial.clamp(floor, ceiling),
        }
    }

    /// The timeout for the first transmission of the next request.
    pub fn rto(&self) -> Duration {
        self.current
    }

    /// The wait after transmission number `attempt` (0 = the first) of one
    /// request: the timeout grown by half of itself per silent attempt
    /// (1×, 1.5×, 2×, …), capped at the ceiling. Within one request the
    /// growth is linear, not exponential: one request is in flight per
    /// session, so there is no congestion to back off from, and on a link
    /// that loses a third of the datagrams an exponential series would spend
    /// most of the budget waiting.
    pub fn wait(&self, attempt: u32) -> Duration {
        (self
            .current
            .saturating_mul(attempt.min(64).saturating_add(2))
            / 2)
        .min(self.ceiling)
    }

    /// The smoothed round trip, once measured.
    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    /// Records the round trip of a request answered at its first
    /// transmission (RFC 6298 §2.2–2.3).
    pub fn sample(&mut self, rtt: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(srtt) => {
                let delta = srtt.abs_diff(rtt);
                // rttvar = 3/4 rttvar + 1/4 |srtt - rtt|; srtt = 7/8 srtt + 1/8 rtt
                self.rttvar = (self.rttvar.saturating_mul(3) + delta) / 4;
                self.srtt = Some((srtt.saturating_mul(7) + rtt) / 8);
            }
        }
        let srtt = self.srtt.unwrap_or(rtt);
        self.current = srtt
            .saturating_add(self.rttvar.saturating_mul(4))
            .clamp(self.floor, self.ceiling);
    }

    /// Records that a request needed retransmissions: the doubled timeout
    /// stays in use until the next clean sample (RFC 6298 §5.5).
    pub fn backoff(&mut self) {
        self.current = self.current.saturating_mul(2).min(self.ceiling);
    }
}

impl Default for RtoEstimator {
    fn default() -> Self {
        Self::new(
            Duration::from_secs(1),
            DEFAULT_RTO_FLOOR,
            DEFAULT_RTO_CEILING,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn starts_at_initial_and_follows_samples_to_the_floor() {
        let mut r = RtoEstimator::new(1000 * MS, 200 * MS, 4000 * MS);
        assert_eq!(r.rto(), 1000 * MS);
        for _ in 0..20 {
            r.sample(MS);
        }
        assert_eq!(r.rto(), 200 * MS);
    }

    #[test]
    fn slow_bmc_raises_the_timeout_above_its_round_trip() {
        let mut r = RtoEstimator::new(1000 * MS, 200 * MS, 4000 * MS);
        r.sample(1500 * MS);
        assert_eq!(r.rto(), 4000 * MS); // 1.5 + 4·0.75, capped
        for _ in 0..50 {
            r.sample(1500 * MS);
        }
        assert!(r.rto() > 1500 * MS && r.rto() < 1700 * MS, "{:?}", r.rto());
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let mut r = RtoEstimator::new(300 * MS, 200 * MS, 1000 * MS);
        assert_eq!(r.wait(0), 300 * MS);
        assert_eq!(r.wait(1), 450 * MS);
        assert_eq!(r.wait(2), 600 * MS);
        assert_eq!(r.wait(6), 1000 * MS);
        assert_eq!(r.wait(40), 1000 * MS);
        r.backoff();
        assert_eq!(r.rto(), 600 * MS);
        r.backoff();
        assert_eq!(r.rto(), 1000 * MS);
        r.sample(10 * MS);
        assert_eq!(r.rto(), 200 * MS);
    }
}
